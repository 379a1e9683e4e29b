import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, type ErrorDetail } from '@app/domain/errors';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelists DTO fields, refuses unknown ones and answers 400 {error, message, details}. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new DomainError('validation_failed', 'The request is invalid.', flatten(errors)),
  });
}
