/** Previous / next over an offset-paged list. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
  label,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  label: string;
}) {
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span>{total === 0 ? 'None' : `${offset + 1}–${last} of ${total}`}</span>
      <button type="button" class="button" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}
