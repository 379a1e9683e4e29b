import { ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';

/**
 * The field may be left out, but when sent it must be valid: unlike @IsOptional(), null is refused
 * (for fields where null has no meaning, such as a name).
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object: not an array, not null, not a scalar. */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isJsonObject',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a JSON object`, ...options },
      validator: { validate: isJsonObject },
    });
}

const KEPT_AS_SENT = Symbol('keptAsSent');

/**
 * Marks a free-form JSON field (event data, custom headers) to be kept exactly as parsed: Nest's
 * ValidationPipe deletes every "constructor" and "prototype" key, deep, which would change user data.
 * The validation pipe validates a copy and puts the original back (see validation.pipe.ts).
 */
export function KeepAsSent(): PropertyDecorator {
  return (target, propertyName) => {
    const keys = keptAsSentKeys(target.constructor);
    Reflect.defineMetadata(KEPT_AS_SENT, [...keys, propertyName as string], target.constructor);
  };
}

export function keptAsSentKeys(dto: unknown): string[] {
  return typeof dto === 'function' ? ((Reflect.getMetadata(KEPT_AS_SENT, dto) as string[] | undefined) ?? []) : [];
}
