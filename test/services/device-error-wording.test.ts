/**
 * What a person reads when a stick or a token fails: every errno class of usbError and every PKCS#11 code class of
 * mapHsmError gives its stable code, says what went wrong, and ends with a next step. Only the errno or CKR_* name
 * of the library error is kept: its text (which could carry data) never reaches the message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { mapHsmError } from '../../electron/services/hsm/errors';
import { driveName, usbError } from '../../electron/services/usb/errors';

const errno = (code: string, text = 'injected'): Error => Object.assign(new Error(`${code}: ${text}`), { code });
const ckr = (name: string, text = 'injected'): Error => new Error(`${name}:${text}`);
/** A next step: the message tells the person what to do, not only what happened. */
const NEXT_STEP = /(try again|write the shard again|use another|plug it back in)[^.]*\.$/i;
const LEAK = 'SECRET-9f3a';

describe('USB errors as a person reads them', () => {
  const where = driveName({ mountPoint: '/media/carol/KEYS', label: 'KEYS' });
  const cases: [string, string, RegExp][] = [
    ['ENOSPC', 'USB_NO_SPACE', /is full while writing the shard\. Nothing was left on it\. Use a stick with more free space, or free some on this one, then try again\.$/],
    ['EDQUOT', 'USB_NO_SPACE', /is full while/],
    ['EROFS', 'USB_READ_ONLY', /cannot be written while.*Nothing was written\. Use another stick, or make this one writable \(slide its lock switch off and plug it in again\), then try again\.$/],
    ['EACCES', 'USB_READ_ONLY', /cannot be written while/],
    ['EIO', 'USB_REMOVED', /went away or failed while writing the shard\. Plug it back in and try again/],
    ['ENOENT', 'USB_REMOVED', /went away or failed while/],
    ['EBUSY', 'USB_VERIFY', /reported an error while.*Try again, or use another stick\.$/],
  ];
  for (const [code, expected, text] of cases) {
    it(`${code} -> ${expected}, with the drive's name and a next step`, () => {
      const e = usbError(errno(code, LEAK), where, 'writing the shard');
      assert.equal(e.code, expected);
      assert.match(e.message, /^The drive "KEYS" \(\/media\/carol\/KEYS\)/);
      assert.match(e.message, text);
      assert.match(e.message, NEXT_STEP);
      assert.ok(!e.message.includes(LEAK), 'the library error text is not repeated');
      assert.deepEqual(e.details, { errno: code, operation: 'writing the shard' });
      // The errno is for support, in the details; the words a person reads do not carry it.
      assert.ok(!e.message.includes(code), 'no system error name in the message');
    });
  }

  it('an error without an errno is USB_VERIFY (errno "unknown" in its details); a KeyshardError passes through unchanged', () => {
    const e = usbError(new Error(LEAK), 'the drive at /mnt/x', 'reading the shard back');
    assert.equal(e.code, 'USB_VERIFY');
    assert.match(e.message, /^The drive at \/mnt\/x reported an error while/);
    assert.deepEqual(e.details, { errno: 'unknown', operation: 'reading the shard back' });
    assert.ok(!e.message.includes(LEAK));
    const own = new KeyshardError('USB_FOREIGN_SHARD', 'kept');
    assert.equal(usbError(own, where, 'x'), own);
  });
});

describe('token errors as a person reads them', () => {
  const token = '"alice-token" (serial 0a1b2c)';
  const cases: [string, string, RegExp][] = [
    ['CKR_DEVICE_MEMORY', 'HSM_TOKEN_FULL', /is full: there was no room left on it while storing the shard\. Nothing was kept\. Free space on it with the token's own tool and try again, or use another token\.$/],
    ['CKR_PIN_INCORRECT', 'HSM_PIN_INCORRECT', /PIN for token "alice-token" \(serial 0a1b2c\) is wrong\. Check it and try again/],
    ['CKR_PIN_LOCKED', 'HSM_PIN_LOCKED', /is locked after too many wrong PINs\. Its security officer must unblock it/],
    ['CKR_DEVICE_REMOVED', 'HSM_TOKEN_ABSENT', /is not there any more \(CKR_DEVICE_REMOVED\) while storing the shard\. Plug it back in, then try again\.$/],
    ['CKR_TOKEN_WRITE_PROTECTED', 'HSM_MECHANISM', /refused an operation keyshard needs \(CKR_TOKEN_WRITE_PROTECTED\).*use another token\.$/],
    ['CKR_GENERAL_ERROR', 'HSM_MODULE', /reported a failure \(CKR_GENERAL_ERROR\).*re-insert it and try again; if it keeps failing, use another token\.$/],
  ];
  for (const [name, expected, text] of cases) {
    it(`${name} -> ${expected}, naming the token, with a next step`, () => {
      const e = mapHsmError(ckr(name, LEAK), 'store', token);
      assert.equal(e.code, expected);
      assert.match(e.message, /alice-token/);
      assert.match(e.message, text);
      assert.ok(!e.message.includes(LEAK), 'the library error text is not repeated');
      assert.equal((e.details as { ckr?: string }).ckr, name);
    });
  }
});
