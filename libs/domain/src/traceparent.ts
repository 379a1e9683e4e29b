import { randomFillSync } from 'node:crypto';

/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header), version
 * 00: `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`. Plain string work, so the trace
 * context crosses the queue and reaches receivers without an OpenTelemetry SDK (tracing off).
 */
export interface TraceContext {
  traceId: string;
  spanId: string;
  /** Bit 0: sampled. */
  flags: number;
}

/** Version 00's layout; a later version may append fields after the flags (accepted, then dropped). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);
/** A version-00 traceparent's length: the events.traceparent column's size. */
export const TRACEPARENT_LENGTH = 55;

/** The trace context of a traceparent header, or null when it is absent or not one the spec accepts. */
export function parseTraceparent(header: string | undefined | null): TraceContext | null {
  if (typeof header !== 'string') return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === INVALID_TRACE_ID || spanId === INVALID_SPAN_ID) return null;
  return { traceId, spanId, flags: parseInt(flags, 16) & 0x01 };
}

export function formatTraceparent({ traceId, spanId, flags }: TraceContext): string {
  return `00-${traceId}-${spanId}-${flags & 0x01 ? '01' : '00'}`;
}

/** The traceparent to store for work arriving with `header`: the same context when valid, else a new trace. */
export function incomingOrNewTraceparent(header: string | undefined | null): string {
  return formatTraceparent(parseTraceparent(header) ?? newTraceContext());
}

/** A new span in the same trace, as a child of `parent` (same trace id and sampled flag). */
export function childContext(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: newSpanId(), flags: parent.flags };
}

/** A new trace, not sampled: nothing records it when tracing is off, but its attempts share its id. */
export function newTraceContext(): TraceContext {
  return { traceId: randomHex(16), spanId: newSpanId(), flags: 0 };
}

function newSpanId(): string {
  return randomHex(8);
}

// Random bytes are drawn in blocks, as for ids (ids.ts): two crypto calls per new trace were ~4 % of
// the API's CPU per single-event intake.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}
