import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { createSecretStore } from '../../electron/services/secrets/index';

const destroyed = (e: unknown): boolean => e instanceof KeyshardError && e.code === 'SECRET_DESTROYED';

describe('secret store', () => {
  it('keeps its own copy and wipes the caller\'s array', () => {
    const store = createSecretStore();
    const given = Uint8Array.of(1, 2, 3, 4);
    const h = store.put('master-secret', given);
    assert.deepEqual([...given], [0, 0, 0, 0]);
    assert.deepEqual([...store.read(h)], [1, 2, 3, 4]);
    // A view into a larger buffer: only the view is the secret, and only it is wiped.
    const big = Uint8Array.of(9, 9, 5, 6, 9);
    const h2 = store.put('shard-0-0', big.subarray(2, 4));
    assert.deepEqual([...big], [9, 9, 0, 0, 9]);
    assert.deepEqual([...store.read(h2)], [5, 6]);
    assert.equal(store.read(h2).buffer.byteLength, 2, 'the store owns an exactly-sized buffer');
  });

  it('destroy zeroizes the very buffer it handed out, and any later use throws', () => {
    const store = createSecretStore();
    const h = store.put('master-secret', Uint8Array.from({ length: 32 }, (_, i) => i + 1));
    const live = store.read(h);
    const whole = new Uint8Array(live.buffer);
    store.destroy(h);
    assert.ok(live.every((b) => b === 0));
    assert.ok(whole.every((b) => b === 0), 'the underlying buffer is all zeros');
    assert.throws(() => store.read(h), destroyed);
    assert.throws(() => store.use(h, () => 1), destroyed);
    assert.equal(store.has(h), false);
    assert.doesNotThrow(() => store.destroy(h), 'destroying twice is harmless');
    assert.throws(() => store.read('secret-999'), (e: unknown) => destroyed(e) && /no secret under this handle/.test((e as Error).message));
  });

  it('destroyAll zeroizes every buffer, returns how many, and leaves nothing usable', () => {
    const store = createSecretStore();
    const handles = ['a', 'b', 'c'].map((label, i) => store.put(label, new Uint8Array(16).fill(i + 1)));
    const lives = handles.map((h) => store.read(h));
    assert.equal(store.destroyAll(), 3);
    for (const b of lives) assert.ok(b.every((x) => x === 0));
    for (const h of handles) assert.throws(() => store.read(h), destroyed);
    assert.equal(store.destroyAll(), 0);
    assert.deepEqual(store.list(), []);
  });

  it('lists labels and lengths only', () => {
    const store = createSecretStore();
    store.put('master-secret', new Uint8Array(32).fill(0xab));
    const listed = store.list();
    assert.deepEqual(listed.map(({ label, length }) => ({ label, length })), [{ label: 'master-secret', length: 32 }]);
    assert.ok(!JSON.stringify(listed).includes('171'), 'no byte values');
  });

  it('use() runs with the live buffer', () => {
    const store = createSecretStore();
    const h = store.put('x', Uint8Array.of(7, 8));
    assert.equal(store.use(h, (b) => b[0]! + b[1]!), 15);
  });

  it('refuses bad input', () => {
    const store = createSecretStore();
    assert.throws(() => store.put('', Uint8Array.of(1)), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    assert.throws(() => store.put('x', 'secret' as unknown as Uint8Array), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
  });
});
