import { ApiSchema, OmitType, PartialType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { KeepAsSent } from '../common/validators';

const NAME_MESSAGE = 'name must use only the characters [A-Za-z0-9_.:-] (wildcards belong in subscriptions, not in the catalog)';
const SCHEMA_MESSAGE = 'schema must be a JSON Schema object';

@ApiSchema({ name: 'EventTypeCreate' })
export class EventTypeCreateDto {
  /** Type name: up to 255 characters of [A-Za-z0-9_.:-] (no wildcards). */
  @IsString()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: NAME_MESSAGE })
  name: string;

  /** What the event means; null clears it. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  /** A JSON Schema for the `data` of events of this type (checked at intake: 400 with the violations; compiled with ajv before it is stored); null removes it. */
  @IsOptional()
  @KeepAsSent()
  @IsObject({ message: SCHEMA_MESSAGE })
  schema?: Record<string, unknown> | null;
}

/** Fields left out are kept; null clears a description or removes the schema. */
@ApiSchema({ name: 'EventTypeUpdate', description: 'Fields left out are kept.' })
export class EventTypeUpdateDto extends PartialType(OmitType(EventTypeCreateDto, ['name'])) {}
