import { SystemEventType } from '@app/domain/event-matching';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { AutoDisableRepository, type DisabledNotice, type DisabledSubscription } from '@app/database/repositories/auto-disable.repository';
import { newId } from '@app/domain/ids';
import { QueueName, enqueueInTime, enqueueStoredEvents, type IntakeQueue } from '@app/queue';

/** The event an organization receives when one of its webhooks is disabled. */
export const WEBHOOK_DISABLED_EVENT = SystemEventType.Disabled;
/** Subscriptions disabled per transaction by the periodic check. */
const BATCH_SIZE = 100;

/**
 * Disables subscriptions whose deliveries have all failed for DISABLE_AFTER_HOURS (failing_since,
 * set by the worker at the first failure after a success and cleared by any success, is older):
 * they are set inactive with a disabled_reason, their open deliveries end as failed (a disabled
 * endpoint gets nothing; failed, not cancelled, so POST /v1/webhooks/:id/recover can replay them
 * once it is re-enabled) and a webhook.disabled event tells the organization's other subscriptions.
 */
@Injectable()
export class AutoDisableService {
  private readonly logger = new Logger(AutoDisableService.name);
  private readonly afterMs: number;
  readonly disabledReason: string;

  constructor(
    @Inject(HOOKLINE_CONFIG) config: HooklineConfig,
    private readonly repository: AutoDisableRepository,
    @InjectQueue(QueueName.Intake) private readonly intakeQueue: IntakeQueue,
  ) {
    this.afterMs = config.disableAfterHours * 3600_000;
    this.disabledReason = `all deliveries failed for ${formatHours(config.disableAfterHours)}`;
  }

  get enabled(): boolean {
    return this.afterMs > 0;
  }

  /** Right after a failed attempt: disables its subscription when the failures started long enough ago. */
  async afterFailedAttempt(subscription: { id: string; failingSince: Date | null }, now = new Date()): Promise<void> {
    if (!this.enabled || !subscription.failingSince || subscription.failingSince >= this.cutoff(now)) return;
    await this.disable(now, subscription.id);
  }

  /** The periodic check over every subscription; returns how many it disabled. */
  async disableFailing(now = new Date()): Promise<number> {
    if (!this.enabled) return 0;
    let total = 0;
    for (;;) {
      const disabled = await this.disable(now);
      total += disabled;
      if (disabled < BATCH_SIZE) return total;
    }
  }

  private async disable(now: Date, subscriptionId?: string): Promise<number> {
    const { disabled, notices } = await this.repository.disableFailing({
      failingBefore: this.cutoff(now),
      disabledReason: this.disabledReason,
      endedDeliveryReason: `webhook disabled: ${this.disabledReason}`,
      subscriptionId,
      limit: BATCH_SIZE,
      notice: (subscription) => this.notice(subscription),
    });
    disabled.forEach((subscription, index) => this.logDisabled(subscription, notices[index]));
    await Promise.all(notices.map((eventId) => this.enqueue(eventId)));
    return disabled.length;
  }

  private notice(subscription: DisabledSubscription): DisabledNotice {
    return {
      id: newId('evt'),
      eventType: WEBHOOK_DISABLED_EVENT,
      data: {
        subscription_id: subscription.id,
        name: subscription.name,
        url: subscription.url,
        ...(subscription.kind === 'channel' ? { channel: subscription.channel } : {}),
        disabled_reason: this.disabledReason,
        failing_since: subscription.failingSince.toISOString(),
      },
    };
  }

  /** The notice is stored already; without Redis the outbox sweeper enqueues it later. */
  private async enqueue(eventId: string): Promise<void> {
    await enqueueInTime(
      this.intakeQueue,
      () => enqueueStoredEvents(this.intakeQueue, [eventId]),
      (reason) => this.logger.warn(`${WEBHOOK_DISABLED_EVENT} event ${eventId} stored but not enqueued (${reason}); the outbox sweeper will enqueue it`),
    );
  }

  private logDisabled(subscription: DisabledSubscription, eventId: string): void {
    this.logger.warn(
      `subscription ${subscription.id} (organization ${subscription.organizationId}) disabled: ${this.disabledReason} ` +
        `(failing since ${subscription.failingSince.toISOString()}); ${subscription.endedDeliveries} open delivery(ies) ended as failed; ` +
        `${WEBHOOK_DISABLED_EVENT} event ${eventId}`,
    );
  }

  private cutoff(now: Date): Date {
    return new Date(now.getTime() - this.afterMs);
  }
}

function formatHours(hours: number): string {
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
