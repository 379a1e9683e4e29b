import { Injectable } from '@nestjs/common';
import type { EventType } from '@app/generated/prisma/client';
import { EventTypeCatalog } from '@app/catalog';
import { EventTypeRepository, type EventTypeChanges } from '@app/database/repositories/event-type.repository';
import { DomainError, notFound } from '@app/domain/errors';
import { jsonSchemaProblems } from '@app/domain/event-schema';
import type { EventTypeCreateDto, EventTypeUpdateDto } from './event-type.dto';

/** The organization's event-type catalog; every write drops what this process's intake cached of the type. */
@Injectable()
export class EventTypeService {
  constructor(
    private readonly eventTypes: EventTypeRepository,
    private readonly catalog: EventTypeCatalog,
  ) {}

  async create(organizationId: string, input: EventTypeCreateDto): Promise<EventType> {
    assertUsableSchema(input.schema);
    const created = await this.eventTypes.create(organizationId, input);
    this.catalog.forget(organizationId, input.name);
    return created ?? throwConflict(input.name);
  }

  async list(organizationId: string): Promise<EventType[]> {
    return this.eventTypes.list(organizationId);
  }

  async get(organizationId: string, name: string): Promise<EventType> {
    return (await this.eventTypes.find(organizationId, name)) ?? throwNotFound();
  }

  async update(organizationId: string, name: string, input: EventTypeUpdateDto): Promise<EventType> {
    assertUsableSchema(input.schema);
    const changes: EventTypeChanges = { description: input.description, schema: input.schema };
    const updated = await this.eventTypes.update(organizationId, name, changes);
    this.catalog.forget(organizationId, name);
    return updated ?? throwNotFound();
  }

  async remove(organizationId: string, name: string): Promise<void> {
    const deleted = await this.eventTypes.delete(organizationId, name);
    this.catalog.forget(organizationId, name);
    if (!deleted) throwNotFound();
  }
}

function assertUsableSchema(schema: Record<string, unknown> | null | undefined): void {
  if (schema == null) return;
  const problems = jsonSchemaProblems(schema);
  if (problems) throw new DomainError('validation_failed', 'schema is not a valid JSON Schema.', problems);
}

function throwConflict(name: string): never {
  throw new DomainError('conflict', `Event type "${name}" already exists.`);
}

function throwNotFound(): never {
  throw notFound('Event type');
}
