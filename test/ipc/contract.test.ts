import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CHANNELS, isChannelName } from '../../electron/ipc/channels';
import { contract } from '../../electron/ipc/contract';
import { createKeyshardBridge } from '../../electron/preload/bridge';

describe('IPC contract', () => {
  it('lists exactly the channels the preload knows, in both directions', () => {
    assert.deepEqual(Object.keys(contract).sort(), [...CHANNELS].sort());
    for (const name of Object.keys(contract)) assert.ok(isChannelName(name), `${name} missing from channels.ts`);
    for (const name of CHANNELS) assert.ok(Object.hasOwn(contract, name), `${name} missing from contract.ts`);
  });

  it('names every channel domain:action in lower case, without duplicates', () => {
    assert.equal(new Set(CHANNELS).size, CHANNELS.length);
    for (const name of CHANNELS) assert.match(name, /^[a-z][a-z0-9]*:[a-z][a-z0-9-]*$/, name);
  });

  it('gives every channel a request and a response schema', () => {
    for (const [name, spec] of Object.entries(contract)) {
      assert.equal(typeof spec.request.safeParse, 'function', `${name} request`);
      assert.equal(typeof spec.response.safeParse, 'function', `${name} response`);
    }
  });

  it('the preload forwards every contract channel and refuses every other name', async () => {
    const forwarded: string[] = [];
    const bridge = createKeyshardBridge({
      invoke: async (channel) => {
        forwarded.push(channel);
        return { ok: true, value: null };
      },
    });
    for (const name of Object.keys(contract)) await bridge.invoke(name);
    assert.deepEqual(forwarded, Object.keys(contract));
    for (const other of ['app:quit', 'APP:INFO', 'app:info ', '', 'constructor', '__proto__', 'toString']) {
      const result = (await bridge.invoke(other)) as { ok: boolean; error?: { code: string } };
      assert.equal(result.ok, false, other);
      assert.equal(result.error?.code, 'INVALID_ARGUMENT');
    }
    assert.equal(forwarded.length, Object.keys(contract).length);
  });

  it('channels.ts imports nothing (the sandboxed preload bundles it without zod)', () => {
    const source = readFileSync(new URL('../../electron/ipc/channels.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(source, /^\s*import\s/m);
    assert.doesNotMatch(source, /require\(/);
  });
});
