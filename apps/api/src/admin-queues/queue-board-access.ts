import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { credentialFrom, secretsEqual } from '../auth/credentials';

export const QUEUE_BOARD_COOKIE = 'hookline_queue_board';
/** How long a browser session opened with ?token= lasts. */
export const QUEUE_BOARD_SESSION_SECONDS = 8 * 3600;

export const QUEUE_BOARD_UNAUTHORIZED = {
  error: 'unauthorized',
  message: 'The queue board needs "Authorization: Bearer <ADMIN_TOKEN>" (in a browser, open /admin/queues?token=<ADMIN_TOKEN> once).',
} as const;

/**
 * Who may see the queue board: requests with `Authorization: Bearer <ADMIN_TOKEN>` (`Token` works
 * too, as on the admin endpoints), and browsers, which cannot add that header, holding the session
 * cookie that `?token=<ADMIN_TOKEN>` hands out. The cookie carries an expiry and an HMAC keyed by
 * the admin token, never the token itself, so changing ADMIN_TOKEN ends every session.
 */
export class QueueBoardAccess {
  constructor(
    private readonly adminToken: string | undefined,
    private readonly basePath: string,
  ) {}

  /** Fastify onRequest hook: authorized requests go on; the others are answered here (returning the reply ends them). */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const queryToken = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof queryToken === 'string') {
      if (!this.isAdminToken(queryToken)) return this.refuse(reply);
      // Trade the token for a cookie and drop it from the address bar (and from browser history).
      reply.header('set-cookie', this.sessionCookie(request.protocol === 'https'));
      return reply.code(303).header('location', this.basePath).send();
    }
    if (this.isAdminToken(credentialFrom(request.headers.authorization)) || this.isValidSession(cookieValue(request.headers.cookie, QUEUE_BOARD_COOKIE))) {
      return undefined;
    }
    return this.refuse(reply);
  };

  sessionCookie(secure: boolean, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + QUEUE_BOARD_SESSION_SECONDS;
    const attributes = [`Path=${this.basePath}`, `Max-Age=${QUEUE_BOARD_SESSION_SECONDS}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
    return [`${QUEUE_BOARD_COOKIE}=${expires}.${this.signature(expires)}`, ...attributes].join('; ');
  }

  private isValidSession(value: string | undefined, now = Date.now()): boolean {
    if (!this.adminToken || !value) return false;
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const expires = Number(match[1]);
    if (expires * 1000 <= now) return false;
    return timingSafeEqual(Buffer.from(match[2]), Buffer.from(this.signature(expires)));
  }

  private signature(expires: number): string {
    return createHmac('sha256', this.adminToken ?? '')
      .update(`queue-board-session:${expires}`)
      .digest('base64url');
  }

  private isAdminToken(candidate: string | undefined): boolean {
    return !!this.adminToken && !!candidate && secretsEqual(candidate, this.adminToken);
  }

  private refuse(reply: FastifyReply): FastifyReply {
    return reply.code(401).header('content-type', 'application/json; charset=utf-8').send(QUEUE_BOARD_UNAUTHORIZED);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
