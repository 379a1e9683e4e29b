import { SUBSCRIPTION_ID } from '../subscriptions/subscription.examples';

/** What /docs shows for events. */
const EVENT_ID = 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP';
const CALL_ID = 'call_7f3a9c';

export const eventCreateExample = {
  event_type: 'order.paid',
  data: { order_id: 'ord_1042', amount: 4900, currency: 'EUR' },
  workflow_id: 'wf_checkout',
  idempotency_key: 'order-1042-paid',
  call_id: CALL_ID,
};

export const acceptedExample = { event_id: EVENT_ID, event_type: 'order.paid', created_at: '2025-07-01T09:31:00.000Z' };

export const eventExample = {
  event_id: EVENT_ID,
  event_type: 'order.paid',
  data: { order_id: 'ord_1042', amount: 4900, currency: 'EUR' },
  workflow_id: 'wf_checkout',
  call_id: CALL_ID,
  created_at: '2025-07-01T09:31:00.000Z',
  deliveries: [{ log_id: 'dlv_01JZ8QD5E6F7G8H9J0K1M2N3PQ', webhook_id: SUBSCRIPTION_ID, status: 'delivered', attempts: 1 }],
};
