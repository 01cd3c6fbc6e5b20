/**
 * Threshold signing with codes read by the camera (issue 17.5): the same three laptops as signing.spec (a coordinator
 * and two signers, each a browser with its own main), but codes go through Chromium's fake camera instead of typed UR
 * text. Chromium's fake camera is per browser launch, so the coordinator and signer 1 each get their own .y4m file.
 * Before a scan the test writes the video of the code the other screen shows (test/e2e/fake-camera.ts, drawn from
 * that screen's own frames), as if that laptop were held up to the camera. The coordinator scans both commitments and
 * signer 1's signature share; signer 1 scans the request; signer 2's request and share stay typed, so both ways meet
 * in one signing. The request is an animated code (a long message), read part by part. The signature verifies with
 * plain schnorr.verify (secp256k1, BIP-340), and `keyshard transcript verify` accepts the coordinator's sealed
 * transcript.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Page } from '@playwright/test';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { checkSigningTranscript } from '../../core/signing/index';
import { serializeTranscript, verifyTranscriptText, type VerifyOk } from '../../core/transcript';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { runCli } from '../../electron/cli/main';
import { createSigningHost, type SigningHost } from '../../electron/ipc/handlers-signing';
import { custodyCeremony } from '../helpers/custody-fixture';
import { animatedVideo, singleCodeVideo } from './fake-camera';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

const kc = custodyCeremony('secp256k1', 23);
const shards = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
let dir: string;
let transcriptPath: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-signing-camera-'));
  transcriptPath = join(dir, 'key-ceremony.json');
  writeFileSync(transcriptPath, serializeTranscript(kc.file));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A release note long enough (about 600 bytes) that the request code, which carries the message, is an animated code
 * of several parts: the signer's camera assembles it part by part. Commitments and shares stay single codes.
 */
const MESSAGE = Array.from({ length: 12 }, (_, i) => `Release 2.1 note ${i + 1}: signed by a quorum of custodians, never reassembled.`).join(' ');

const host = (): SigningHost => createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
const by = (page: Page, id: string) => page.getByTestId(id);
/** The frames of the code a screen shows (the texts beside it, one per plain part). */
const frames = async (page: Page, id: string): Promise<string[]> => ((await by(page, id).locator('p').textContent()) ?? '').split(/\s+/).filter((t) => t !== '');

/** Puts the code of `texts` in front of a camera: one steady code, or every part of an animated one, looping. */
function showToCamera(video: string, texts: readonly string[]): void {
  if (texts.length === 1) singleCodeVideo(video, texts[0]!);
  else animatedVideo(video, texts, 2);
}

/** Turns the camera on in the ScanOrType `testId` (switching from typing first), reads until `done`, turns it off. */
async function scan(page: Page, testId: string, done: () => Promise<void>): Promise<void> {
  const input = by(page, testId);
  if ((await input.getByTestId('camera-input').count()) === 0) await by(page, `${testId}-toggle`).click();
  await input.getByTestId('scanner-start').click();
  await done();
  // The next person steps up: the camera goes off before their code is put in front of it.
  if ((await input.getByTestId('scanner-stop').count()) > 0) await input.getByTestId('scanner-stop').click();
}

