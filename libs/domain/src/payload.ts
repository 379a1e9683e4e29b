import { signatureHeaders, type SigningKey } from './signing';

/** What a delivery body is built from: the stored event. */
export interface PayloadEvent {
  id: string;
  organizationId: string;
  eventType: string;
  data: unknown;
  workflowId: string | null;
  channel: string | null;
  callId: string | null;
  createdAt: Date;
}

/** The receiving side: a subscription or a channel webhook. */
export interface PayloadTarget {
  kind: string;
  /** "envelope" (default) or "data" (the event's data object alone). */
  payloadFormat: string;
  /** The subscription's custom headers (a string map; anything else is ignored). */
  headers: unknown;
}

export interface DeliveryRequestInput {
  event: PayloadEvent;
  target: PayloadTarget;
  /** The current signing key (for a channel webhook: its token, as an HMAC secret). */
  signingKey: SigningKey;
  /** The key being rotated out, while its grace period lasts. */
  previousSigningKey?: SigningKey;
  /** 1 for the first attempt. */
  attempt: number;
  now: Date;
  userAgent: string;
  /** Header that carries a channel webhook's token (WEBHOOK_TOKEN_HEADER). */
  tokenHeader: string;
  /** W3C traceparent of the attempt's span: the receiver continues the event's trace. */
  traceparent?: string;
}

export interface DeliveryRequest {
  body: string;
  headers: Record<string, string>;
}

/** The JSON envelope; optional fields appear only when the event has them. */
export function buildEnvelope(event: PayloadEvent): Record<string, unknown> {
  return {
    event_id: event.id,
    event_type: event.eventType,
    organization_id: event.organizationId,
    timestamp: event.createdAt.toISOString(),
    ...(event.workflowId != null && { workflow_id: event.workflowId }),
    ...(event.channel != null && { channel: event.channel }),
    ...(event.callId != null && { call_id: event.callId }),
    data: event.data,
  };
}

/** The body and headers of one attempt; the signatures cover exactly the body sent. */
export function buildDeliveryRequest(input: DeliveryRequestInput): DeliveryRequest {
  const { event, target } = input;
  const dataOnly = target.payloadFormat === 'data';
  const body = JSON.stringify(dataOnly ? event.data : buildEnvelope(event));
  const timestampSeconds = Math.floor(input.now.getTime() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': input.userAgent,
    ...customHeaders(target.headers),
    ...signatureHeaders(input.signingKey, event.id, timestampSeconds, body, input.previousSigningKey),
    'X-Webhook-Event': event.eventType,
    'X-Webhook-Attempt': String(input.attempt),
  };
  if (dataOnly && event.callId != null) headers['X-Webhook-Call-Id'] = headerSafeCallId(event.callId);
  if (target.kind === 'channel' && input.signingKey.scheme === 'hmac') headers[input.tokenHeader] = input.signingKey.secret;
  if (input.traceparent) headers.traceparent = input.traceparent;
  return { body, headers };
}

function customHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * HTTP header values are Latin-1 on the wire, so a call_id outside printable ASCII (and "%" itself)
 * is percent-encoded; decodeURIComponent on the receiver gives back the exact call_id.
 */
export function headerSafeCallId(callId: string): string {
  return callId.replace(/[^\x20-\x24\x26-\x7e]+/gu, (run) => encodeURIComponent(run));
}
