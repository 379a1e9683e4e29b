import { DomainError } from '@app/domain/errors';
import { EventCreateDto, PublishedEventDto } from './event.dto';
import { isEventTooLarge, validateEvent } from './event-validation';

const valid = { organization_id: 'org_1', event_type: 'workflow.completed', data: { id: 1 } };
const TEXT_PROBLEM = 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored';

/** The DomainError validateEvent throws for `input`. */
async function refusal(input: unknown, Dto: new () => EventCreateDto = PublishedEventDto): Promise<DomainError> {
  const error = await validateEvent(input, Dto).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('validateEvent', () => {
  it('answers the DTO of a valid event, optional fields absent or null', async () => {
    await expect(validateEvent(valid, PublishedEventDto)).resolves.toMatchObject(valid);
    const full = { ...valid, workflow_id: 'wf', channel: 'worker:w_1', call_id: 'c1', idempotency_key: 'k', data: {} };
    await expect(validateEvent(full, PublishedEventDto)).resolves.toMatchObject(full);
    await expect(validateEvent({ ...valid, workflow_id: null }, PublishedEventDto)).resolves.toMatchObject({ workflow_id: null });
  });

  it('keeps data exactly as sent, keys Nest would strip included', async () => {
    const data = { constructor: { prototype: 1 } };
    expect((await validateEvent({ ...valid, data }, PublishedEventDto)).data).toBe(data);
  });

  it('accepts well-formed unicode, including astral characters, and nesting up to 100 levels', async () => {
    // The event is level 1 and data level 2, as in an HTTP body: 98 more levels fit.
    await expect(validateEvent({ ...valid, data: nested(98, { leaf: '😀 é' }) }, PublishedEventDto)).resolves.toBeDefined();
  });

  it('refuses nesting beyond 100 levels without overflowing the stack, naming the field', async () => {
    for (const depth of [99, 100_000]) {
      const error = await refusal({ ...valid, data: nested(depth, {}) });
      expect(error.message).toBe('The request body is nested too deeply (at most 100 levels).');
      expect(error.details).toEqual([{ field: 'data', message: 'data is nested too deeply (at most 100 levels)' }]);
    }
  });

  it.each([
    ['NUL in data', { ...valid, data: { a: { b: ['x\u0000'] } } }, 'data'],
    ['lone surrogate in a data key', { ...valid, data: { '\ud800': 1 } }, 'data'],
    ['NUL in workflow_id', { ...valid, workflow_id: 'a\u0000' }, 'workflow_id'],
    ['NUL in event_type', { ...valid, event_type: 'a\u0000' }, 'event_type'],
    ['NUL in a property name', { ...valid, 'x\u0000': 1 }, 'x\\u0000'],
  ])('refuses %s with details naming the field', async (_, input, field) => {
    const error = await refusal(input);
    expect(error).toMatchObject({ code: 'validation_failed', message: `The request body ${TEXT_PROBLEM}.` });
    expect(error.details).toEqual([{ field, message: `${field} ${TEXT_PROBLEM}` }]);
  });

  it.each([
    ['missing organization', { event_type: 'a', data: {} }, 'organization_id is required'],
    ['bad event type characters', { ...valid, event_type: 'a b' }, 'event_type must use only the characters [A-Za-z0-9_.:-]'],
    ['event type too long', { ...valid, event_type: 'a'.repeat(256) }, 'event_type must be shorter than or equal to 255 characters'],
    ['data an array', { ...valid, data: [1] }, 'data must be a JSON object'],
    ['data missing', { organization_id: 'o', event_type: 'a' }, 'data must be a JSON object'],
    ['data null', { ...valid, data: null }, 'data must be a JSON object'],
    [
      'workflow_id a number (the first rule class-validator checks)',
      { ...valid, workflow_id: 5 },
      'workflow_id must be shorter than or equal to 255 characters',
    ],
    ['empty call_id', { ...valid, call_id: '' }, 'call_id should not be empty'],
    ['long idempotency key', { ...valid, idempotency_key: 'k'.repeat(256) }, 'idempotency_key must be shorter than or equal to 255 characters'],
    ['bad channel', { ...valid, channel: 'a/b' }, 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]'],
    ['unknown field', { ...valid, extra: 1 }, 'property extra should not exist'],
  ])('refuses %s', async (_, input, message) => {
    const error = await refusal(input);
    expect(error.message).toBe('The request is invalid.');
    expect(error.details?.map((detail) => detail.message)).toContain(message);
  });

  it('refuses anything but an object, in the words of its subject', async () => {
    await expect(validateEvent('x', PublishedEventDto, 'The event')).rejects.toMatchObject({ message: 'The event must be a JSON object.' });
  });

  it('leaves organization_id to the published event only', async () => {
    expect((await refusal(valid, EventCreateDto)).details).toEqual([{ field: 'organization_id', message: 'property organization_id should not exist' }]);
  });
});

describe('isEventTooLarge', () => {
  it('is true past 256 KiB as JSON', () => {
    expect(isEventTooLarge({ ...valid, data: { blob: 'x'.repeat(256 * 1024) } })).toBe(true);
    expect(isEventTooLarge(valid)).toBe(false);
  });
});

function nested(levels: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let value: Record<string, unknown> = leaf;
  for (let i = 0; i < levels; i++) value = { value };
  return value;
}
