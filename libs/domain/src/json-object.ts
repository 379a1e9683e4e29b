import { registerDecorator, type ValidationOptions } from 'class-validator';

/** A JSON object: not an array, not null, not a scalar. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** class-validator rule for isJsonObject. */
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
