import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { HooklineConfig } from '@app/config';
import { QueueName } from '@app/queue';
import { QueueBoardAccess } from './queue-board-access';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues over the intake and deliveries queues, behind the admin token.
 * Read-only: retrying or removing jobs there would bypass the delivery records in PostgreSQL, so
 * operators act through the API (log retry, recover) and use the board to look.
 */
export async function setupQueueBoard(app: NestFastifyApplication, config: HooklineConfig): Promise<void> {
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [QueueName.Intake, QueueName.Deliveries].map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)), { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Hookline queues', hideDocsLink: true } },
  });
  const access = new QueueBoardAccess(config.adminToken, QUEUE_BOARD_PATH);
  // The hook lives in the board's own encapsulated scope, so it guards the board's routes only.
  await app.register(
    async (scope: FastifyInstance) => {
      scope.addHook('onRequest', access.onRequest);
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
