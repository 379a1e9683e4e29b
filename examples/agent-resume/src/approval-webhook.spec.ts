import { readApprovalWebhook } from './approval-webhook';

const envelope = (overrides: Record<string, unknown> = {}) => ({
  event_id: 'evt_1',
  event_type: 'approval.granted',
  organization_id: 'org_1',
  timestamp: '2030-01-01T00:00:00.000Z',
  call_id: 'call_1',
  data: { approved: true, comment: 'ok', approved_by: 'alice' },
  ...overrides,
});

describe('readApprovalWebhook', () => {
  it('reads a decision from the envelope', () => {
    expect(readApprovalWebhook(envelope(), { 'x-webhook-event': 'approval.granted', 'webhook-id': 'evt_1' })).toEqual({
      kind: 'decision',
      decision: { callId: 'call_1', approved: true, comment: 'ok', approvedBy: 'alice', eventId: 'evt_1' },
    });
  });

  it('reads a decision from the data format: call_id and type from the headers, decision from the body', () => {
    const headers = { 'x-webhook-call-id': 'call_2', 'x-webhook-event': 'approval.denied', 'webhook-id': 'evt_2' };
    expect(readApprovalWebhook({ approved: false, comment: null }, headers)).toEqual({
      kind: 'decision',
      decision: { callId: 'call_2', approved: false, comment: null, approvedBy: null, eventId: 'evt_2' },
    });
  });

  it.each([
    ['another event type', envelope({ event_type: 'approval.requested' }), {}, /not an approval response/],
    ['no call_id', envelope({ call_id: undefined }), {}, /no call_id/],
    ['a body that is not an envelope', [1, 2], {}, /not a Hookline envelope/],
    ['data.approved missing', envelope({ data: { comment: 'yes' } }), {}, /not a boolean/],
    ['data.approved contradicting the type', envelope({ data: { approved: false } }), {}, /contradicts approval.granted/],
    // The headers are outside the signature: a header saying "granted" cannot turn a signed "denied" into a grant.
    [
      'a data-format header contradicting the signed body',
      { approved: false },
      { 'x-webhook-call-id': 'c', 'x-webhook-event': 'approval.granted' },
      /contradicts/,
    ],
  ])('ignores %s', (_, payload, headers, reason) => {
    const webhook = readApprovalWebhook(payload, headers);
    expect(webhook.kind).toBe('ignored');
    expect(webhook.kind === 'ignored' && webhook.reason).toMatch(reason);
  });
});
