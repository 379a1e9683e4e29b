import type { ServerResponse } from 'node:http';

/** Answers `{error, message, details?}` with plain node:http calls, so it works under Express and without it. */
export function sendJsonError(res: ServerResponse, status: number, error: string, message: string, details?: Record<string, unknown>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(details === undefined ? { error, message } : { error, message, details });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
