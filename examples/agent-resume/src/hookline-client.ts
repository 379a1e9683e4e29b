/** The few Hookline API calls the example makes, over the built-in fetch. */

export interface PublishEventInput {
  event_type: string;
  data: Record<string, unknown>;
  call_id?: string;
  idempotency_key?: string;
  workflow_id?: string;
  channel?: string;
}

export interface PublishedEvent {
  event_id: string;
  event_type: string;
  created_at: string;
}

export interface SubscriptionInput {
  name: string;
  url: string;
  events: string[];
  secret?: string;
  payload_format?: 'envelope' | 'data';
}

export interface Subscription {
  id: string;
  url: string;
  events: string[];
  secret: string;
  payload_format: string;
}

export interface EventRecord {
  event_id: string;
  event_type: string;
  call_id?: string;
  data: unknown;
  created_at: string;
  deliveries: { log_id: string; webhook_id: string; status: string; attempts: number }[];
}

/** A non-2xx answer from Hookline, with its {error, message, details} body. */
export class HooklineRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const detail = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : JSON.stringify(body);
    super(`${what} failed: HTTP ${status}: ${detail}`);
    this.name = 'HooklineRequestError';
  }
}

export class HooklineClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** POST /v1/events: accepted (202) means stored and queued for delivery. */
  publishEvent(event: PublishEventInput): Promise<PublishedEvent> {
    return this.request('POST', '/v1/events', event, `publishing ${event.event_type}`);
  }

  /** POST /v1/webhooks: the answer carries the signing secret. */
  createSubscription(subscription: SubscriptionInput): Promise<Subscription> {
    return this.request('POST', '/v1/webhooks', subscription, 'creating the subscription');
  }

  /** GET /v1/events?call_id=...: what happened to one operation, with the delivery status of each event. */
  async findEventsByCallId(callId: string): Promise<EventRecord[]> {
    const { events } = await this.request<{ events: EventRecord[] }>(
      'GET',
      `/v1/events?call_id=${encodeURIComponent(callId)}`,
      undefined,
      'looking up the call_id',
    );
    return events;
  }

  private async request<T>(method: string, path: string, body: unknown, what: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is in its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${what} failed: Hookline is not reachable at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}).`, {
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text: a proxy in front of Hookline may answer HTML
    }
    if (!response.ok) throw new HooklineRequestError(response.status, parsed, what);
    return parsed as T;
  }
}
