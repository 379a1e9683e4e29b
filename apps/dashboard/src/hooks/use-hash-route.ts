import { useEffect, useState } from 'preact/hooks';

/** The route is the fragment after `#/`, split on `/`: `#/logs/dlv_1` → ['logs', 'dlv_1']. */
export function currentRoute(): string[] {
  const path = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return path ? path.split('/').map(decodeURIComponent) : [];
}

export function useHashRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function navigate(...parts: string[]): void {
  window.location.hash = href(...parts);
}
