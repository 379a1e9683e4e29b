import { ArgumentMetadata, PipeTransform, ValidationPipe } from '@nestjs/common';
import { validate } from 'class-validator';
import { DomainError } from '@app/domain/errors';
import { isJsonObject } from '@app/domain/json-object';
import { unstorableField } from '@app/domain/storable-input';
import { invalidRequest } from '@app/domain/validation-errors';
import { keptAsSentKeys } from './validators';

const INPUT_NAMES: Record<Exclude<ArgumentMetadata['type'], 'custom'>, string> = {
  body: 'The request body',
  query: 'The query string',
  param: 'The path',
};

function pipe(forbidNonWhitelisted: boolean): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted,
    forbidUnknownValues: true,
    // One message per field: the first rule it breaks.
    stopAtFirstError: true,
    exceptionFactory: invalidRequest,
  });
}

/**
 * Whitelists DTO fields and answers 400 {error, message, details}. Unknown body fields are refused;
 * unknown query parameters are dropped, as HTTP clients and proxies add their own (cache busters).
 * Before any of that, input PostgreSQL could not store (or too deep to copy safely) is a 400.
 */
export function createValidationPipe(): PipeTransform {
  const strict = pipe(true);
  const lenient = pipe(false);
  return {
    transform: (value: unknown, metadata: ArgumentMetadata) => {
      if (metadata.type === 'custom') return value;
      const unstorable = unstorableField(value);
      if (unstorable) {
        // A single parameter (@Param('id')) is a scalar: its name is the field.
        const detail = unstorable.detail ?? (metadata.data ? { field: metadata.data, message: `${metadata.data} ${unstorable.problem}` } : undefined);
        throw new DomainError('validation_failed', `${INPUT_NAMES[metadata.type]} ${unstorable.problem}.`, detail && [detail]);
      }
      if (metadata.type === 'query') return lenient.transform(value, metadata);
      if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && !isJsonObject(value)) {
        throw new DomainError('validation_failed', 'The request body must be a JSON object.');
      }
      return validateKeepingFreeFormFields(strict, value, metadata);
    },
  };
}

/**
 * Runs the pipe on a copy of the @KeepAsSent() fields (it strips keys from them), puts the fields
 * back as sent and validates again, so their rules also see the keys the pipe would have removed.
 */
async function validateKeepingFreeFormFields(pipe: ValidationPipe, value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  const kept = keptAsSentKeys(metadata.metatype).filter((key) => isJsonObject(value) && Object.hasOwn(value, key));
  if (kept.length === 0) return pipe.transform(value, metadata);
  const sent = value as Record<string, unknown>;
  const copy = { ...sent };
  for (const key of kept) copy[key] = structuredClone(sent[key]);
  const dto = (await pipe.transform(copy, metadata)) as Record<string, unknown>;
  for (const key of kept) dto[key] = sent[key];
  const errors = await validate(dto, { stopAtFirstError: true });
  if (errors.length > 0) throw invalidRequest(errors);
  return dto;
}
