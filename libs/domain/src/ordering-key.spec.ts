import { orderingKeyOf } from './ordering-key';

describe('orderingKeyOf', () => {
  it('takes the ordering key first, then the channel, then one key for the subscription', () => {
    expect(orderingKeyOf({ orderingKey: 'customer/42', channel: 'worker:1' })).toBe('customer/42');
    expect(orderingKeyOf({ orderingKey: null, channel: 'worker:1' })).toBe('worker:1');
    expect(orderingKeyOf({ orderingKey: null, channel: null })).toBe('');
  });
});
