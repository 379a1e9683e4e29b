/** A delivery's or an endpoint's status as a word with a colour (the word carries the meaning). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge--${status.replace(/[^a-z]/g, '')}`}>{status}</span>;
}
