import type { ValidationError } from 'class-validator';
import { DomainError, type ErrorDetail } from './errors';

/** class-validator's errors as `details`: one per broken rule, nested fields as `parent.child`. */
export function toErrorDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toErrorDetails(error.children ?? [], field)];
  });
}

/** The 400 validation_failed answer for class-validator's errors. */
export function invalidRequest(errors: ValidationError[]): DomainError {
  return new DomainError('validation_failed', 'The request is invalid.', toErrorDetails(errors));
}
