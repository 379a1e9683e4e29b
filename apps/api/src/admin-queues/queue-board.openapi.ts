import type { PathItemObject } from '@nestjs/swagger';
import { QUEUE_BOARD_PATH } from './setup-queue-board';

/** Bull Board is a Fastify plugin, not a Nest controller, so its operation is described here. */
export const queueBoardPathItem: { path: string; item: PathItemObject } = {
  path: QUEUE_BOARD_PATH,
  item: {
    get: {
      tags: ['Operations'],
      operationId: 'queueBoard',
      summary: 'Bull Board: the intake and deliveries queues (read-only)',
      description:
        'The Bull Board UI and, under /admin/queues/api, its own JSON API. Send `Authorization: Bearer <ADMIN_TOKEN>`; a browser, which cannot add that header, opens `/admin/queues?token=<ADMIN_TOKEN>` once: the answer is a redirect that sets an HttpOnly session cookie for /admin/queues (8 hours, invalidated when ADMIN_TOKEN changes). The board is read-only: act on deliveries through the logs API (retry, recover), which keeps PostgreSQL in step.',
      responses: {
        200: {
          description: 'The dashboard page.',
          content: {
            'text/html': {
              schema: { type: 'string' },
              example: '<!DOCTYPE html><html lang="en"><head><title>Bull Dashboard</title>…</head><body>…</body></html>',
            },
          },
        },
        303: { description: 'Answer to `?token=<ADMIN_TOKEN>`: sets the session cookie and redirects to /admin/queues.' },
        401: { $ref: '#/components/responses/AdminUnauthorized' },
        503: { $ref: '#/components/responses/ServiceUnavailable' },
      },
      security: [{ adminToken: [] }],
    },
  },
};
