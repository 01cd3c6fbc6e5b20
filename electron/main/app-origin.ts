/**
 * Where the renderer lives. The app is served from a custom, privileged `app://` scheme rather than `file://`:
 * a real origin (so 'self' in the CSP means exactly our files), no ambient access to the rest of the disk, and one
 * place (the protocol handler) that decides which bytes the window may load.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keyshard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Every URL the renderer may use starts with this prefix, including the trailing slash (so `app://keyshard.evil` never matches). */
export const APP_URL_PREFIX = `${APP_ORIGIN}/`;
export const APP_ENTRY_URL = `${APP_URL_PREFIX}index.html`;

export const WINDOW_TITLE = 'keyshard — key ceremony';

/** True when `url` is one of our own pages or assets. Parses the URL, so case and encoding tricks do not pass. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === '' &&
    url.startsWith(APP_URL_PREFIX)
  );
}
