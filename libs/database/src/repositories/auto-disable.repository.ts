import { Injectable } from '@nestjs/common';
import { Prisma } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { OPEN_DELIVERY_STATUSES } from './fan-out.repository';

/** A subscription the auto-disable just deactivated. */
export interface DisabledSubscription {
  id: string;
  organizationId: string;
  kind: string;
  name: string;
  url: string;
  channel: string | null;
  failingSince: Date;
  /** Its open deliveries, ended as failed. */
  endedDeliveries: number;
}

/** The event announcing a disabled subscription to its organization (stored in the same transaction). */
export interface DisabledNotice {
  id: string;
  eventType: string;
  data: Prisma.InputJsonObject;
}

export interface DisableRequest {
  /** Subscriptions failing since before this are disabled. */
  failingBefore: Date;
  disabledReason: string;
  /** error_message of the open deliveries the disable ends. */
  endedDeliveryReason: string;
  /** Look at this subscription only (the check right after one of its attempts failed). */
  subscriptionId?: string;
  /** At most this many subscriptions per call. */
  limit: number;
  notice: (subscription: DisabledSubscription) => DisabledNotice;
}

/**
 * Auto-disable of failing endpoints. The UPDATE is conditional (still active, still failing since
 * before the cut-off), so when several worker replicas run the check at once only one of them gets
 * each subscription back, and only that one publishes its notice.
 */
@Injectable()
export class AutoDisableRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Deactivates the subscriptions whose failures started before the cut-off, ends their open
   * deliveries as failed and stores one notice event per subscription, all in one transaction: the
   * notice (an event with fanned_out_at null) exists if and only if the subscription was disabled.
   */
  async disableFailing(request: DisableRequest): Promise<{ disabled: DisabledSubscription[]; notices: string[] }> {
    const only = request.subscriptionId !== undefined ? Prisma.sql`AND id = ${request.subscriptionId}` : Prisma.empty;
    return this.prisma.$transaction(async (tx) => {
      // SKIP LOCKED: a replica disabling a subscription does not make the others wait for it.
      const rows = await tx.$queryRaw<Omit<DisabledSubscription, 'endedDeliveries'>[]>`
        UPDATE subscriptions SET is_active = false, disabled_reason = ${request.disabledReason}, updated_at = now()
        WHERE id IN (
          SELECT id FROM subscriptions
          WHERE is_active AND deleted_at IS NULL AND failing_since < ${request.failingBefore}::timestamptz ${only}
          ORDER BY failing_since
          LIMIT ${request.limit}
          FOR UPDATE SKIP LOCKED
        ) AND is_active AND failing_since < ${request.failingBefore}::timestamptz
        RETURNING id, organization_id AS "organizationId", kind, name, url, channel, failing_since AS "failingSince"`;
      if (rows.length === 0) return { disabled: [], notices: [] };

      const ids = Prisma.join(rows.map((row) => row.id));
      const ended = await tx.$queryRaw<{ subscriptionId: string; count: number }[]>`
        WITH ended AS (
          UPDATE deliveries SET status = 'failed', error_message = ${request.endedDeliveryReason}, next_attempt_at = NULL
          WHERE subscription_id IN (${ids}) AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)})
          RETURNING subscription_id
        )
        SELECT subscription_id AS "subscriptionId", count(*)::int AS count FROM ended GROUP BY subscription_id`;
      const endedBySubscription = new Map(ended.map((row) => [row.subscriptionId, row.count]));
      const disabled = rows.map((row) => ({ ...row, endedDeliveries: endedBySubscription.get(row.id) ?? 0 }));

      const notices = disabled.map((subscription) => ({ subscription, notice: request.notice(subscription) }));
      await tx.event.createMany({
        data: notices.map(({ subscription, notice }) => ({
          id: notice.id,
          organizationId: subscription.organizationId,
          eventType: notice.eventType,
          data: notice.data,
          status: 'accepted',
        })),
      });
      return { disabled, notices: notices.map(({ notice }) => notice.id) };
    });
  }
}