test('a coordinator and two signers sign with codes read by the camera; the signature verifies; the transcript verifies in the CLI', async ({ launch }, testInfo) => {
  /** How many QR parts each scanned code had (1 = a single code), for the record. */
  const parts: string[] = [];
  const commitments: string[][] = [];
  const coordinatorVideo = join(dir, 'coordinator.y4m');
  const signerVideo = join(dir, 'signer-1.y4m');
  // Something must be in front of each camera at launch; the real codes replace it before each scan.
  singleCodeVideo(coordinatorVideo, 'keyshard');
  singleCodeVideo(signerVideo, 'keyshard');

  const signers: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const app = await launch({ deps: { signing: host() }, ...(i === 0 ? { camera: signerVideo } : {}) });
    await app.open('signer');
    signers.push(app.page);
  }
  const coordinatorHost = host();
  const coordinatorApp = await launch({ camera: coordinatorVideo, deps: { signing: coordinatorHost } });
  await coordinatorApp.open('sign');
  const coordinator = coordinatorApp.page;
  await expect(by(coordinator, 'signing-setup')).toBeVisible();
  await by(coordinator, 'signing-source').setInputFiles(transcriptPath);
  await by(coordinator, 'signing-final-hash').fill(kc.transcript.headHash);
  await by(coordinator, 'signing-label').fill('Release 2.1 tag');
  await by(coordinator, 'signing-message').fill(MESSAGE);
  await by(coordinator, 'signing-start').click();
  await expect(by(coordinator, 'signing-commitments')).toBeVisible();

  // Each signer loads a shard (typed from paper) and shows a commitment code; the coordinator's camera reads it.
  for (const [i, page] of signers.entries()) {
    await by(page, 'signer-shard-text').fill(shards[i]!);
    await by(page, 'signer-load-shard').click();
    await expect(by(page, 'signer-loaded')).toBeVisible();
    await by(page, 'signer-commit').click();
    await expect(by(page, 'signer-committed')).toBeVisible();
    const commitment = await frames(page, 'signer-commitment-text');
    commitments.push(commitment);
    parts.push(`commitment ${commitment.length}`);
    showToCamera(coordinatorVideo, commitment);
    await scan(coordinator, 'signing-commitment', async () => {
      await expect(by(coordinator, 'signing-commit-progress')).toContainText(`${i + 1} of 2`);
      if (i === 0) await saveScreens(coordinator, 'signing-camera-commitment');
    });
  }
  await expect(by(coordinator, 'signing-error')).toHaveCount(0);
  await by(coordinator, 'signing-make-request').click();
  await expect(by(coordinator, 'signing-request')).toBeVisible();
  const request = await frames(coordinator, 'signing-request-text');
  parts.push(`request ${request.length}`);
  expect(request.length).toBeGreaterThan(1);
  const hash = (await by(coordinator, 'signing-message-hash').textContent()) ?? '';

  // Signer 1 holds its camera to the coordinator's request code; signer 2 types it.
  showToCamera(signerVideo, request);
  await scan(signers[0]!, 'signer-request', async () => {
    await expect(by(signers[0]!, 'signer-message')).toHaveText(MESSAGE);
    await saveScreens(signers[0]!, 'signer-camera-request');
  });
  await by(signers[1]!, 'signer-request-text').fill(request.join(' '));
  await by(signers[1]!, 'signer-request-add').click();
  for (const page of signers) {
    await expect(by(page, 'signer-message')).toHaveText(MESSAGE);
    await expect(by(page, 'signer-message-hash')).toHaveText(hash);
    await by(page, 'signer-sign').click();
    await expect(by(page, 'signer-signed')).toBeVisible();
  }

  // Signer 1 first holds up its old commitment code by mistake: refused as the wrong kind of code, nothing recorded.
  showToCamera(coordinatorVideo, commitments[0]!);
  await scan(coordinator, 'signing-share', async () => {
    await expect(by(coordinator, 'signing-error')).toHaveAttribute('data-code', 'QR_MISMATCH');
    await saveScreens(coordinator, 'signing-camera-wrong-code');
  });
  await expect(by(coordinator, 'signing-shares-progress')).toContainText('0 of 2');
  // Then its share, by camera; signer 2's is typed.
  const share = await frames(signers[0]!, 'signer-share-text');
  parts.push(`share ${share.length}`);
  showToCamera(coordinatorVideo, share);
  await scan(coordinator, 'signing-share', async () => {
    await expect(by(coordinator, 'signing-shares-progress')).toContainText('1 of 2');
  });
  await by(coordinator, 'signing-share-toggle').click();
  await by(coordinator, 'signing-share-text').fill((await frames(signers[1]!, 'signer-share-text')).join(' '));
  await by(coordinator, 'signing-share-add').click();
  await expect(by(coordinator, 'signing-shares-progress')).toContainText('2 of 2');
  await by(coordinator, 'signing-aggregate').click();
  await expect(by(coordinator, 'signing-signature-step')).toBeVisible();
  await by(coordinator, 'signing-seal').click();
  await expect(by(coordinator, 'signing-sealed')).toBeVisible();
  await saveScreens(coordinator, 'signing-camera-sealed');

  // The signature verifies with plain BIP-340 Schnorr under the group key; the sealed transcript is a signing.
  const s = coordinatorHost.coordinator.status()!;
  expect(schnorr.verify(hexToBytes(s.signature!), new TextEncoder().encode(MESSAGE), hexToBytes(s.verifyingKey!).slice(-32))).toBe(true);
  const text = coordinatorHost.coordinator.transcriptText();
  const v = verifyTranscriptText(text, { expectedHeadHash: s.finalHash! });
  expect(v.ok).toBe(true);
  expect(checkKindSteps((v as VerifyOk).entries).ok).toBe(true);
  expect(checkSigningTranscript(v as VerifyOk)?.keyCeremony.finalHash).toBe(kc.transcript.headHash);
  const saved = join(dir, 'signing-transcript.json');
  writeFileSync(saved, text);
  let out = '';
  const io = { readStdin: async () => '', stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  expect(await runCli(['transcript', 'verify', saved, '--final-hash', s.finalHash!, '--json'], io, transcriptCommands)).toBe(0);
  const cli = JSON.parse(out) as { ceremonyKind: string; sealed: boolean };
  expect(cli.ceremonyKind).toBe('signing');
  expect(cli.sealed).toBe(true);
  testInfo.annotations.push({ type: 'scanned codes (parts)', description: parts.join(', ') });
  console.log(`scanned codes (parts): ${parts.join(', ')}`);
});
