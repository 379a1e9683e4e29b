/**
 * An example `data` object for an event type, made from its JSON Schema: the schema's own
 * `examples`/`example`/`default`/`const`/first `enum` value where given, else a placeholder of the
 * declared type. Enough for a reader to see the shape; not a validator.
 */
export function examplePayload(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return null;
  const node = schema as Record<string, unknown>;
  const first = (value: unknown): unknown => (Array.isArray(value) && value.length > 0 ? (value as unknown[])[0] : undefined);
  if (first(node.examples) !== undefined) return first(node.examples);
  for (const key of ['example', 'default', 'const']) if (key in node) return node[key];
  if (first(node.enum) !== undefined) return first(node.enum);
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (first(node[key]) !== undefined) return examplePayload(first(node[key]), depth + 1);
  const type = Array.isArray(node.type) ? (node.type as unknown[]).find((t) => t !== 'null') : node.type;
  switch (type ?? (node.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries(
        Object.entries((node.properties ?? {}) as Record<string, unknown>).map(([name, child]) => [name, examplePayload(child, depth + 1)]),
      );
    case 'array':
      return [examplePayload(node.items, depth + 1)];
    case 'string':
      return node.format === 'date-time'
        ? '2026-01-01T00:00:00Z'
        : node.format === 'email'
          ? 'user@example.com'
          : node.format === 'uri'
            ? 'https://example.com'
            : 'string';
    case 'integer':
      return typeof node.minimum === 'number' ? node.minimum : 1;
    case 'number':
      return typeof node.minimum === 'number' ? node.minimum : 1.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
