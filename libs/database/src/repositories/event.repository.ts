import { Injectable } from '@nestjs/common';
import { Prisma, type Delivery, type Event } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

export type EventCreateInput = Omit<Prisma.EventUncheckedCreateInput, 'status' | 'rejectReason' | 'fannedOutAt' | 'createdAt'>;

/** The delivery fields an event lookup shows. */
export type EventDeliverySummary = Pick<Delivery, 'id' | 'subscriptionId' | 'status' | 'attempts'>;
export type EventWithDeliveries = Event & { deliveries: EventDeliverySummary[] };
/** What the intake needs back from an insert. */
export type StoredEvent = Pick<Event, 'id' | 'createdAt'>;
export interface IdempotencyKeyRef {
  organizationId: string;
  idempotencyKey: string;
}

const deliverySummary = {
  select: { id: true, subscriptionId: true, status: true, attempts: true },
  orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
} satisfies Prisma.Event$deliveriesArgs;

@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores an accepted event; fanned_out_at stays null until the worker has created its deliveries. */
  async create(input: EventCreateInput): Promise<Event> {
    return this.prisma.event.create({ data: { ...input, status: 'accepted' } });
  }

  /**
   * Stores many accepted events with one INSERT. A row whose id or (organization, idempotency key)
   * is already taken is skipped, not an error: it is missing from the answer, so the caller can
   * look up the event that holds the key (a concurrent request with the same key won).
   */
  async createMany(inputs: EventCreateInput[]): Promise<StoredEvent[]> {
    if (inputs.length === 0) return [];
    // One statement with one array parameter per column: Prisma's createManyAndReturn plans and
    // binds every row (8 parameters each) and cost ~4x more CPU per event at batches of 500.
    const column = <T>(pick: (input: EventCreateInput) => T) => inputs.map(pick);
    return this.prisma.$queryRaw<StoredEvent[]>`
      INSERT INTO events (id, organization_id, event_type, data, workflow_id, channel, call_id, idempotency_key, target_subscription_id, status)
      SELECT id, organization_id, event_type, data::jsonb, workflow_id, channel, call_id, idempotency_key, target_subscription_id, 'accepted'
      FROM unnest(
        ${column((input) => input.id)}::text[], ${column((input) => input.organizationId)}::text[], ${column((input) => input.eventType)}::text[],
        ${column((input) => JSON.stringify(input.data))}::text[], ${column((input) => input.workflowId ?? null)}::text[],
        ${column((input) => input.channel ?? null)}::text[], ${column((input) => input.callId ?? null)}::text[],
        ${column((input) => input.idempotencyKey ?? null)}::text[], ${column((input) => input.targetSubscriptionId ?? null)}::text[]
      ) AS row(id, organization_id, event_type, data, workflow_id, channel, call_id, idempotency_key, target_subscription_id)
      ON CONFLICT DO NOTHING
      RETURNING id, created_at AS "createdAt"`;
  }

  /** The events holding any of these idempotency keys, whatever their age (one query for a batch). */
  async findByIdempotencyKeys(keys: IdempotencyKeyRef[]): Promise<Event[]> {
    if (keys.length === 0) return [];
    const byOrganization = new Map<string, string[]>();
    for (const { organizationId, idempotencyKey } of keys) byOrganization.set(organizationId, [...(byOrganization.get(organizationId) ?? []), idempotencyKey]);
    return this.prisma.event.findMany({
      where: { OR: [...byOrganization].map(([organizationId, idempotencyKey]) => ({ organizationId, idempotencyKey: { in: idempotencyKey } })) },
    });
  }

  /** Frees expired idempotency keys so new events may take them; keeps the old events themselves. */
  async releaseIdempotencyKeys(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.prisma.event.updateMany({ where: { id: { in: eventIds } }, data: { idempotencyKey: null } });
  }

  async findByIdempotencyKey(organizationId: string, idempotencyKey: string): Promise<Event | null> {
    return this.prisma.event.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
  }

  /** Frees an expired idempotency key so a new event may take it; keeps the old event itself. */
  async releaseIdempotencyKey(eventId: string, idempotencyKey: string): Promise<void> {
    await this.prisma.event.updateMany({ where: { id: eventId, idempotencyKey }, data: { idempotencyKey: null } });
  }

  async findWithDeliveries(organizationId: string, id: string): Promise<EventWithDeliveries | null> {
    return this.prisma.event.findFirst({ where: { id, organizationId }, include: { deliveries: deliverySummary } });
  }

  /** The organization's events carrying `callId`, oldest first, at most `limit`. */
  async findByCallId(organizationId: string, callId: string, limit: number): Promise<EventWithDeliveries[]> {
    return this.prisma.event.findMany({
      where: { organizationId, callId },
      include: { deliveries: deliverySummary },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }
}

/** True when `error` is PostgreSQL refusing a duplicate of a unique key (Prisma code P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
