import { SUBSCRIPTION_ID } from '../subscriptions/subscription.examples';

/** What /docs shows for delivery logs. */
export const logExample = {
  id: 'dlv_01JZ8QD5E6F7G8H9J0K1M2N3PQ',
  webhook_id: SUBSCRIPTION_ID,
  webhook_type: 'subscription',
  event_type: 'order.paid',
  event_id: 'evt_01JZ8QC4D5E6F7G8H9J0K1M2NP',
  target_url: 'https://billing.example.com/hooks/hookline',
  status: 'retrying',
  attempts: 2,
  response_status: 500,
  error_message: 'HTTP 500',
  created_at: '2025-07-01T09:31:00.000Z',
  last_attempt_at: '2025-07-01T09:31:30.120Z',
  next_attempt_at: '2025-07-01T09:33:00.000Z',
  blocked_by: null,
};

const failedAttempt = { request_status: 'error', response_status: 500, error_message: 'HTTP 500', response_body: '{"error":"database locked"}' };

export const logDetailExample = {
  ...logExample,
  attempts_detail: [
    { id: 'att_01JZ8QE1F2G3H4J5K6M7N8P9QR', attempt: 1, started_at: '2025-07-01T09:31:00.210Z', duration_ms: 84, ...failedAttempt },
    { id: 'att_01JZ8QF2G3H4J5K6M7N8P9QRST', attempt: 2, started_at: '2025-07-01T09:31:30.120Z', duration_ms: 77, ...failedAttempt },
  ],
};
