import type { ComponentChildren } from 'preact';
import { href } from '../hooks/use-hash-route';

export interface NavLink {
  label: string;
  route: string;
}

/** The frame of every signed-in page: brand, navigation, the session's controls, then the page. */
export function Shell({
  brand,
  links,
  current,
  aside,
  children,
}: {
  brand: string;
  links: NavLink[];
  current: string;
  aside?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href(links[0].route)}>
          <span class="brand__mark" aria-hidden="true">
            ⚓
          </span>
          {brand}
        </a>
        <nav class="nav" aria-label="Main">
          {links.map((link) => (
            <a key={link.route} href={href(link.route)} class="nav__link" aria-current={link.route === current ? 'page' : undefined}>
              {link.label}
            </a>
          ))}
        </nav>
        <div class="topbar__aside">{aside}</div>
      </header>
      <main class="content" id="main">
        {children}
      </main>
    </div>
  );
}

/** A page's heading row: its title and, on the right, its main action. */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{title}</h1>
      {children && <div class="page-header__actions">{children}</div>}
    </div>
  );
}
