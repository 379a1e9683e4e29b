import { receivesEvent, type MatchableEvent, type MatchableTarget } from './target-matching';
import { compileFilter, parseFilter } from '@app/domain/payload-filter';

const subscription = (events: string[], channels: string[] = []): MatchableTarget => ({ id: 'sub_1', kind: 'subscription', events, channels });
const event = (eventType: string, channel: string | null = null, targetSubscriptionId: string | null = null): MatchableEvent => ({
  eventType,
  channel,
  targetSubscriptionId,
});

describe('receivesEvent', () => {
  it('matches subscriptions by event type, with * and prefix wildcards', () => {
    expect(receivesEvent(subscription(['*']), event('anything.at:all'))).toBe(true);
    expect(receivesEvent(subscription(['workflow.*']), event('workflow.step.started'))).toBe(true);
    expect(receivesEvent(subscription(['workflow.*']), event('workflowx.done'))).toBe(false);
    expect(receivesEvent(subscription(['order.paid']), event('order.paid'))).toBe(true);
    expect(receivesEvent(subscription(['order.paid']), event('order.refunded'))).toBe(false);
  });

  it('restricts a subscription with channels to events on those channels', () => {
    expect(receivesEvent(subscription(['*'], ['queue:1']), event('a', 'queue:1'))).toBe(true);
    expect(receivesEvent(subscription(['*'], ['queue:1']), event('a', 'queue:2'))).toBe(false);
    expect(receivesEvent(subscription(['*'], ['queue:1']), event('a'))).toBe(false);
    expect(receivesEvent(subscription(['*']), event('a', 'queue:2'))).toBe(true);
  });

  it('sends a test event to its target only, whatever its filter', () => {
    expect(receivesEvent(subscription(['order.paid']), event('webhook.test', null, 'sub_1'))).toBe(true);
    expect(receivesEvent({ ...subscription(['*']), id: 'sub_2' }, event('webhook.test', null, 'sub_1'))).toBe(false);
  });

  it('sends every event of its channel to a channel webhook', () => {
    expect(receivesEvent({ id: 'sub_3', kind: 'channel', events: [], channels: [] }, event('task.created', 'worker:w_1'))).toBe(true);
  });
});

describe('receivesEvent with a payload filter', () => {
  const bigOrders = compiled({ 'data.amount': { $gte: 100 } });
  const filtered = { ...subscription(['order.*']), payloadFilter: bigOrders };
  const withData = (data: Record<string, unknown>, targetSubscriptionId: string | null = null): MatchableEvent => ({
    ...event('order.paid', null, targetSubscriptionId),
    subject: { event_type: 'order.paid', data },
  });

  it('delivers only the events the filter matches, after the event-type and channel filters', () => {
    expect(receivesEvent(filtered, withData({ amount: 150 }))).toBe(true);
    expect(receivesEvent(filtered, withData({ amount: 50 }))).toBe(false);
    expect(receivesEvent(filtered, { ...withData({ amount: 150 }), eventType: 'user.created' })).toBe(false);
  });

  it('lets test events through to their target whatever the filter', () => {
    expect(receivesEvent(filtered, withData({}, 'sub_1'))).toBe(true);
    expect(receivesEvent(filtered, event('webhook.test', null, 'sub_1'))).toBe(true);
  });

  it('refuses to guess when the event fields were not loaded', () => {
    expect(() => receivesEvent(filtered, event('order.paid'))).toThrow('without its fields loaded');
  });
});

function compiled(filter: unknown) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.details));
  return compileFilter(parsed.filter);
}
