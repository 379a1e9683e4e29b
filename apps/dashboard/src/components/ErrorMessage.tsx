import type { ApiError, ErrorDetail } from '../api/client';

/** An API error as its message and its details, announced to screen readers as it appears. */
export function ErrorMessage({ error, details, id }: { error: ApiError | undefined; details?: ErrorDetail[]; id?: string }) {
  if (!error) return null;
  const shown = details ?? error.details;
  return (
    <div class="error" role="alert" id={id}>
      <p>{error.message}</p>
      {shown.length > 0 && (
        <ul>
          {shown.map((detail, index) => (
            <li key={index}>{detail.field ? `${detail.field}: ${detail.message}` : detail.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
