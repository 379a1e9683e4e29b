import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { EventType } from '@app/generated/prisma/client';
import { EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { KeepAsSent } from '../common/validators';

const NAME_MESSAGE = 'name must use only the characters [A-Za-z0-9_.:-] (wildcards belong in subscriptions, not in the catalog)';
const SCHEMA_MESSAGE = 'schema must be a JSON Schema object';

export class EventTypeCreateDto {
  @IsString()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: NAME_MESSAGE })
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  /** A JSON Schema for the events' `data`; compiled with ajv before it is stored. */
  @IsOptional()
  @KeepAsSent()
  @IsObject({ message: SCHEMA_MESSAGE })
  schema?: Record<string, unknown> | null;
}

/** Fields left out are kept; null clears a description or removes the schema. */
export class EventTypeUpdateDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @IsOptional()
  @KeepAsSent()
  @IsObject({ message: SCHEMA_MESSAGE })
  schema?: Record<string, unknown> | null;
}

export interface EventTypeResponseDto {
  name: string;
  description: string | null;
  schema: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

export function toEventTypeResponse(type: EventType): EventTypeResponseDto {
  return {
    name: type.name,
    description: type.description,
    schema: (type.schema as Record<string, unknown> | null) ?? null,
    created_at: type.createdAt.toISOString(),
    updated_at: type.updatedAt.toISOString(),
  };
}
