import { applyDecorators } from '@nestjs/common';
import { IsISO8601, IsNotEmpty, IsString, ValidateIf, getMetadataStorage, registerDecorator } from 'class-validator';

/**
 * The field may be left out, but when sent it must be valid: unlike @IsOptional(), null is refused
 * (for fields where null has no meaning, such as a name).
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined);
}

const KEEP_AS_SENT = 'keepAsSent';

/**
 * Marks a free-form JSON field (event data, custom headers) to be kept exactly as parsed: Nest's
 * ValidationPipe deletes every "constructor" and "prototype" key, deep, which would change user data.
 * The validation pipe validates a copy and puts the original back (see validation.pipe.ts).
 * Registered as a (always passing) class-validator rule so that mapped types (PartialType) inherit it.
 */
export function KeepAsSent(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: KEEP_AS_SENT,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: () => true },
    });
}

export function keptAsSentKeys(dto: unknown): string[] {
  if (typeof dto !== 'function') return [];
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .filter((rule) => rule.name === KEEP_AS_SENT)
    .map((rule) => rule.propertyName);
}

/** A date-time field (since/until windows): ISO 8601 with its time, e.g. 2025-01-31T12:00:00Z. */
export function IsIsoDateTime(field: string): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsNotEmpty(),
    IsISO8601({ strict: true, strictSeparator: true }, { message: `${field} must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z` }),
  );
}
