/**
 * The Content-Security-Policy every app:// response carries. Nothing remote, no eval, no inline script.
 *
 * Choices that are not obvious:
 * - `'wasm-unsafe-eval'` lets WebAssembly compile (zxing-wasm decodes QR codes) without allowing JS eval.
 * - `worker-src 'self'`: the QR decoder runs in a module worker built by Vite into its own file; no blob: workers.
 * - `img-src data: blob:`: QR codes are drawn to data:/blob: URLs; `media-src blob: mediastream:` is the camera preview.
 * - `style-src 'self'` without 'unsafe-inline': Vite emits CSS files; React's `style={{}}` uses the CSSOM, which
 *   CSP does not restrict.
 * - `frame-ancestors` only works as a header (not a <meta>), which is one reason the policy is sent as a header.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'frame-src': ["'none'"],
  'manifest-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

export function buildCsp(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export const CONTENT_SECURITY_POLICY = buildCsp();

/** Parses a CSP string back into directive -> sources (for tests and for checking a served header). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}
