import { Injectable } from '@nestjs/common';
import { Prisma, type Delivery, type Event } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

export type EventCreateInput = Omit<Prisma.EventUncheckedCreateInput, 'status' | 'rejectReason' | 'fannedOutAt' | 'createdAt'>;

/** The delivery fields an event lookup shows. */
export type EventDeliverySummary = Pick<Delivery, 'id' | 'subscriptionId' | 'status' | 'attempts'>;
export type EventWithDeliveries = Event & { deliveries: EventDeliverySummary[] };

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
