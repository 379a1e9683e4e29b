/** Prisma codes that mean PostgreSQL cannot be reached right now (not that the query was wrong). */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Driver adapter error kinds with the same meaning (@prisma/driver-adapter-utils). */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** Node socket errors seen when the pool's connection drops under a query. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

interface ErrorShape {
  code?: unknown;
  name?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
}

/**
 * True when `error` says PostgreSQL is down or unreachable, so the API answers 503 rather than 500.
 * SQLSTATE classes 08 (connection exception) and 57P (server shutting down) count too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as ErrorShape;
  if (shape.name === 'PrismaClientInitializationError') return true;
  if (typeof shape.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(shape.code) || UNAVAILABLE_SOCKET_CODES.has(shape.code))) return true;
  const cause = shape.meta?.driverAdapterError?.cause;
  if (typeof cause?.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
  const sqlState = cause?.originalCode;
  return typeof sqlState === 'string' && (sqlState.startsWith('08') || sqlState.startsWith('57P'));
}

/**
 * True when PostgreSQL refused a value itself (SQLSTATE class 22, data exception: NUL bytes, bad
 * JSON escapes, out-of-range numbers). Input checks catch these first; this is the safety net that
 * keeps such a value a 400 rather than a 500.
 */
export function isRejectedValue(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const cause = (error as ErrorShape).meta?.driverAdapterError?.cause;
  const sqlState = cause?.originalCode;
  return cause?.kind === 'InvalidInputValue' || cause?.kind === 'ValueOutOfRange' || (typeof sqlState === 'string' && sqlState.startsWith('22'));
}
