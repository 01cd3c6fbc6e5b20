import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppProtocolHandler, mimeTypeFor, resolveAppPath } from '../../electron/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/csp';

const ROOT = '/srv/renderer';

describe('resolveAppPath', () => {
  it('maps app://keyshard/ paths into the renderer directory; / is index.html', () => {
    assert.deepEqual(resolveAppPath('app://keyshard/', ROOT), { ok: true, path: `${ROOT}/index.html` });
    assert.deepEqual(resolveAppPath('app://keyshard/index.html', ROOT), { ok: true, path: `${ROOT}/index.html` });
    assert.deepEqual(resolveAppPath('app://keyshard/assets/a%20b.js?v=1#x', ROOT), { ok: true, path: `${ROOT}/assets/a b.js` });
    // The URL parser removes plain dot segments before we see them; the result stays inside the root.
    assert.deepEqual(resolveAppPath('app://keyshard/assets/../index.html', ROOT), { ok: true, path: `${ROOT}/index.html` });
    assert.deepEqual(resolveAppPath('app://keyshard/../../etc/passwd', ROOT), { ok: true, path: `${ROOT}/etc/passwd` });
    assert.deepEqual(resolveAppPath('app://keyshard/%2e%2e/%2E%2e/etc/passwd', ROOT), { ok: true, path: `${ROOT}/etc/passwd` });
  });

  it('refuses traversal through encodings, other hosts and odd characters', () => {
    for (const url of [
      'app://keyshard/..%2f..%2fetc%2fpasswd',
      'app://keyshard/assets/%2E%2E%2F%2E%2E%2Fsecret',
      'app://keyshard/..%5c..%5cwindows',
      'app://keyshard/a%00.html',
      'app://keyshard/%E0%A4%A',
      'app://other/index.html',
      'app://keyshard.evil/index.html',
      'app://user:pw@keyshard/index.html',
      'https://keyshard/index.html',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const r = resolveAppPath(url, ROOT);
      assert.equal(r.ok, false, url);
    }
  });

  it('never resolves outside the root, whatever the input (sampled)', () => {
    const pieces = ['..', '.', '%2e', '%2E%2e', 'a', '%2f', '%5c', '/', '\\', '%00', '%', 'index.html', '..%2f'];
    for (let i = 0; i < 3000; i++) {
      let path = '';
      for (let n = 0; n < 1 + (i % 6); n++) path += `/${pieces[(i * 7 + n * 13) % pieces.length]}${pieces[(i + n * 5) % pieces.length]}`;
      const r = resolveAppPath(`app://keyshard${path}`, ROOT);
      if (r.ok) assert.ok(r.path === ROOT || r.path.startsWith(ROOT + sep), `${path} -> ${r.path}`);
    }
  });

  it('knows the MIME types the renderer needs, wasm included', () => {
    assert.equal(mimeTypeFor('x/zxing_reader.wasm'), 'application/wasm');
    assert.equal(mimeTypeFor('a.js'), 'text/javascript; charset=utf-8');
    assert.equal(mimeTypeFor('a.MJS'), 'text/javascript; charset=utf-8');
    assert.equal(mimeTypeFor('index.html'), 'text/html; charset=utf-8');
    assert.equal(mimeTypeFor('s.css'), 'text/css; charset=utf-8');
    assert.equal(mimeTypeFor('i.svg'), 'image/svg+xml');
    assert.equal(mimeTypeFor('i.png'), 'image/png');
    assert.equal(mimeTypeFor('f.woff2'), 'font/woff2');
    assert.equal(mimeTypeFor('noext'), 'application/octet-stream');
  });
});

describe('app:// handler on a real directory', () => {
  let base: string;
  let root: string;
  const logs: string[] = [];
  let handle: (request: Request) => Promise<Response>;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'keyshard-proto-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'zxing_reader.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(join(base, 'secret.txt'), 'outside');
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
    handle = createAppProtocolHandler({ rootDir: root, log: (m) => logs.push(m) });
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('serves files with their MIME type and the security headers', async () => {
    const html = await handle(new Request('app://keyshard/'));
    assert.equal(html.status, 200);
    assert.equal(await html.text(), '<!doctype html><title>t</title>');
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(html.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(html.headers.get('x-content-type-options'), 'nosniff');

    const wasm = await handle(new Request('app://keyshard/assets/zxing_reader.wasm'));
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));

    const js = await handle(new Request('app://keyshard/assets/app.js'));
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  it('answers 404/400/403/405 for missing files, directories, traversal, symlinks out and non-GET', async () => {
    const cases: Array<[Request, number]> = [
      [new Request('app://keyshard/missing.js'), 404],
      [new Request('app://keyshard/assets'), 404],
      [new Request('app://keyshard/..%2fsecret.txt'), 400],
      [new Request('app://keyshard/assets/link.txt'), 403],
      [new Request('app://other/index.html'), 404],
      [new Request('app://keyshard/index.html', { method: 'POST', body: 'x' }), 405],
    ];
    for (const [request, status] of cases) {
      const response = await handle(request);
      assert.equal(response.status, status, request.url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(await response.text(), '', 'no body that could leak a file');
    }
    assert.ok(logs.some((l) => l.includes('(403): symlink outside the renderer directory')));
  });
});
