import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createKeyshardBridge } from '../../electron/preload/bridge';

describe('preload bridge (window.keyshard)', () => {
  it('exposes exactly one member, invoke, and cannot be changed', () => {
    const bridge = createKeyshardBridge({ invoke: async () => null });
    assert.deepEqual(Reflect.ownKeys(bridge), ['invoke']);
    assert.equal(typeof bridge.invoke, 'function');
    assert.ok(Object.isFrozen(bridge));
    assert.throws(() => {
      (bridge as unknown as Record<string, unknown>)['send'] = () => {};
    }, TypeError);
  });

  it('forwards the channel and exactly one request argument', async () => {
    const seen: unknown[][] = [];
    const bridge = createKeyshardBridge({
      invoke: async (...args) => {
        seen.push(args);
        return 'answer';
      },
    });
    assert.equal(await bridge.invoke('camera:allow', { a: 1 }), 'answer');
    assert.equal(await (bridge.invoke as (...a: unknown[]) => Promise<unknown>)('app:info', 1, 2, 3), 'answer');
    assert.deepEqual(seen, [
      ['camera:allow', { a: 1 }],
      ['app:info', 1],
    ]);
  });

  it('does not forward unknown or non-string channels', async () => {
    let forwarded = 0;
    const bridge = createKeyshardBridge({
      invoke: async () => {
        forwarded++;
        return null;
      },
    });
    for (const channel of ['ELECTRON_BROWSER_REQUIRE', 'app:quit', 42, null, undefined, { toString: () => 'app:info' }]) {
      const result = (await bridge.invoke(channel)) as { ok: boolean };
      assert.equal(result.ok, false);
    }
    assert.equal(forwarded, 0);
  });

  it('preload.ts uses only contextBridge and ipcRenderer from electron, and exposes only keyshard', () => {
    const source = readFileSync(new URL('../../electron/preload/preload.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import\s+(.+?)\s+from\s+'([^']+)';$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(imports, [
      ['{ contextBridge, ipcRenderer }', 'electron'],
      ['{ createKeyshardBridge }', './bridge'],
    ]);
    const exposed = [...source.matchAll(/exposeInMainWorld\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(exposed, ['keyshard']);
    assert.doesNotMatch(source, /ipcRenderer\.(send|on|once|sendSync|postMessage)/);
  });
});
