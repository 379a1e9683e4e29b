/**
 * The one module that talks to the Hookline API: every URL the UI calls is built here, and every
 * answer is typed from the OpenAPI document (schema.d.ts, generated). Pages call these methods.
 */
import type { components } from './schema';

type Schemas = components['schemas'];
export type Subscription = Schemas['Subscription'];
export type SubscriptionWithSecret = Schemas['SubscriptionWithSecret'];
export type SubscriptionCreate = Schemas['SubscriptionCreate'];
export type SubscriptionUpdate = Schemas['SubscriptionUpdate'];
export type Log = Schemas['Log'];
export type LogDetail = Schemas['LogDetail'];
export type Attempt = Schemas['Attempt'];
export type DeliveryStatus = Log['status'];
export type HooklineEvent = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type EventTypeCreate = Schemas['EventTypeCreate'];
export type EventTypeUpdate = Schemas['EventTypeUpdate'];
export type ChannelWebhook = Schemas['ChannelWebhook'];
export type ChannelExecutionList = Schemas['ChannelExecutionList'];
export type ErrorDetail = Schemas['ErrorDetail'];
export type PortalSessionCreate = Schemas['PortalSessionCreateDto'];
export type PortalSession = Schemas['PortalSession'];
export type CurrentPortalSession = Schemas['CurrentPortalSession'];
export type DeliveryStats = Schemas['DeliveryStats'];

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'retrying', 'delivered', 'failed', 'cancelled'];

/** An answer other than 2xx, as the API's `{error, message, details}` body says it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The credential was refused (unknown, revoked or expired). */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export interface ApiClientOptions {
  /** The API key or portal token of this tab's session. */
  credential: () => string | null;
  /** Called when the API refuses the credential, so the app can show sign-in or the expired message. */
  onUnauthorized?: (error: ApiError) => void;
  /** Same origin by default: the api serves the UI. */
  baseUrl?: string;
}

const segment = (value: string) => encodeURIComponent(value);

export function createApiClient({ credential, onUnauthorized, baseUrl = '' }: ApiClientOptions) {
  async function call<T>(method: string, path: string, { query, body }: { query?: Query; body?: unknown } = {}): Promise<T> {
    const url = new URL(baseUrl + path, window.location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = credential();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network_error', 'The Hookline API could not be reached. Check your connection and try again.');
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      // The API's error body is {error, message, details}; anything else (a proxy's page) gets generic words.
      const answer = (parsed ?? {}) as { error?: string; message?: string; details?: unknown };
      const error = new ApiError(
        response.status,
        answer.error ?? `http_${response.status}`,
        answer.message ?? `The API answered ${response.status} ${response.statusText}.`,
        Array.isArray(answer.details) ? (answer.details as ErrorDetail[]) : [],
      );
      if (error.unauthorized) onUnauthorized?.(error);
      throw error;
    }
    return parsed as T;
  }

  return {
    // Endpoints (subscriptions)
    listEndpoints: () => call<Schemas['SubscriptionList']>('GET', '/v1/webhooks'),
    getEndpoint: (id: string) => call<Subscription>('GET', `/v1/webhooks/${segment(id)}`),
    createEndpoint: (body: SubscriptionCreate) => call<SubscriptionWithSecret>('POST', '/v1/webhooks', { body }),
    updateEndpoint: (id: string, body: SubscriptionUpdate) => call<Subscription>('PATCH', `/v1/webhooks/${segment(id)}`, { body }),
    deleteEndpoint: (id: string) => call<void>('DELETE', `/v1/webhooks/${segment(id)}`),
    /** An hmac endpoint's secret, or an ed25519 endpoint's public key. */
    getEndpointSecret: (id: string) => call<Schemas['SubscriptionSecret'] | Schemas['SubscriptionPublicKey']>('GET', `/v1/webhooks/${segment(id)}/secret`),
    rotateEndpointSecret: (id: string, body: Schemas['SecretRotate'] = {}) =>
      call<Schemas['SecretRotated'] | Schemas['PublicKeyRotated']>('POST', `/v1/webhooks/${segment(id)}/secret/rotate`, { body }),
    sendTestEvent: (id: string) => call<Schemas['TestWebhookSent']>('POST', `/v1/webhooks/${segment(id)}/test`),
    recoverEndpoint: (id: string, body: Schemas['Recover']) => call<Schemas['Recovered']>('POST', `/v1/webhooks/${segment(id)}/recover`, { body }),

    // Delivery logs
    listLogs: (filters: { status?: string; event_type?: string; endpoint?: string; limit: number; offset: number }) => {
      const { endpoint, ...query } = filters;
      if (endpoint) return call<Schemas['LogList']>('GET', `/v1/webhooks/${segment(endpoint)}/logs`, { query: { limit: query.limit, offset: query.offset } });
      return call<Schemas['LogList']>('GET', '/v1/webhooks/logs/all', { query });
    },
    getLog: (id: string) => call<LogDetail>('GET', `/v1/webhooks/logs/${segment(id)}`),
    retryLog: (id: string) => call<unknown>('POST', `/v1/webhooks/logs/${segment(id)}/retry`),

    // Events
    getEvent: (id: string) => call<HooklineEvent>('GET', `/v1/events/${segment(id)}`),
    findEventsByCallId: (callId: string) => call<Schemas['EventList']>('GET', '/v1/events', { query: { call_id: callId } }),

    // Event types
    listEventTypes: () => call<Schemas['EventTypeList']>('GET', '/v1/event-types'),
    getEventType: (name: string) => call<EventType>('GET', `/v1/event-types/${segment(name)}`),
    createEventType: (body: EventTypeCreate) => call<EventType>('POST', '/v1/event-types', { body }),
    updateEventType: (name: string, body: EventTypeUpdate) => call<EventType>('PATCH', `/v1/event-types/${segment(name)}`, { body }),
    deleteEventType: (name: string) => call<void>('DELETE', `/v1/event-types/${segment(name)}`),

    // Channel webhooks
    getChannelWebhook: (channel: string) => call<ChannelWebhook>('GET', `/v1/channels/${segment(channel)}/webhook`),
    setChannelWebhook: (channel: string, url: string) => call<ChannelWebhook>('PUT', `/v1/channels/${segment(channel)}/webhook`, { body: { url } }),
    clearChannelWebhook: (channel: string) => call<void>('DELETE', `/v1/channels/${segment(channel)}/webhook`),
    regenerateChannelToken: (channel: string) => call<ChannelWebhook>('POST', `/v1/channels/${segment(channel)}/webhook/regenerate-token`),
    listChannelExecutions: (channel: string, page: number) =>
      call<ChannelExecutionList>('GET', `/v1/channels/${segment(channel)}/webhook/executions`, { query: { page } }),

    // Portal sessions and stats
    createPortalSession: (body: PortalSessionCreate) => call<PortalSession>('POST', '/v1/portal/sessions', { body }),
    deliveryStats: (query: { since: string; until: string; bucket: 'minute' | 'hour' }) => call<DeliveryStats>('GET', '/v1/stats/deliveries', { query }),

    /** The portal token's own session: tenant, expiry and whether it may write (portal tokens only). */
    currentPortalSession: () => call<CurrentPortalSession>('GET', '/v1/portal/session'),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
