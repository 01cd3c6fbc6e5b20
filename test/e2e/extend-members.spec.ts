/**
 * Extended SLIP-39 members on the screens (issue 17): a share extension (test/helpers/extend-fixture.ts) gave Dora
 * member 4 of the key ceremony's group. With that extension's transcript added:
 *   - the extend screen's second extension refuses member 4 (Dora holds it) and numbers Ed 5, with Dora in its quorum;
 *   - the custody check verifies Dora's words (and without the extension refuses them, saying to give it);
 *   - a quorum drill rebuilds the key from Dora's words and another custodian's shard.
 * Screens saved through saveScreens.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { checkKindContent } from '../../core/kind-content';
import { combineMnemonics } from '../../core/slip39/index';
import { serializeTranscript, verifyTranscriptText } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createExtendService } from '../../electron/services/extend/index';
import { custodyCeremony } from '../helpers/custody-fixture';
import { extendFixture, wordsOf } from '../helpers/extend-fixture';
import { nodeRandom } from '../helpers/lifecycle-fixture';
import { nodePbkdf2 } from '../core/slip39-helpers';
import { witnessPassphrase } from './backend';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

const kc = custodyCeremony('slip39', 181);
const words = wordsOf(kc);
// Dora: member 4 of group 1 (0-based member 3), from alice's and bob's shares.
const ext = extendFixture(kc, 'ext-dora', [{ id: 'dora', member: 3 }], [words[0]!, words[1]!]);
const dora = ext.words[0]!;
let dir: string;
let keyPath: string;
let extPath: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-extend-members-'));
  keyPath = join(dir, 'key-ceremony.json');
  extPath = join(dir, 'extension-dora.json');
  writeFileSync(keyPath, serializeTranscript(kc.file));
  writeFileSync(extPath, ext.text);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paper = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');
const by = (page: Page, id: string) => page.getByTestId(id);
const signingHost = () => createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
const quiet = { check: async () => ({ ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }) };

test("a second extension with the first added: member 4 is refused as Dora's, Ed gets 5 from a quorum with Dora", async ({ launch }) => {
  const extend = createExtendService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'extend'), airgap: quiet });
  const app = await launch({ deps: { extend } });
  const { page } = app;
  await app.open('');
  await by(page, 'start-extend').click();
  await by(page, 'lifecycle-source').setInputFiles(keyPath);
  await expect(by(page, 'lifecycle-source-loaded')).toBeVisible();
  await by(page, 'lifecycle-final-hash').fill(paper(kc.transcript.headHash));
  await by(page, 'lifecycle-extension').setInputFiles(extPath);
  await expect(by(page, 'lifecycle-extensions')).toHaveAttribute('data-count', '1');
  await by(page, 'lifecycle-extension-hash-1').fill(paper(ext.finalHash));
  await by(page, 'lifecycle-custodians').fill('4 Ed');
  await by(page, 'lifecycle-start').click();
  // The number is Dora's: refused, naming her and the extension, with the free numbers.
  await expect(by(page, 'lifecycle-error')).toContainText('SLIP39_PARAMETERS');
  await expect(by(page, 'lifecycle-error')).toContainText('dora (extension ext-dora)');
  await saveScreens(page, 'extend-earlier-taken');
  await by(page, 'lifecycle-custodians').fill('5 Ed');
  await by(page, 'lifecycle-start').click();
  await expect(by(page, 'lifecycle-airgap')).toBeVisible();
  await by(page, 'lifecycle-check-airgap').click();
  await expect(by(page, 'lifecycle-quorum')).toBeVisible();
  // The first extension recorded the group's threshold: known before any share is taken in.
  await expect(by(page, 'lifecycle-quorum-progress')).toContainText('0 of 2');
  await by(page, 'lifecycle-shard-text').fill(dora);
  await by(page, 'lifecycle-add-share').click();
  await expect(by(page, 'lifecycle-quorum-progress')).toContainText('1 of 2');
  await expect(by(page, 'lifecycle-notice')).toContainText('4');
  await saveScreens(page, 'extend-earlier-quorum');
  await by(page, 'lifecycle-shard-text').fill(words[2]!);
  await by(page, 'lifecycle-add-share').click();
  await by(page, 'lifecycle-make-button').click();
  await by(page, 'lifecycle-show-member-5').click();
  const text = (await by(page, 'lifecycle-paper-text').textContent()) ?? '';
  const ed = text.split(/\s*\d+\.\s+/).map((x) => x.trim()).filter((x) => x !== '').join(' ');
  await by(page, 'lifecycle-type-back').fill(ed);
  await by(page, 'lifecycle-confirm').click();
  await by(page, 'lifecycle-destroy-button').click();
  await by(page, 'lifecycle-seal-button').click();
  await expect(by(page, 'lifecycle-sealed')).toBeVisible();

  const secret = Buffer.from(combineMnemonics([words[0]!, words[1]!], '', nodePbkdf2)).toString('hex');
  expect(Buffer.from(combineMnemonics([ed, dora], '', nodePbkdf2)).toString('hex')).toBe(secret);
  const v = verifyTranscriptText(readFileSync((await extend.status()).transcriptPath, 'utf8'));
  if (!v.ok) throw new Error(v.reason);
  expect(checkKindContent('extend', v)).toEqual({ ok: true });
  expect(transcriptEnd(v).status).toBe('sealed');
  const plan = v.entries[0]!.data as { membersInUse: number[]; earlierExtensions: unknown };
  expect(plan.membersInUse).toEqual([0, 1, 2, 3]);
  expect(plan.earlierExtensions).toEqual([{ ceremonyId: 'ext-dora', finalHash: ext.finalHash }]);
  expect(v.entries.filter((e) => e.kind === 'quorum-share').map((e) => (e.data as { custodianId: string }).custodianId)).toEqual(['dora', 'carol']);
});

test("Dora's words checked on the custody screen: refused without the extension (saying to give it), verified with it", async ({ launch }) => {
  const session = await launch({ deps: { signing: signingHost() } });
  await session.open('custody');
  const page = session.page;
  await by(page, 'custody-source').setInputFiles(keyPath);
  await by(page, 'custody-final-hash').fill(paper(kc.transcript.headHash));
  await by(page, 'custody-shard-text').fill(dora);
  session.backend.answerDialog(session.backend.witnessKeyFile('wendy'));
  await by(page, 'custody-witness-key-file').click();
  await expect(by(page, 'custody-witness-key-file-name')).toBeVisible();
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await by(page, 'custody-witness-sign').click();
  await expect(by(page, 'custody-error')).toContainText('CUSTODY_MISMATCH');
  await expect(by(page, 'custody-error')).toContainText("add that extension's sealed transcript");
  await saveScreens(page, 'custody-extended-refused');

  await by(page, 'custody-extension').setInputFiles(extPath);
  await by(page, 'custody-extension-hash-1').fill(paper(ext.finalHash));
  await by(page, 'custody-shard-text').fill(dora);
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'custody-extended');
  await by(page, 'custody-witness-sign').click();
  await expect(by(page, 'custody-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'custody-verdict')).toContainText('dora');
  await expect(by(page, 'custody-extension-result')).toContainText('ext-dora as member 4 of group 1');
  await saveScreens(page, 'custody-extended-verified');
  const body = (await page.locator('body').textContent()) ?? '';
  expect(body.includes(dora.split(' ').slice(4, 8).join(' '))).toBe(false);
});

test("a quorum drill with Dora's words and carol's shard, the extension added: the key's fingerprint matches", async ({ launch }) => {
  const session = await launch({ deps: { signing: signingHost() } });
  await session.open('drill');
  const page = session.page;
  await by(page, 'drill-source').setInputFiles(keyPath);
  await by(page, 'drill-final-hash').fill(paper(kc.transcript.headHash));
  await by(page, 'drill-extension').setInputFiles(extPath);
  await by(page, 'drill-extension-hash-1').fill(paper(ext.finalHash));
  await saveScreens(page, 'drill-extended-setup');
  await by(page, 'drill-start').click();
  await by(page, 'drill-shard-text').fill(dora);
  await by(page, 'drill-add').click();
  await expect(by(page, 'drill-quorum')).toHaveAttribute('data-shards', '1');
  await by(page, 'drill-shard-text').fill(envelopeToText(decodeEnvelope(kc.shards[2]!)));
  await by(page, 'drill-add').click();
  await expect(by(page, 'drill-quorum')).toHaveAttribute('data-shards', '2');
  await expect(by(page, 'drill-taken')).toContainText('dora');
  await expect(by(page, 'drill-taken')).toContainText('carol');
  session.backend.answerDialog(session.backend.witnessKeyFile('wendy'));
  await by(page, 'drill-witness-key-file').click();
  await expect(by(page, 'drill-witness-key-file-name')).toBeVisible();
  await by(page, 'drill-witness-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'drill-extended-quorum');
  await by(page, 'drill-witness-sign').click();
  await expect(by(page, 'drill-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'drill-fingerprint')).toHaveText(paper(kc.fingerprint.slice(0, 32)));
  await expect(by(page, 'drill-signed')).toContainText('dora, carol');
  await saveScreens(page, 'drill-extended-result');
});
