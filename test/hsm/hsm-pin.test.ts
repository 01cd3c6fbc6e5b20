/**
 * Logging in: wrong PIN (with what the token says about the tries left), locked PIN, and the PIN never showing up
 * in an error.
 *
 * What SoftHSM2 cannot do: it never locks a PIN (it only sets CKF_USER_PIN_COUNT_LOW after a wrong one; the test
 * below shows a right PIN still works after many wrong ones). So a locked or final-try token is made by setting
 * those flags in the token's stored flags (SoftHSM reports them as a real token would), and a module answering
 * CKR_PIN_LOCKED is injected at the session level.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CKF_TOKEN } from '../../electron/services/hsm/index';
import { errorText, rejectsCode } from './fixtures';
import { closeOpenedPorts, interceptSession, makeSoftHsm, openSoftHsmPort, pkcs11Error, USER_PIN } from './softhsm';
import type { SoftHsm } from './softhsm';

let env: SoftHsm | undefined;

const open = openSoftHsmPort;

afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
});

const WRONG_PIN = '998877-wrong';

describe('PIN handling', () => {
  it('a wrong PIN is HSM_PIN_INCORRECT, says the tries are running low as the token reports, and never shows the PIN', async () => {
    env = makeSoftHsm(['Alice']);
    const port = await open();
    assert.equal((await port.findToken({ label: 'Alice' })).pinCountLow, false);
    const err = await rejectsCode(port.openSession({ label: 'Alice' }, WRONG_PIN), 'HSM_PIN_INCORRECT');
    // SoftHSM sets CKF_USER_PIN_COUNT_LOW after a wrong PIN, as a real token does.
    assert.equal(err.details?.['countLow'], true);
    assert.equal(err.details?.['triesLeft'], undefined);
    assert.match(err.message, /few tries are left/);
    assert.ok(!errorText(err).includes(WRONG_PIN), 'the PIN is not in the error');
    assert.ok(!errorText(err).includes(USER_PIN));
    assert.equal((await port.findToken({ label: 'Alice' })).pinCountLow, true);
    // The right PIN still works, and clears the flag.
    const session = await port.openSession({ label: 'Alice' }, USER_PIN);
    await session.close();
    assert.equal((await port.findToken({ label: 'Alice' })).pinCountLow, false);
  });

  it('on the final try, says exactly one try is left', async () => {
    env = makeSoftHsm(['Final']);
    env.setTokenFlags('Final', CKF_TOKEN.USER_PIN_FINAL_TRY);
    const port = await open();
    assert.equal((await port.findToken({ label: 'Final' })).pinFinalTry, true);
    const err = await rejectsCode(port.openSession({ label: 'Final' }, WRONG_PIN), 'HSM_PIN_INCORRECT');
    assert.equal(err.details?.['triesLeft'], 1);
    assert.match(err.message, /ONE try is left/);
    assert.ok(!errorText(err).includes(WRONG_PIN));
  });

  it('a locked token is HSM_PIN_LOCKED before any PIN is tried (even the right one), and the listing shows it', async () => {
    env = makeSoftHsm(['Locked']);
    env.setTokenFlags('Locked', CKF_TOKEN.USER_PIN_LOCKED);
    const port = await open({
      sessionInterceptor: interceptSession({
        login: () => assert.fail('no PIN may be sent to a token that reports itself locked'),
      }),
    });
    const slots = await port.listSlots();
    assert.equal(slots.find((s) => s.token?.label === 'Locked')?.token?.pinLocked, true);
    const err = await rejectsCode(port.openSession({ label: 'Locked' }, USER_PIN), 'HSM_PIN_LOCKED');
    assert.match(err.message, /security officer/);
  });

  it('a module that answers CKR_PIN_LOCKED at login is HSM_PIN_LOCKED', async () => {
    env = makeSoftHsm(['Lock-now']);
    const port = await open({
      sessionInterceptor: interceptSession({
        login: () => {
          throw pkcs11Error('CKR_PIN_LOCKED', 0xa4, 'C_Login');
        },
      }),
    });
    const err = await rejectsCode(port.openSession({ label: 'Lock-now' }, WRONG_PIN), 'HSM_PIN_LOCKED');
    assert.equal(err.details?.['ckr'], 'CKR_PIN_LOCKED');
    assert.ok(!errorText(err).includes(WRONG_PIN));
  });

  it('SoftHSM2 itself never locks: the right PIN works after 12 wrong ones (why the lock is simulated above)', async () => {
    env = makeSoftHsm(['Patient']);
    const port = await open();
    for (let i = 0; i < 12; i++) await rejectsCode(port.openSession({ label: 'Patient' }, `${WRONG_PIN}${i}`), 'HSM_PIN_INCORRECT');
    const session = await port.openSession({ label: 'Patient' }, USER_PIN);
    await session.close();
  });

  it('an empty PIN is refused without asking the token', async () => {
    env = makeSoftHsm(['Alice']);
    const port = await open();
    await rejectsCode(port.openSession({ label: 'Alice' }, ''), 'HSM_PIN_INCORRECT');
    assert.equal((await port.findToken({ label: 'Alice' })).pinCountLow, false, 'no failed login was counted');
  });

  it('one session per token at a time, so that one step cannot log another out; a closed session frees it', async () => {
    env = makeSoftHsm(['Busy']);
    const port = await open();
    const first = await port.openSession({ label: 'Busy' }, USER_PIN);
    const err = await rejectsCode(port.openSession({ label: 'Busy' }, USER_PIN), 'INVALID_ARGUMENT');
    assert.equal(err.details?.['reason'], 'busy');
    await first.close();
    const second = await port.openSession({ label: 'Busy' }, USER_PIN);
    // A wrong PIN on a fresh session is still checked (login state is per token and process).
    await second.close();
    await rejectsCode(port.openSession({ label: 'Busy' }, WRONG_PIN), 'HSM_PIN_INCORRECT');
  });
});
