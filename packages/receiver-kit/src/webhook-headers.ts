/** What a fetch `Headers` object offers; typed structurally so the kit does not need the DOM lib. */
export interface HeadersLike {
  get(name: string): string | null;
}

/** Node's `req.headers`, a plain object with any casing, or a fetch `Headers`. */
export type WebhookHeaders = Record<string, string | string[] | undefined> | HeadersLike;

/** Reads one header by case-insensitive name; repeated headers come joined by ", " as Node and fetch join them. */
export type HeaderReader = (name: string) => string | undefined;

export function headerReader(headers: WebhookHeaders): HeaderReader {
  if (isHeadersLike(headers)) return (name) => present(headers.get(name));
  const byLowerName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    const key = name.toLowerCase();
    const earlier = byLowerName.get(key);
    byLowerName.set(key, earlier === undefined ? joined : `${earlier}, ${joined}`);
  }
  return (name) => present(byLowerName.get(name.toLowerCase()));
}

function isHeadersLike(headers: WebhookHeaders): headers is HeadersLike {
  return typeof (headers as Partial<HeadersLike>).get === 'function';
}

/** An empty header counts as absent. */
function present(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
