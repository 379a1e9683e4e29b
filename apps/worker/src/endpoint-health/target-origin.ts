const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The origin a circuit breaker guards: scheme://host:port with the port always written out, so
 * https://example.com and https://example.com:443 share one breaker. Null for an unparsable URL.
 */
export function targetOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || '';
  return `${parsed.protocol}//${parsed.hostname}:${port}`;
}
