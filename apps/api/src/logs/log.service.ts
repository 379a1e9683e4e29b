import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveryLogRepository, type DeliveryLogFilter } from '@app/database/repositories/delivery-log.repository';
import { SubscriptionRepository } from '@app/database/repositories/subscription.repository';
import type { AccessScope } from '@app/domain/access-scope';
import { DomainError, notFound } from '@app/domain/errors';
import { QueueName, enqueueDelivery, enqueueInTime, type DeliveryQueue } from '@app/queue';
import { pageOf } from '../common/paging.dto';
import type { LogQueryDto } from './log.dto';
import { toLogDetailResponse, toLogResponse, type LogDetailResponseDto, type LogListResponseDto, type LogResponseDto } from './log.response';

@Injectable()
export class LogService {
  private readonly logger = new Logger(LogService.name);

  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly subscriptions: SubscriptionRepository,
    @InjectQueue(QueueName.Deliveries) private readonly deliveriesQueue: DeliveryQueue,
  ) {}

  /** Every log of the organization, deleted subscriptions' and channel webhooks' included. */
  async listAll(scope: AccessScope, query: LogQueryDto): Promise<LogListResponseDto> {
    return this.list(scope, { eventType: query.event_type, status: query.status }, query);
  }

  /** The logs of one live subscription; 404 for a deleted one or another organization's. */
  async listForSubscription(scope: AccessScope, subscriptionId: string, query: LogQueryDto): Promise<LogListResponseDto> {
    if (!(await this.subscriptions.findLive(scope, subscriptionId))) throw notFound('Subscription');
    return this.list(scope, { subscriptionId, eventType: query.event_type, status: query.status }, query);
  }

  async detail(scope: AccessScope, logId: string): Promise<LogDetailResponseDto> {
    const log = await this.logs.findWithAttempts(scope, logId);
    if (!log) throw notFound('Log');
    return toLogDetailResponse(log);
  }

  /**
   * Manual retry: back to pending and queued for an immediate attempt; the worker appends attempt
   * n+1. The status is written before the job exists, so the worker never sees a final status.
   */
  async retry(scope: AccessScope, logId: string): Promise<LogResponseDto> {
    const log = await this.logs.find(scope, logId);
    if (!log) throw notFound('Log');
    if (log.subscription.deletedAt) throw new DomainError('conflict', 'The webhook of this log was deleted; it cannot be retried.');
    // The worker cancels deliveries of inactive webhooks, so a retry now would only end cancelled.
    if (!log.subscription.isActive) {
      throw new DomainError('conflict', 'The webhook of this log is inactive; re-enable it (PATCH is_active: true) before retrying.');
    }
    const pending = await this.logs.markPendingNow(scope, logId);
    if (!pending) throw notFound('Log');
    const queued = await enqueueInTime(
      this.deliveriesQueue,
      () => enqueueDelivery(this.deliveriesQueue, logId, { now: true }),
      (reason) => this.logger.warn(`retry of delivery ${logId} could not be queued: ${reason}`),
    );
    if (!queued) {
      await this.logs.restoreSchedule(scope, logId, log);
      throw new DomainError('service_unavailable', 'The delivery queue is unavailable; try the retry again shortly.');
    }
    return toLogResponse(pending);
  }

  private async list(scope: AccessScope, filter: DeliveryLogFilter, query: LogQueryDto) {
    const { logs, total } = await this.logs.list(scope, filter, pageOf(query));
    return { logs: logs.map(toLogResponse), total };
  }
}
