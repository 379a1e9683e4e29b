import type { Subscription, SubscriptionCreate } from '../../api/client';

/** What the endpoint form edits, as text where the user types it. */
export interface EndpointFormState {
  name: string;
  url: string;
  events: string[];
  channels: string[];
  headers: string;
  max_attempts: string;
  rate_limit_per_second: string;
  payload_format: 'envelope' | 'data';
}

export const ENDPOINT_FIELDS = ['name', 'url', 'events', 'channels', 'headers', 'max_attempts', 'rate_limit_per_second', 'payload_format'] as const;

export const emptyEndpointForm = (): EndpointFormState => ({
  name: '',
  url: '',
  events: [],
  channels: [],
  headers: '',
  max_attempts: '',
  rate_limit_per_second: '',
  payload_format: 'envelope',
});

export function endpointFormOf(endpoint: Subscription): EndpointFormState {
  return {
    name: endpoint.name,
    url: endpoint.url,
    events: endpoint.events,
    channels: endpoint.channels,
    headers: Object.entries(endpoint.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    max_attempts: String(endpoint.max_attempts),
    rate_limit_per_second: endpoint.rate_limit_per_second === null ? '' : String(endpoint.rate_limit_per_second),
    payload_format: endpoint.payload_format,
  };
}

/** `Name: value` lines → a header map; the API judges names and values, so a line without a colon is kept as a name. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    headers[name] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return headers;
}

/** Numbers are sent as typed (`abc` → NaN is sent as the text) so that the API's message explains the problem. */
const numberOrNull = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/**
 * The request body for the form. Without a name, the URL names the endpoint (the portal's form may
 * be filled with URL and events only). `withChannels` is false in the portal: the API puts a
 * tenant's endpoints on its channel itself.
 */
export function endpointBody(form: EndpointFormState, { withChannels }: { withChannels: boolean }): SubscriptionCreate {
  const body: SubscriptionCreate = {
    name: form.name.trim() || form.url.trim(),
    url: form.url.trim(),
    events: form.events,
    headers: parseHeaders(form.headers),
    max_attempts: numberOrNull(form.max_attempts),
    rate_limit_per_second: numberOrNull(form.rate_limit_per_second),
    payload_format: form.payload_format,
  };
  if (withChannels) body.channels = form.channels;
  return body;
}
