/** What /docs shows for subscriptions (request and response examples). */
export const SUBSCRIPTION_ID = 'sub_01JZ8QA1B2C3D4E5F6G7H8J9KM';
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const PUBLIC_KEY = 'whpk_qxEnZJkty6uoTvwkrm/BiPTL/3RdkDXnyJ+r4vfiXjM=';

export const subscriptionExample = {
  id: SUBSCRIPTION_ID,
  name: 'Order events to billing',
  url: 'https://billing.example.com/hooks/hookline',
  events: ['order.paid', 'workflow.*'],
  channels: [],
  headers: { 'X-Source': 'hookline' },
  is_active: true,
  max_attempts: 10,
  payload_format: 'envelope',
  rate_limit_per_second: null,
  ordering: 'none',
  filter: { 'data.amount': { $gte: 100 }, 'data.currency': { $in: ['EUR', 'USD'] } },
  signature_scheme: 'hmac',
  disabled_reason: null,
  created_at: '2025-07-01T09:30:00.000Z',
  updated_at: '2025-07-01T09:30:00.000Z',
};

export const subscriptionCreateExample = {
  name: 'Order events to billing',
  url: 'https://billing.example.com/hooks/hookline',
  events: ['order.paid', 'workflow.*'],
  headers: { 'X-Source': 'hookline' },
  max_attempts: 10,
  filter: { 'data.amount': { $gte: 100 }, 'data.currency': { $in: ['EUR', 'USD'] } },
};

export const filterTestExample = {
  filter: { 'data.amount': { $gt: 100 }, $or: [{ channel: { $startsWith: 'shop:' } }, { 'data.items.0.sku': 'PRO-1' }] },
  event: { event_type: 'order.paid', channel: 'shop:eu', data: { amount: 120, items: [{ sku: 'PRO-1' }] } },
};
