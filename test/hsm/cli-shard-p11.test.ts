// `keyshard shard open` and `keyshard recover` with a shard file sealed to a PKCS#11 token (.p11), opened by the token
// (SoftHSM2) with its PIN from --pin-env (issue 12.2, 12.3).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { recoverCommands } from '../../electron/cli/commands/recover';
import { shardCommands } from '../../electron/cli/commands/shard';
import { openHsm } from '../../electron/services/hsm/index';
import { protectEnvelopeText } from '../../electron/services/protection/index';
import { runCommands } from '../helpers/cli';
import { slip39Backup } from '../services/recovery-fixtures';
import { makeSoftHsm, SOFTHSM_MODULE, USER_PIN } from './softhsm';

const dir = mkdtempSync(join(tmpdir(), 'keyshard-p11-'));
const hsm = makeSoftHsm(['Alice']);
after(() => {
  hsm.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a .p11 shard from the command line', () => {
  it('opens with the token and its PIN from --pin-env; a wrong PIN is HSM_PIN_INCORRECT; recover uses it', async () => {
    const port = await openHsm(SOFTHSM_MODULE);
    let publicKey: string;
    try {
      const session = await port.openSession({ label: 'Alice' }, USER_PIN);
      publicKey = (await session.ensureKeyPair('keyshard-seal', 'decrypt')).publicKeyHex;
      await session.close();
    } finally {
      await port.close();
    }
    const backup = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const sealed = join(dir, 'alice.p11');
    writeFileSync(sealed, (await protectEnvelopeText(backup.texts[0]![0]!, { kind: 'pkcs11', publicKey })).data);
    const plain = join(dir, 'bob.ks');
    writeFileSync(plain, backup.texts[0]![1]!);
    const token = ['--module', SOFTHSM_MODULE, '--token', 'Alice', '--pin-env', 'KEYSHARD_TEST_PIN'];

    process.env['KEYSHARD_TEST_PIN'] = USER_PIN;
    try {
      const r = await runCommands(shardCommands, ['shard', 'open', ...token, '--json', sealed]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { ceremonyId: backup.ceremonyId, custodianIndex: 0, label: 'Custodian 1-1', scheme: 'slip39', fingerprint: backup.fingerprint });
      const rec = await runCommands(recoverCommands, ['recover', ...token, '--fingerprint', backup.fingerprint, '--json', sealed, plain]);
      assert.equal(rec.code, 0, rec.stderr);
      assert.equal(JSON.parse(rec.stdout).verified, true);

      const noToken = await runCommands(shardCommands, ['shard', 'open', '--json', sealed]);
      assert.equal(JSON.parse(noToken.stderr).error.code, 'ENVELOPE_DECRYPT');
      process.env['KEYSHARD_TEST_PIN'] = '000000';
      const wrong = await runCommands(shardCommands, ['shard', 'open', ...token, '--json', sealed]);
      assert.equal(wrong.code, 1);
      assert.equal(JSON.parse(wrong.stderr).error.code, 'HSM_PIN_INCORRECT');
    } finally {
      delete process.env['KEYSHARD_TEST_PIN'];
    }
  });
});
