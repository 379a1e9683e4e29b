/**
 * Where a tab keeps its credential: sessionStorage only (never a URL, cookie or localStorage), so
 * it ends with the tab and other tabs or origins never see it.
 */
export interface CredentialStore {
  read: () => string | null;
  write: (value: string) => void;
  forget: () => void;
}

export function credentialStore(key: string): CredentialStore {
  return {
    read: () => window.sessionStorage.getItem(key),
    write: (value) => window.sessionStorage.setItem(key, value),
    forget: () => window.sessionStorage.removeItem(key),
  };
}

export const dashboardApiKey = credentialStore('hookline.dashboard.apiKey');
export const portalToken = credentialStore('hookline.portal.token');

/**
 * Takes a portal token out of the page's fragment (`#token=hps_…`, where session URLs carry it so it
 * never reaches a server log), keeps it in sessionStorage and removes it from the address bar.
 */
export function adoptTokenFromFragment(store: CredentialStore): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  store.write(decodeURIComponent(match[1]));
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/endpoints`);
}
