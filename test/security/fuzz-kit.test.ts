/**
 * The fuzzers' own checks can fail: CallClock refuses an untyped error, an INTERNAL error and a call over its bound,
 * and the mutators really change their input. (Without this, a fuzz run that passes could be a harness that never looks.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import { CallClock, mutatedBytes, mutatedJson, mutatedText } from '../fuzz/fuzz-kit';

describe('fuzz kit', () => {
  it('passes values and typed errors through, and fails on a TypeError, a RangeError, a thrown string and INTERNAL', async () => {
    const clock = new CallClock('self-test');
    assert.deepEqual(clock.run(() => 7), { ok: true, value: 7 });
    const typed = clock.run(() => {
      throw new KeyshardError('QR_FORMAT', 'bad code');
    });
    assert.equal(!typed.ok && typed.error.code, 'QR_FORMAT');
    assert.throws(() => clock.run(() => (null as unknown as { x: number }).x), /untyped TypeError/);
    assert.throws(() => clock.run(() => new Array(-1)), /untyped RangeError/);
    assert.throws(() => clock.run(() => {
      throw 'boom';
    }), /untyped Error: boom/);
    assert.throws(() => clock.run(() => {
      throw new KeyshardError('INTERNAL', 'x');
    }), /INTERNAL/);
    await assert.rejects(clock.runAsync(async () => JSON.parse('{')), /untyped SyntaxError/);
    assert.equal(clock.calls, 7);
  });

  it('fails a call that holds the thread past its bound', () => {
    const clock = new CallClock('self-test slow', { cpuMs: 20, wallMs: 60_000 });
    assert.throws(
      () =>
        clock.run(() => {
          const end = process.cpuUsage().user + 60_000;
          while (process.cpuUsage().user < end);
        }),
      /held the thread/,
    );
  });

  it('mutators change their input', () => {
    const text = 'KS1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const texts = fc.sample(mutatedText(text), 200);
    assert.ok(texts.filter((t) => t !== text).length > 150);
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
    assert.ok(fc.sample(mutatedBytes(bytes), 200).filter((b) => Buffer.compare(Buffer.from(b), Buffer.from(bytes)) !== 0).length > 150);
    const doc = { a: 1, b: [1, 2, { c: 'x' }] };
    assert.ok(fc.sample(mutatedJson(doc), 200).filter((d) => JSON.stringify(d) !== JSON.stringify(doc)).length > 150);
    assert.deepEqual(doc, { a: 1, b: [1, 2, { c: 'x' }] }, 'the original is left alone');
  });
});
