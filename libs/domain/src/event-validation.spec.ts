import { validatePublishedEvent } from './event-validation';

const valid = { organization_id: 'org_1', event_type: 'workflow.completed', data: { id: 1 } };

describe('validatePublishedEvent', () => {
  it('accepts a minimal event and maps optional fields to null', () => {
    expect(validatePublishedEvent(valid)).toEqual({
      valid: true,
      event: { organizationId: 'org_1', eventType: 'workflow.completed', data: { id: 1 }, workflowId: null, channel: null, callId: null, idempotencyKey: null },
    });
  });

  it('accepts every optional field, null meaning absent', () => {
    const result = validatePublishedEvent({ ...valid, workflow_id: 'wf', channel: 'worker:w_1', call_id: 'c1', idempotency_key: 'k', data: {} });
    expect(result).toMatchObject({ valid: true, event: { workflowId: 'wf', channel: 'worker:w_1', callId: 'c1', idempotencyKey: 'k' } });
    expect(validatePublishedEvent({ ...valid, workflow_id: null })).toMatchObject({ valid: true, event: { workflowId: null } });
  });

  it('accepts well-formed unicode, including astral characters, and nesting up to 100 levels', () => {
    // The event is level 1 and data level 2, as in an HTTP body: 98 more levels fit.
    expect(validatePublishedEvent({ ...valid, data: nested(98, { leaf: '😀 é' }) }).valid).toBe(true);
  });

  it('rejects nesting beyond 100 levels without overflowing the stack', () => {
    for (const depth of [99, 100_000]) {
      expect(validatePublishedEvent({ ...valid, data: nested(depth, {}) })).toEqual({ valid: false, problems: ['data is nested too deeply (at most 100 levels)'] });
    }
  });

  it.each([
    ['not an object', 'x', 'the event must be a JSON object'],
    ['missing organization', { event_type: 'a', data: {} }, 'organization_id is required'],
    ['missing event type', { organization_id: 'o', data: {} }, 'event_type is required'],
    ['bad event type characters', { ...valid, event_type: 'a b' }, 'event_type must use only the characters [A-Za-z0-9_.:-]'],
    ['event type too long', { ...valid, event_type: 'a'.repeat(256) }, 'event_type must be shorter than or equal to 255 characters'],
    ['data an array', { ...valid, data: [1] }, 'data must be a JSON object'],
    ['data missing', { organization_id: 'o', event_type: 'a' }, 'data must be a JSON object'],
    ['data null', { ...valid, data: null }, 'data must be a JSON object'],
    ['workflow_id a number', { ...valid, workflow_id: 5 }, 'workflow_id must be a string'],
    ['empty call_id', { ...valid, call_id: '' }, 'call_id should not be empty'],
    ['long idempotency key', { ...valid, idempotency_key: 'k'.repeat(256) }, 'idempotency_key must be shorter than or equal to 255 characters'],
    ['bad channel', { ...valid, channel: 'a/b' }, 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]'],
    ['long channel', { ...valid, channel: 'c'.repeat(129) }, 'channel must be 1 to 128 characters of [A-Za-z0-9_.:-]'],
    ['unknown field', { ...valid, extra: 1 }, 'property extra should not exist'],
    ['NUL in data', { ...valid, data: { a: { b: ['x\u0000'] } } }, 'data contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored'],
    ['lone surrogate in a data key', { ...valid, data: { '\ud800': 1 } }, 'data contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored'],
    ['NUL in workflow_id', { ...valid, workflow_id: 'a\u0000' }, 'workflow_id contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored'],
    ['NUL in an unknown property name', { ...valid, 'x\u0000': 1 }, 'a property with an unprintable name should not exist'],
    ['oversize', { ...valid, data: { blob: 'x'.repeat(256 * 1024) } }, 'the event is larger than 256 KiB'],
  ])('rejects %s', (_, input, problem) => {
    const result = validatePublishedEvent(input);
    expect(result.valid).toBe(false);
    expect(result.valid === false && result.problems).toContain(problem);
  });
});

function nested(levels: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let value: Record<string, unknown> = leaf;
  for (let i = 0; i < levels; i++) value = { value };
  return value;
}
