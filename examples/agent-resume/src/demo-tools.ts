import { randomBytes } from 'node:crypto';
import type { Tool } from './approval-agent';

/** Stand-ins for actions a real agent would need a human to approve: they only log and answer. */
export const demoTools: Record<string, Tool> = {
  issue_refund: ({ order_id, amount_cents }) => {
    if (typeof order_id !== 'string' || !Number.isInteger(amount_cents)) throw new Error('issue_refund needs {order_id: string, amount_cents: integer}.');
    const refund = { refund_id: `rf_${randomBytes(6).toString('hex')}`, order_id, amount_cents, status: 'issued' };
    console.log(`[tool] issue_refund -> ${JSON.stringify(refund)}`);
    return refund;
  },
  send_email: ({ to, subject }) => {
    if (typeof to !== 'string' || typeof subject !== 'string') throw new Error('send_email needs {to: string, subject: string}.');
    console.log(`[tool] send_email to ${to}: ${subject}`);
    return { sent: true, to };
  },
};
