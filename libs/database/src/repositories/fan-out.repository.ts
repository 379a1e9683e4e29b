import { Injectable } from '@nestjs/common';
import { Prisma, type Event, type Subscription } from '@app/generated/prisma/client';
import { newId } from '@app/domain/ids';
import { PrismaService } from '../prisma.service';

/** Deliveries the worker still has to attempt (their jobs may be re-enqueued safely). */
export const OPEN_DELIVERY_STATUSES = ['pending', 'retrying'];

export type FanOutEvent = Event & { _count: { deliveries: number } };
/** The subscription fields matching needs. */
export type FanOutCandidate = Pick<Subscription, 'id' | 'kind' | 'events' | 'channels'>;

export interface NewPublishedEvent {
  id: string;
  organizationId: string;
  eventType: string;
  data: Prisma.InputJsonObject;
  workflowId: string | null;
  channel: string | null;
  callId: string | null;
  idempotencyKey: string | null;
}

export interface NewRejectedEvent extends Omit<NewPublishedEvent, 'idempotencyKey'> {
  rejectReason: string;
}

/** The worker's intake side: storing published events, matching targets, creating deliveries. */
@Injectable()
export class FanOutRepository {
  constructor(private readonly prisma: PrismaService) {}

  async organizationExists(id: string): Promise<boolean> {
    return (await this.prisma.organization.count({ where: { id } })) > 0;
  }

  async findEvent(id: string): Promise<Event | null> {
    return this.prisma.event.findUnique({ where: { id } });
  }

  async findEventByIdempotencyKey(organizationId: string, idempotencyKey: string): Promise<Event | null> {
    return this.prisma.event.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
  }

  /** Frees an expired idempotency key so a new event may take it; keeps the old event itself. */
  async releaseIdempotencyKey(eventId: string, idempotencyKey: string): Promise<void> {
    await this.prisma.event.updateMany({ where: { id: eventId, idempotencyKey }, data: { idempotencyKey: null } });
  }

  /** Inserts an accepted event; throws Prisma's P2002 when the id or the idempotency key is taken. */
  async insertEvent(event: NewPublishedEvent): Promise<Event> {
    return this.prisma.event.create({ data: { ...event, status: 'accepted' } });
  }

  /**
   * Records an invalid published event. It is marked fanned out at once so the outbox sweeper never
   * picks it up; a second run of the same job inserts nothing.
   */
  async insertRejectedEvent(event: NewRejectedEvent): Promise<void> {
    await this.prisma.event.createMany({ data: [{ ...event, status: 'rejected', fannedOutAt: new Date() }], skipDuplicates: true });
  }

  async findEventForFanOut(id: string): Promise<FanOutEvent | null> {
    return this.prisma.event.findUnique({ where: { id }, include: { _count: { select: { deliveries: true } } } });
  }

  /**
   * Subscriptions that may receive the event: the target of a test event (whatever its filter or
   * active flag), else the organization's active subscriptions plus the webhook of the event's channel.
   * Matching event types and channels is left to the caller.
   */
  async findCandidates(event: Event): Promise<FanOutCandidate[]> {
    const select = { id: true, kind: true, events: true, channels: true } as const;
    if (event.targetSubscriptionId) {
      return this.prisma.subscription.findMany({
        where: { id: event.targetSubscriptionId, organizationId: event.organizationId, deletedAt: null },
        select,
      });
    }
    const kinds: Prisma.SubscriptionWhereInput[] = [{ kind: 'subscription' }];
    if (event.channel) kinds.push({ kind: 'channel', channelKey: event.channel });
    return this.prisma.subscription.findMany({
      where: { organizationId: event.organizationId, deletedAt: null, isActive: true, OR: kinds },
      select,
    });
  }

  /**
   * Creates one delivery per subscription (existing pairs are kept), marks the event fanned out and
   * returns the event's open deliveries: one statement, so atomic and one round trip.
   */
  async createDeliveries(event: Event, subscriptionIds: string[]): Promise<string[]> {
    const ids = subscriptionIds.map(() => newId('dlv'));
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH created AS (
        INSERT INTO deliveries (id, organization_id, event_id, subscription_id, event_type)
        SELECT pair.id, ${event.organizationId}, ${event.id}, pair.subscription_id, ${event.eventType}
        FROM unnest(${ids}::text[], ${subscriptionIds}::text[]) AS pair(id, subscription_id)
        ON CONFLICT (event_id, subscription_id) DO NOTHING
        RETURNING id
      ), marked AS (
        UPDATE events SET fanned_out_at = now() WHERE id = ${event.id} AND fanned_out_at IS NULL
      )
      SELECT id FROM created
      UNION
      SELECT id FROM deliveries WHERE event_id = ${event.id} AND status IN (${Prisma.join(OPEN_DELIVERY_STATUSES)})
      ORDER BY id`;
    return rows.map((row) => row.id);
  }

  async openDeliveryIds(eventId: string): Promise<string[]> {
    const rows = await this.prisma.delivery.findMany({
      where: { eventId, status: { in: OPEN_DELIVERY_STATUSES } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((row) => row.id);
  }
}

/** True when `error` is PostgreSQL refusing a duplicate of a unique key (Prisma code P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
