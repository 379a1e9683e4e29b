import type { ComponentChildren } from 'preact';

/** A titled section of a page; the heading names it for assistive technology (aria-labelledby). */
export function Card({ id, title, children }: { id: string; title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
