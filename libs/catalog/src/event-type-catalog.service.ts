import { Injectable } from '@nestjs/common';
import { EventTypeRepository } from '@app/database/repositories/event-type.repository';
import { DomainError, type ErrorDetail } from '@app/domain/errors';
import { SYSTEM_EVENT_TYPES, matchesEventType } from '@app/domain/event-matching';
import { EventSchemaCache, describeSchemaViolations, type EventDataValidator, type EventSchema } from '@app/domain/event-schema';
import { isJsonObject } from '@app/domain/json-object';
import { receivableEventTypes, type ReceivableEventType } from '@app/domain/payload-filter';

/**
 * How long a process trusts what it read of one event type before reading it again. Writes made
 * through this process's API drop its entry at once; other processes (api replicas, workers) see a
 * new or changed schema within this time.
 */
export const EVENT_TYPE_CACHE_TTL_MS = 3000;

/** Bounds the memory of the per-type cache; an evicted entry is simply read again. */
const MAX_CACHED_TYPES = 10_000;

interface CachedType {
  expiresAt: number;
  /** Null when the organization has no such type or the type has no schema. */
  validator: Promise<EventDataValidator | null>;
}

/**
 * The organization's catalog as the intake and the subscriptions see it: validates event data
 * against a type's schema and keeps subscriptions to names the catalog knows.
 */
@Injectable()
export class EventTypeCatalog {
  private readonly validators = new EventSchemaCache();
  private readonly types = new Map<string, CachedType>();

  constructor(private readonly eventTypes: EventTypeRepository) {}

  /**
   * Null when `data` may be accepted: the type is not in the catalog, has no schema, or `data`
   * conforms to it; otherwise the schema violations. On the intake's hot path: at most one
   * primary-key read per type every EVENT_TYPE_CACHE_TTL_MS, validators compiled once per schema.
   */
  async validateEventData(organizationId: string, eventType: string, data: unknown): Promise<ErrorDetail[] | null> {
    const validate = await this.validatorOf(organizationId, eventType);
    return validate ? validate(data) : null;
  }

  /** validateEventData for HTTP callers: throws a 400 naming the violations. */
  async assertValidEventData(organizationId: string, eventType: string, data: unknown): Promise<void> {
    const details = await this.validateEventData(organizationId, eventType, data);
    if (details) throw schemaViolation(eventType, details);
  }

  /**
   * Once the organization has registered any type, each subscription filter must name a registered
   * type or be a wildcard matching one (catches typos such as `workflow.complete`). Reads the
   * catalog afresh: subscriptions change rarely and must not be refused on a stale view.
   */
  async assertSubscribableEvents(organizationId: string, events: readonly string[]): Promise<void> {
    if (events.length === 0) return;
    const catalog = await this.eventTypes.listNames(organizationId);
    if (catalog.length === 0) return;
    const names = [...catalog, ...SYSTEM_EVENT_TYPES];
    const registered = new Set(names);
    const unknown = events.filter((filter) => !registered.has(filter) && !names.some((name) => matchesEventType(filter, name)));
    if (unknown.length === 0) return;
    throw new DomainError(
      'validation_failed',
      `Not in the event-type catalog: ${unknown.join(', ')}. Register the type first (POST /v1/event-types) or fix the name.`,
      unknown.map((filter) => ({ field: 'events', value: filter, message: unknownFilterMessage(filter, names) })),
    );
  }

  /**
   * The types a subscription with these `events` can receive (wildcards expanded against the
   * catalog), each with its schema or null, for checking a payload filter. Read afresh, as above.
   */
  async receivableTypes(organizationId: string, events: readonly string[]): Promise<ReceivableEventType[]> {
    const catalog = await this.eventTypes.list(organizationId);
    const schemas = new Map(catalog.map((type) => [type.name, isJsonObject(type.schema) ? (type.schema as EventSchema) : null]));
    return receivableEventTypes(events, [...schemas.keys()]).map((name) => ({ name, schema: schemas.get(name) ?? null }));
  }

  /** Drops what this process cached of a type; call after creating, changing or deleting it. */
  forget(organizationId: string, name: string): void {
    this.types.delete(cacheKey(organizationId, name));
  }

  private validatorOf(organizationId: string, eventType: string): Promise<EventDataValidator | null> {
    const key = cacheKey(organizationId, eventType);
    const cached = this.types.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.validator;
    this.types.delete(key); // re-inserted below, so the Map's order stays oldest-first
    const validator = this.loadValidator(organizationId, eventType);
    const entry: CachedType = { expiresAt: Date.now() + EVENT_TYPE_CACHE_TTL_MS, validator };
    this.types.set(key, entry);
    if (this.types.size > MAX_CACHED_TYPES) this.types.delete(this.types.keys().next().value!);
    // A failed read (database down) must not be cached: the next event reads again.
    validator.catch(() => {
      if (this.types.get(key) === entry) this.types.delete(key);
    });
    return validator;
  }

  private async loadValidator(organizationId: string, eventType: string): Promise<EventDataValidator | null> {
    const row = await this.eventTypes.findSchema(organizationId, eventType);
    const schema = row?.schema;
    if (schema == null || typeof schema !== 'object' || Array.isArray(schema)) return null;
    return this.validators.validatorFor(schema);
  }
}

/** The 400 an event whose data breaks its type's schema gets. */
export function schemaViolation(eventType: string, details: ErrorDetail[]): DomainError {
  return new DomainError('validation_failed', `data does not match the schema of event type "${eventType}".`, details);
}

/** The reason recorded on an event refused by its type's schema (events that came over Redis). */
export function schemaRejectReason(eventType: string, details: readonly ErrorDetail[]): string {
  return `data does not match the schema of event type "${eventType}": ${describeSchemaViolations(details)}`;
}

function unknownFilterMessage(filter: string, names: readonly string[]): string {
  const near = names.find((name) => name.startsWith(filter) || filter.startsWith(name));
  const kind = filter === '*' || filter.endsWith('.*') ? 'matches no registered event type' : 'is not a registered event type';
  return near ? `"${filter}" ${kind} (did you mean "${near}"?)` : `"${filter}" ${kind}`;
}

function cacheKey(organizationId: string, name: string): string {
  return `${organizationId}\n${name}`;
}
