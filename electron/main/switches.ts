/**
 * Chromium switches set before the app is ready. The dead proxy is applied here too (not only through
 * session.setProxy) so it holds from the first instant and for every session, including ones Electron makes itself.
 */
export const CHROMIUM_SWITCHES: ReadonlyArray<readonly [name: string, value?: string]> = Object.freeze([
  ['proxy-server', 'socks5://127.0.0.1:9'],
  ['proxy-bypass-list', '<-loopback>'],
  // No background fetches (component updates, safe-browsing lists, variations).
  ['disable-background-networking'],
  ['no-pings'],
  ['dns-prefetch-disable'],
] as const);
