import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from './queues';

/** While Redis stays away, one line per queue this often says so (ioredis retries every ~2 s). */
const REPORT_EVERY_MS = 30_000;

/**
 * Logs the queues' Redis connection errors as warnings, a few at a time. A BullMQ Queue without an
 * 'error' listener prints every failed reconnect to stderr as a raw stack (it does not crash: BullMQ
 * catches the unhandled 'error' event); ioredis reconnects on its own meanwhile.
 */
@Injectable()
export class QueueConnectionLogger implements OnModuleInit {
  private readonly logger = new Logger(QueueConnectionLogger.name);
  private readonly queues: Queue[];
  private readonly lastReportAt = new Map<string, number>();
  private readonly unreported = new Map<string, number>();

  constructor(@InjectQueue(QueueName.Intake) intake: Queue, @InjectQueue(QueueName.Deliveries) deliveries: Queue) {
    this.queues = [intake, deliveries];
  }

  onModuleInit(): void {
    for (const queue of this.queues) queue.on('error', (error: Error) => this.report(queue.name, error));
  }

  private report(queue: string, error: Error): void {
    const now = Date.now();
    if (now - (this.lastReportAt.get(queue) ?? 0) < REPORT_EVERY_MS) {
      this.unreported.set(queue, (this.unreported.get(queue) ?? 0) + 1);
      return;
    }
    const skipped = this.unreported.get(queue) ?? 0;
    this.lastReportAt.set(queue, now);
    this.unreported.set(queue, 0);
    this.logger.warn(`queue ${queue}: Redis error (${error.message}); reconnecting${skipped > 0 ? ` (${skipped} more since the last report)` : ''}`);
  }
}
