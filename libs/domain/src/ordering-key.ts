/**
 * The key whose deliveries a "per_key" subscription attempts one at a time: the event's
 * ordering_key, else its channel, else "" (one key for the whole subscription).
 */
export function orderingKeyOf(event: { orderingKey: string | null; channel: string | null }): string {
  return event.orderingKey ?? event.channel ?? '';
}
