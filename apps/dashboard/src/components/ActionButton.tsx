import type { ComponentChildren } from 'preact';
import type { Action } from '../hooks/use-action';

/** A button that starts a write and stays disabled while it runs (its error is shown by the caller, next to it). */
export function ActionButton({ action, primary, children }: { action: Action<[], unknown>; primary?: boolean; children: ComponentChildren }) {
  return (
    <button type="button" class={primary ? 'button button--primary' : 'button'} disabled={action.pending} onClick={() => action.start()}>
      {children}
    </button>
  );
}
