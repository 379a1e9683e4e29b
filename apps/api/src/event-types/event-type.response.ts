import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { EventType } from '@app/generated/prisma/client';

@ApiSchema({ name: 'EventType' })
export class EventTypeResponseDto {
  /** Type name. */
  name: string;
  /** What the event means. */
  description: string | null;
  /** JSON Schema for `data`, or null. */
  schema: Record<string, unknown> | null;
  /** Creation time. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** Last change. */
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

@ApiSchema({ name: 'EventTypeList' })
export class EventTypeListResponseDto {
  event_types: EventTypeResponseDto[];
  /** Number of types. */
  total: number;
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
