/**
 * Awaits a promise that must reject with a KeyshardError of this code; returns the error, so a test can look at its
 * message and details. Shared by the SoftHSM2 token tests.
 */
import assert from 'node:assert/strict';
import { KeyshardError } from '../../core/errors';

export async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<KeyshardError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  return assert.fail(`expected ${code}, but it succeeded`);
}
