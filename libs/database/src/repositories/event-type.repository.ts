import { Injectable } from '@nestjs/common';
import { Prisma, type EventType } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

export interface EventTypeCreateInput {
  name: string;
  description?: string | null;
  schema?: Record<string, unknown> | null;
}

/** PATCH semantics: a field left undefined is kept, null clears it. */
export interface EventTypeChanges {
  description?: string | null;
  schema?: Record<string, unknown> | null;
}

/** What the intake needs of a type: its schema (null when it has none). */
export type EventTypeSchemaRow = Pick<EventType, 'schema' | 'updatedAt'>;

@Injectable()
export class EventTypeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Null when the organization already has a type of that name. */
  async create(organizationId: string, input: EventTypeCreateInput): Promise<EventType | null> {
    try {
      return await this.prisma.eventType.create({
        data: {
          organizationId,
          name: input.name,
          description: input.description ?? null,
          schema: jsonOrDbNull(input.schema),
        },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  /** Every type of the organization, sorted by name in code-point order (not the database's collation). */
  async list(organizationId: string): Promise<EventType[]> {
    const types = await this.prisma.eventType.findMany({ where: { organizationId } });
    return types.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async find(organizationId: string, name: string): Promise<EventType | null> {
    return this.prisma.eventType.findUnique({ where: { organizationId_name: { organizationId, name } } });
  }

  /** The schema of one type by primary key, or null when the organization has no such type. */
  async findSchema(organizationId: string, name: string): Promise<EventTypeSchemaRow | null> {
    return this.prisma.eventType.findUnique({
      where: { organizationId_name: { organizationId, name } },
      select: { schema: true, updatedAt: true },
    });
  }

  async listNames(organizationId: string): Promise<string[]> {
    const rows = await this.prisma.eventType.findMany({ where: { organizationId }, select: { name: true } });
    return rows.map((row) => row.name);
  }

  /** Applies `changes` and bumps updated_at; null when the organization has no such type. */
  async update(organizationId: string, name: string, changes: EventTypeChanges): Promise<EventType | null> {
    const data: Prisma.EventTypeUpdateManyMutationInput = { updatedAt: new Date() };
    if (changes.description !== undefined) data.description = changes.description;
    if (changes.schema !== undefined) data.schema = jsonOrDbNull(changes.schema);
    const { count } = await this.prisma.eventType.updateMany({ where: { organizationId, name }, data });
    return count > 0 ? this.find(organizationId, name) : null;
  }

  /** False when there was nothing to delete. */
  async delete(organizationId: string, name: string): Promise<boolean> {
    const { count } = await this.prisma.eventType.deleteMany({ where: { organizationId, name } });
    return count > 0;
  }
}

/** A JSON column is cleared with Prisma.DbNull (SQL NULL), not with the JSON value null. */
function jsonOrDbNull(value: Record<string, unknown> | null | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value == null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}
