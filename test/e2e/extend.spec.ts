/**
 * Extend SLIP-39 shares from the start screen (issue 17.2): a sealed SLIP-39 key ceremony's transcript is chosen, a
 * quorum of the group types its shares' words, a share of a non-extendable backup is refused with its typed error,
 * the new member's share is handed over and typed back, the shares wiped and the transcript sealed, witness Wendy
 * signing off each checkpoint. The new share combines with an old one to the same secret; the sealed transcript
 * verifies as an extension and records the share's fingerprint, never the share. Screens saved through saveScreens.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { slip39ShareFingerprint } from '../../core/custody/fingerprint';
import { decodeEnvelope } from '../../core/envelope';
import { decodeSlip39Payload } from '../../core/envelope-payload';
import { checkKindContent } from '../../core/kind-content';
import { combineMnemonics, splitMasterSecret } from '../../core/slip39/index';
import { serializeTranscript, verifyTranscriptText } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { createExtendService } from '../../electron/services/extend/index';
import { custodyCeremony } from '../helpers/custody-fixture';
import { nodeRandom } from '../helpers/lifecycle-fixture';
import { nodePbkdf2, seededRandom } from '../core/slip39-helpers';
import { witnessPassphrase } from './backend';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-extend-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { check: async () => ({ ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }) };

test('extend a SLIP-39 group with a witness: Dora gets member 4, her share combines with the old ones; the sealed transcript verifies', async ({ launch }) => {
  const kc = custodyCeremony('slip39', 41);
  const words = kc.shards.map((b) => decodeSlip39Payload(decodeEnvelope(b).payload));
  const source = join(dir, 'key-ceremony.json');
  writeFileSync(source, serializeTranscript(kc.file));
  const extend = createExtendService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'extend'), airgap: quiet });
  const app = await launch({ deps: { extend } });
  const { page } = app;
  await app.open('');
  await page.getByTestId('start-extend').click();
  await expect(page.getByTestId('lifecycle-setup')).toBeVisible();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await expect(page.getByTestId('lifecycle-source-loaded')).toBeVisible();
  await page.getByTestId('lifecycle-final-hash').fill(kc.transcript.headHash);
  await page.getByTestId('lifecycle-custodians').fill('4 Dora');
  app.backend.answerDialog(app.backend.witnessKeyFile('wendy'));
  await page.getByTestId('lifecycle-witness-file').click();
  await expect(page.getByTestId('lifecycle-witnesses-loaded')).toContainText('wendy');
  await saveScreens(page, 'extend-setup');
  await page.getByTestId('lifecycle-start').click();
  await expect(page.getByTestId('lifecycle-airgap')).toBeVisible();
  await page.getByTestId('lifecycle-check-airgap').click();
  const signOff = async (checkpoint: string, screen?: string): Promise<void> => {
    await expect(page.getByTestId('lifecycle-signoff')).toHaveAttribute('data-checkpoint', checkpoint);
    if (screen !== undefined) await saveScreens(page, screen);
    await page.getByTestId('lifecycle-signoff-passphrase').fill(witnessPassphrase('wendy'));
    await page.getByTestId('lifecycle-signoff-sign').click();
    await expect(page.getByTestId('lifecycle-signoff')).toHaveCount(0);
  };
  await signOff('airgap-check');
  await expect(page.getByTestId('lifecycle-quorum')).toBeVisible();
  // A share of a backup made without the extendable flag: refused at once with its code and what to do.
  const random = seededRandom(5);
  const [plain] = splitMasterSecret(random(16), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random, iterationExponent: 0, extendable: false, pbkdf2: nodePbkdf2 });
  await page.getByTestId('lifecycle-shard-text').fill(plain![0]!);
  await page.getByTestId('lifecycle-add-share').click();
  await expect(page.getByTestId('lifecycle-error')).toContainText('SLIP39_NOT_EXTENDABLE');
  await saveScreens(page, 'extend-not-extendable');
  for (const [i, m] of [words[0]!, words[2]!].entries()) {
    await page.getByTestId('lifecycle-shard-text').fill(m);
    await page.getByTestId('lifecycle-add-share').click();
    if (i === 0) {
      await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('1 of 2');
      await saveScreens(page, 'extend-quorum');
    }
  }
  await expect(page.getByTestId('lifecycle-make')).toBeVisible();
  await page.getByTestId('lifecycle-make-button').click();
  await signOff('extend', 'extend-signoff');
  await expect(page.getByTestId('lifecycle-handoffs')).toBeVisible();
  await page.getByTestId('lifecycle-show-member-4').click();
  await expect(page.getByTestId('lifecycle-handoff')).toBeVisible();
  const paper = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
  // The paper text numbers the words: "1. word  2. word ..."; the share is the words in order.
  const fresh = paper.split(/\s*\d+\.\s+/).map((x) => x.trim()).filter((x) => x !== '').join(' ');
  await saveScreens(page, 'extend-handoff');
  await page.getByTestId('lifecycle-type-back').fill(words[1]!);
  await page.getByTestId('lifecycle-confirm').click();
  await expect(page.getByTestId('lifecycle-error')).toContainText('SHARES_MISMATCH');
  await page.getByTestId('lifecycle-type-back').fill(fresh);
  await page.getByTestId('lifecycle-confirm').click();
  await signOff('confirm');
  await expect(page.getByTestId('lifecycle-destroy')).toBeVisible();
  await saveScreens(page, 'extend-destroy');
  await page.getByTestId('lifecycle-destroy-button').click();
  await signOff('destroy');
  await page.getByTestId('lifecycle-seal-button').click();
  await signOff('seal');
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();
  await saveScreens(page, 'extend-sealed');

  const secret = Buffer.from(combineMnemonics([words[0]!, words[1]!], '', nodePbkdf2)).toString('hex');
  expect(Buffer.from(combineMnemonics([fresh, words[1]!], '', nodePbkdf2)).toString('hex')).toBe(secret);
  const status = await extend.status();
  const text = readFileSync(status.transcriptPath, 'utf8');
  const v = verifyTranscriptText(text);
  expect(v.ok).toBe(true);
  if (!v.ok) throw new Error(v.reason);
  expect(checkKindSteps(v.entries).kind?.id).toBe('extend');
  expect(checkKindContent('extend', v)).toEqual({ ok: true });
  expect(transcriptEnd(v).status).toBe('sealed');
  expect(v.signoffs.filter((x) => x.witnesses.length > 0).map((x) => x.kind)).toEqual(['airgap-check', 'extend', 'confirm', 'destroy', 'seal']);
  const seal = v.entries.find((e) => e.kind === 'seal')!.data as { shares: { member: number; shardFingerprint: string }[] };
  expect(seal.shares).toEqual([{ custodianId: 'member-4', member: 3, shardFingerprint: slip39ShareFingerprint(fresh) }]);
  await expect(page.getByTestId('lifecycle-final-hash-shown')).toHaveAttribute('data-hash', v.headHash);
  // No share's words in the transcript, nor in any answer but the handoff.
  for (const m of [fresh, ...words]) {
    const probe = m.split(' ').slice(4, 7).join(' ');
    expect(text.includes(probe)).toBe(false);
    for (const a of app.answers.filter((x) => x.channel !== 'extend:handoff')) expect(a.json.includes(probe)).toBe(false);
  }
});
