import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api/client';
import { href } from '../hooks/use-hash-route';
import { ErrorMessage } from './ErrorMessage';

/** The three states every loaded block has: loading, failed, empty; children render the data. */
export function Loaded<T>({
  resource,
  empty,
  isEmpty,
  children,
}: {
  resource: { data: T | undefined; error: ApiError | undefined; loading: boolean };
  empty?: ComponentChildren;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ComponentChildren;
}) {
  if (resource.error && resource.data === undefined) return <ErrorMessage error={resource.error} />;
  if (resource.data === undefined)
    return (
      <p class="loading" role="status">
        Loading…
      </p>
    );
  if (isEmpty?.(resource.data)) return <div class="empty">{empty}</div>;
  return <>{children(resource.data)}</>;
}

/** A page for one item: the way back to its list, then the item once loaded (or why it is not). */
export function DetailPage<T>({
  back,
  resource,
  children,
}: {
  /** The list's route and name, e.g. ['logs', 'Logs']. */
  back: [route: string, label: string];
  resource: { data: T | undefined; error: ApiError | undefined; loading: boolean };
  children: (data: T) => ComponentChildren;
}) {
  return (
    <>
      <p class="breadcrumb">
        <a href={href(back[0])}>← {back[1]}</a>
      </p>
      <Loaded resource={resource}>{children}</Loaded>
    </>
  );
}
