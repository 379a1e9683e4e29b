/** The two browser apps the api serves: the operator dashboard and the tenants' portal. */
export type UiApp = 'dashboard' | 'portal';

/** Hashed asset names (Vite's `index-<hash>.js`) never change content: cache them for a year. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so browsers must ask again every time. */
export const HTML_CACHE_CONTROL = 'no-cache';

/**
 * Security headers of every UI response. Scripts, styles and API calls come from this origin only
 * (no inline script, no eval); the dashboard may never be framed; the portal only by the origins in
 * PORTAL_FRAME_ANCESTORS ('none' when the list is empty).
 */
export function uiSecurityHeaders(app: UiApp, portalFrameAncestors: readonly string[]): Record<string, string> {
  const ancestors = app === 'portal' && portalFrameAncestors.length > 0 ? portalFrameAncestors.join(' ') : "'none'";
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  const headers: Record<string, string> = {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    // The portal's URL carries its token in the fragment, which browsers never send; no referrer at all is simpler still.
    'referrer-policy': 'no-referrer',
  };
  // Older browsers ignore frame-ancestors; X-Frame-Options cannot list origins, so only where nobody may frame.
  if (ancestors === "'none'") headers['x-frame-options'] = 'DENY';
  return headers;
}

/** Cache-Control of one served file: HTML revalidates, everything else is a hashed asset. */
export function uiCacheControl(filePath: string): string {
  return filePath.endsWith('.html') ? HTML_CACHE_CONTROL : ASSET_CACHE_CONTROL;
}
