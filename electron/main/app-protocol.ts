import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { CONTENT_SECURITY_POLICY } from './csp';

/**
 * The app:// protocol: serves the built renderer directory and nothing else. Pure path logic first (testable with
 * plain strings), then a handler that reads files and answers with a Fetch `Response` (what `protocol.handle` wants;
 * Node has the same global, so tests call the handler directly).
 */

const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
});

export function mimeTypeFor(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type AppPathResolution =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * Maps `app://keyshard/<path>` to a file under `rootDir`. Refuses other hosts, encoded separators, NUL bytes and any
 * path that would resolve outside rootDir. `/` means index.html.
 */
export function resolveAppPath(url: string, rootDir: string): AppPathResolution {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'unparseable URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') {
    return { ok: false, status: 404, reason: 'not an app://keyshard URL' };
  }
  const rawPath = parsed.pathname;
  // Encoded slashes, backslashes or dots would let a decoded path climb out after the URL parser normalised it.
  if (/%2f|%5c|%2e|%00/i.test(rawPath) || rawPath.includes('\\')) {
    return { ok: false, status: 400, reason: 'encoded separator in path' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL in path' };
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) {
    return { ok: false, status: 403, reason: 'path traversal' };
  }
  const root = resolve(rootDir);
  const target = resolve(root, relative);
  if (target !== root && !target.startsWith(root + sep)) {
    return { ok: false, status: 403, reason: 'path outside the renderer directory' };
  }
  return { ok: true, path: target };
}

/** Headers on every app:// response. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(self), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
    'cache-control': 'no-store',
  };
}

export interface AppProtocolOptions {
  rootDir: string;
  /** Non-secret log line for refused requests. */
  log?: (message: string) => void;
}

function refuse(status: number, log: ((m: string) => void) | undefined, reason: string): Response {
  log?.(`app:// request refused (${status}): ${reason}`);
  return new Response(null, { status, headers: appResponseHeaders('text/plain; charset=utf-8') });
}

/** The handler passed to `protocol.handle('app', ...)`. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const { log } = options;
  const rootPromise = realpath(resolve(options.rootDir)).catch(() => resolve(options.rootDir));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, log, `method ${request.method}`);
    const root = await rootPromise;
    const resolved = resolveAppPath(request.url, root);
    if (!resolved.ok) return refuse(resolved.status, log, resolved.reason);
    try {
      // A symlink inside the renderer directory must not lead outside it either.
      const real = await realpath(resolved.path);
      if (real !== root && !real.startsWith(root + sep)) return refuse(403, log, 'symlink outside the renderer directory');
      if (!(await stat(real)).isFile()) return refuse(404, log, 'not a file');
      const body = request.method === 'HEAD' ? null : await readFile(real);
      return new Response(body, { status: 200, headers: appResponseHeaders(mimeTypeFor(real)) });
    } catch {
      return refuse(404, log, 'no such file');
    }
  };
}
