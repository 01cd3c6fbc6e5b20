import { APP_HOST, APP_SCHEME, APP_URL_PREFIX } from './app-origin';

/**
 * Which requests the renderer's session may make. An allowlist: our own app:// files, data:/blob: URLs the page built
 * itself (blob: only from our origin), and (in development only) the DevTools front end. Everything else - http(s), ws(s), ftp, file, chrome,
 * other custom schemes - is cancelled.
 */
export type RequestDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

export function decideRequest(url: string, options: { devTools: boolean }): RequestDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allow: false, reason: 'unparseable URL' };
  }
  const scheme = parsed.protocol;
  if (scheme === `${APP_SCHEME}:`) {
    return parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
      ? { allow: true }
      : { allow: false, reason: `app:// host other than ${APP_HOST}` };
  }
  if (scheme === 'data:') return { allow: true };
  // A blob: URL carries the origin that made it; only blobs our own page created.
  if (scheme === 'blob:') {
    return url.startsWith(`blob:${APP_URL_PREFIX}`) ? { allow: true } : { allow: false, reason: 'blob: from another origin' };
  }
  if (scheme === 'devtools:' && options.devTools) return { allow: true };
  return { allow: false, reason: `scheme ${scheme} is blocked (keyshard works offline)` };
}

export function isRequestAllowed(url: string, options: { devTools: boolean }): boolean {
  return decideRequest(url, options).allow;
}

/** A short, non-secret description of a URL for logs: the scheme and host only, never the path or query. */
export function describeUrlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : parsed.protocol;
  } catch {
    return '(unparseable URL)';
  }
}
