/**
 * Device faults on screen, end to end: Chromium over the real IPC handlers, the real ceremony and recovery services,
 * the real PKCS#11 host on SoftHSM2 tokens, and folders standing in for USB sticks. The faults are injected below the
 * services, where a real device would fail (backend options `hsmOptions` and `usbFs`, see backend.ts), so every
 * layer above - the service's typed error, the IPC envelope, the screen's error panel - is the real one.
 *
 * For each fault: the error panel with its code, what went wrong and the next step (a screenshot of it), and proof that
 * nothing moved: the ceremony status as before, nothing left on the token, no temporary file and no partial shard file
 * on the stick, the recovery's collected shards untouched. Then the good path works.
 *
 * 1. A token custodian's handoff: the token runs out of room mid-store (C_CreateObject leaves an object and fails with
 *    CKR_DEVICE_MEMORY) -> HSM_TOKEN_FULL, and the half-kept object is gone from the token; the token is pulled during
 *    the store and before it -> HSM_TOKEN_ABSENT, plugged back in it works; another custodian's token got locked after
 *    the start's device check (CKF_USER_PIN_LOCKED set in SoftHSM's token file) -> HSM_PIN_LOCKED, unblocked it works.
 * 2. A USB custodian's handoff: a write-protected stick is listed but cannot be chosen; writes refused with EROFS ->
 *    USB_READ_ONLY; a full stick -> USB_NO_SPACE; an I/O error halfway through the write -> USB_REMOVED; a stick that
 *    holds another custodian's shard of this ceremony -> USB_FOREIGN_SHARD; then the custodian's own stick works.
 * 3. Recovery from sticks: a stick pulled after its files were listed, and a file that went away after the listing ->
 *    USB_REMOVED each, the shards in hand untouched. (A token pulled between listing and reading, and a file changed
 *    on the stick, are in recovery-devices.spec.ts.)
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type * as graphene from 'graphene-pk11';
import type { CeremonyPlan } from '../../core/policy';
import { CKF_TOKEN } from '../../electron/services/hsm/capabilities';
import { openHsm } from '../../electron/services/hsm/index';
import { generateAgeIdentity } from '../../electron/services/protection/index';
import { nodeUsbFs, type UsbFileHandle, type UsbFs } from '../../electron/services/usb/fs';
import { shardFileName } from '../../electron/services/usb/shard-files';
import { interceptSession, makeSoftHsm, pkcs11Error, SOFTHSM_MODULE, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { makeCeremony } from './fixtures/recovery-ceremony';
import { expectNoAnswerContains, failedAnswers, saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import { RecoveryPage } from './pages/recovery-page';

/** A PIN that cannot turn up by chance in hex, base64 or JSON. */
const PIN = 'Pin-7q!Kx';
const DICE = '1 2 3 4 5 6 6 5 4 3 2 1';

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;
const temps: string[] = [];

test.afterEach(async () => {
  await backend?.shutdown().catch(() => undefined);
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

type Medium = { medium: 'paper' } | { medium: 'pkcs11'; tokenLabel: string } | { medium: 'usb'; ageRecipient: string };

function faultPlan(label: string, media: readonly [Medium, Medium, Medium]): CeremonyPlan {
  const people = [
    ['alice', 'Alice Meier', 'Acme', 'Zurich'],
    ['bob', 'Bob Keller', 'Globex', 'Geneva'],
    ['carol', 'Carol Rossi', 'Initech', 'Basel'],
  ] as const;
  return {
    version: 1,
    label,
    createdAt: '2025-03-01T09:00:00.000Z',
    secret: { type: 'new-seed', bits: 128 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] },
    custodians: people.map(([id, name, organisation, location], member) => {
      const m = media[member]!;
      const protection =
        m.medium === 'pkcs11'
          ? { type: 'pkcs11' as const, tokenLabel: m.tokenLabel }
          : m.medium === 'usb'
            ? { type: 'age' as const, recipient: m.ageRecipient }
            : { type: 'none' as const };
      return { id, name, organisation, location, medium: m.medium, protection, shares: [{ group: 0, member }] };
    }),
    witnesses: [{ id: 'wendy', name: 'Wendy Wu', organisation: 'Notary Office', observes: 'all' }],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

/** What the token does at C_CreateObject and C_Login; undefined: what SoftHSM does. */
interface TokenFaults {
  create?: (session: graphene.Session, template: graphene.ITemplate) => unknown;
  login?: (session: graphene.Session, pin: string, userType?: graphene.UserType) => unknown;
}

/** Every data object on the token (any application, public or private), seen through a session logged in with PIN. */
async function dataObjectsOn(label: string): Promise<number> {
  let raw: graphene.Session | undefined;
  const port = await openHsm(SOFTHSM_MODULE, {
    sessionInterceptor: (s) => {
      raw = s;
      return s;
    },
  });
  try {
    const session = await port.openSession({ label }, PIN);
    try {
      // graphene's ObjectClass.DATA is 0 (CKO_DATA).
      return raw!.find({ class: 0 }).length;
    } finally {
      await session.close();
    }
  } finally {
    await port.close();
  }
}

/** Pulls a SoftHSM token out and returns how to plug it back in (its directory is kept aside meanwhile). */
function pullToken(softHsm: SoftHsm, label: string): () => void {
  const dir = softHsm.token(label).dir;
  const aside = mkdtempSync(join(tmpdir(), 'keyshard-e2e-pulled-'));
  temps.push(aside);
  cpSync(dir, aside, { recursive: true });
  softHsm.removeToken(label);
  return () => cpSync(aside, dir, { recursive: true });
}

test('a token custodian’s handoff: token full, token pulled, token locked - each shown with what to do, nothing handed over', async ({ launch }) => {
  const softHsm = makeSoftHsm(['alice-token', 'bob-token'], { pin: PIN });
  env = softHsm;
  const faults: TokenFaults = {};
  backend = createCeremonyBackend({
    hsm: true,
    hsmOptions: {
      sessionInterceptor: interceptSession({
        create: (s, template) => (faults.create ?? ((t, x) => t.create(x)))(s, template as graphene.ITemplate),
        login: (s, pin, userType) => (faults.login ?? ((t, p, u) => t.login(p, u)))(s, pin as string, userType as graphene.UserType | undefined),
      }),
    },
  });
  const b = backend;
  const app = await launch({ backend: b });
  const { page } = app;
  const c = new CeremonyPage(page, b);
  const plan = faultPlan('Token faults 2025', [{ medium: 'pkcs11', tokenLabel: 'alice-token' }, { medium: 'pkcs11', tokenLabel: 'bob-token' }, { medium: 'paper' }]);
  await c.runToHandoffs(writePlanFile(b.root, plan), (r) => app.open(r), { tokens: true });
  const waiting = await b.host.status();
  expect(waiting.next.filter((n) => n.step === 'handoff').map((n) => n.custodianId)).toEqual(['alice', 'bob', 'carol']);
  const nothingMoved = async (custodianId: string): Promise<void> => {
    expect(await b.host.status(), 'the ceremony status is as before the failed handoff').toEqual(waiting);
    await c.backToHandoffList();
    await expect(c.byTestId(`handoff-row-${custodianId}`)).toHaveAttribute('data-state', 'waiting');
  };

  // ---- Alice's token runs out of room while the shard is stored: the object it began to keep is removed again.
  faults.create = (s, template) => {
    s.create(template);
    throw pkcs11Error('CKR_DEVICE_MEMORY', 0x31, 'C_CreateObject');
  };
  await c.chooseCustodian('Alice Meier');
  await c.storeOnToken(PIN);
  let shown = await c.expectHandoffError('HSM_TOKEN_FULL');
  expect(shown.message).toContain('alice-token');
  expect(shown.message).toContain('is full');
  expect(shown.message).toContain('Nothing was kept');
  expect(shown.message).toContain("Free space on it with the token's own tool and try again");
  expect(shown.todo).toContain('Free space on this token with its own tool');
  expect(shown.todo).toContain('abort and start a new ceremony');
  await expect(c.byTestId('handoff-error')).toContainText('Alice Meier is still waiting for their shard');
  await expect(c.byTestId('handoff-pin')).toHaveValue('');
  await saveScreens(page, 'faults-token-full');
  faults.create = undefined;
  expect(await dataObjectsOn('alice-token'), 'no object is left on the full token').toBe(0);
  await nothingMoved('alice');

  // ---- Alice's token is pulled out while the shard is being stored.
  let plugBackIn: (() => void) | undefined;
  faults.create = () => {
    plugBackIn = pullToken(softHsm, 'alice-token');
    throw pkcs11Error('CKR_DEVICE_REMOVED', 0x32, 'C_CreateObject');
  };
  await c.chooseCustodian('Alice Meier');
  await c.storeOnToken(PIN);
  shown = await c.expectHandoffError('HSM_TOKEN_ABSENT');
  expect(shown.message).toContain('went away while storing the shard');
  expect(shown.message).toContain('Plug it back in');
  expect(shown.todo).toContain('Plug the token in (the same one)');
  await expect(c.byTestId('handoff-error-note')).toContainText('pulled out during the step');
  await saveScreens(page, 'faults-token-pulled-mid-store');
  faults.create = undefined;
  plugBackIn!();
  expect(await dataObjectsOn('alice-token'), 'nothing reached the token').toBe(0);
  await nothingMoved('alice');

  // ---- Alice's token is pulled out before she stores (the screen still names it).
  plugBackIn = pullToken(softHsm, 'alice-token');
  await c.chooseCustodian('Alice Meier');
  await c.storeOnToken(PIN);
  shown = await c.expectHandoffError('HSM_TOKEN_ABSENT');
  expect(shown.message).toContain('alice-token');
  expect(shown.message).toContain('is plugged in');
  expect(shown.todo).toContain('Plug the token in (the same one)');
  await saveScreens(page, 'faults-token-absent');
  await nothingMoved('alice');

  // ---- Plugged back in: Alice's shard is stored, read back and confirmed.
  plugBackIn();
  await c.chooseCustodian('Alice Meier');
  await c.storeOnToken(PIN);
  await c.expectStage('confirm');
  await expect(c.byTestId('token-written')).toContainText('Token alice-token (serial');
  expect(await dataObjectsOn('alice-token')).toBe(1);
  await c.readBackFromToken(PIN);
  await c.expectStage('confirmed');
  await c.signOff();
  await c.expectStage('handoff');

  // ---- Bob's token was locked after the start's device check (too many wrong PINs elsewhere).
  const bobTokenFile = join(softHsm.token('bob-token').dir, 'token.object');
  const unlocked = readFileSync(bobTokenFile);
  softHsm.setTokenFlags('bob-token', CKF_TOKEN.USER_PIN_LOCKED);
  const afterAlice = await b.host.status();
  await c.chooseCustodian('Bob Keller');
  await c.storeOnToken(PIN);
  shown = await c.expectHandoffError('HSM_PIN_LOCKED');
  expect(shown.message).toContain('bob-token');
  expect(shown.message).toContain('locked after too many wrong PINs');
  expect(shown.todo).toContain('security officer');
  await expect(c.byTestId('handoff-error')).toContainText('Bob Keller is still waiting for their shard');
  await saveScreens(page, 'faults-token-locked');
  expect(await b.host.status()).toEqual(afterAlice);
  await c.backToHandoffList();
  await expect(c.byTestId('handoff-row-bob')).toHaveAttribute('data-state', 'waiting');

  // ---- A token that answers the login itself with CKR_PIN_LOCKED (its flags said nothing beforehand).
  writeFileSync(bobTokenFile, unlocked);
  faults.login = () => {
    throw pkcs11Error('CKR_PIN_LOCKED', 0xa4, 'C_Login');
  };
  await c.chooseCustodian('Bob Keller');
  await c.storeOnToken(PIN);
  shown = await c.expectHandoffError('HSM_PIN_LOCKED');
  expect(shown.message).toContain('locked after too many wrong PINs');
  expect(await b.host.status()).toEqual(afterAlice);
  faults.login = undefined;

  // ---- Unblocked by its security officer: Bob's shard is stored.
  await c.byTestId('handoff-pin').fill(PIN);
  await c.byTestId('handoff-token').click();
  await c.expectStage('confirm');
  await expect(c.byTestId('token-written')).toContainText('Token bob-token (serial');
  expect(await dataObjectsOn('bob-token')).toBe(1);

  // What main answered: exactly these failures, and never the PIN.
  expect(failedAnswers(app)).toEqual([
    'ceremony:handoff HSM_TOKEN_FULL',
    'ceremony:handoff HSM_TOKEN_ABSENT',
    'ceremony:handoff HSM_TOKEN_ABSENT',
    'ceremony:handoff HSM_PIN_LOCKED',
    'ceremony:handoff HSM_PIN_LOCKED',
  ]);
  expectNoAnswerContains(app, [PIN], 20);
});

// ---------------------------------------------------------------------------------------------------------------
// USB sticks

type StickFault = 'erofs' | 'full' | 'eio-mid-write';

function errno(code: string): Error {
  return Object.assign(new Error(`${code} (simulated)`), { code });
}

/**
 * The real file layer, except on the sticks given a fault: EROFS when a file is created (a stick that turned
 * read-only), a statfs that says 4 KB are free, or an I/O error after half the shard was written (the write reaches
 * the stick, the next one fails). `created` lists every temporary file the writer opened, to show it is gone after.
 */
function faultyUsbFs(faults: ReadonlyMap<string, StickFault>, created: string[]): UsbFs {
  const faultAt = (path: string): StickFault | undefined => {
    for (const [mountPoint, fault] of faults) if (path === mountPoint || path.startsWith(mountPoint + sep)) return fault;
    return undefined;
  };
  return {
    ...nodeUsbFs,
    async statfs(path) {
      return faultAt(path) === 'full' ? { freeBytes: 4096, totalBytes: 8_000_000_000 } : nodeUsbFs.statfs(path);
    },
    async createExclusive(path): Promise<UsbFileHandle> {
      const fault = faultAt(path);
      if (fault === 'erofs') throw errno('EROFS');
      const handle = await nodeUsbFs.createExclusive(path);
      created.push(path);
      if (fault !== 'eio-mid-write') return handle;
      return {
        ...handle,
        async write(data, position) {
          if (position > 0) throw errno('EIO');
          return handle.write(data.subarray(0, Math.ceil(data.length / 2)), position);
        },
      };
    },
  };
}

test('a USB custodian’s handoff: read-only, full, failing and foreign sticks - each shown with what to do, nothing left on them', async ({ launch }) => {
  const faults = new Map<string, StickFault>();
  const created: string[] = [];
  backend = createCeremonyBackend({ usbFs: faultyUsbFs(faults, created) });
  const b = backend;
  const carolKey = await generateAgeIdentity();
  const app = await launch({ backend: b });
  const { page } = app;
  const c = new CeremonyPage(page, b);
  const plan = faultPlan('USB faults 2025', [{ medium: 'paper' }, { medium: 'paper' }, { medium: 'usb', ageRecipient: carolKey.recipient }]);
  await c.runToHandoffs(writePlanFile(b.root, plan), (r) => app.open(r));
  const ceremonyId = (await b.host.status()).ceremonyId!;

  const sticks = {
    locked: b.drive('LOCKED-STICK', { readOnly: true }),
    erofs: b.drive('EROFS-STICK'),
    full: b.drive('FULL-STICK', { freeBytes: 4096 }),
    flaky: b.drive('FLAKY-STICK'),
    spare: b.drive('SPARE-STICK'),
    carol: b.drive('CAROL-STICK'),
  };
  faults.set(sticks.erofs, 'erofs').set(sticks.full, 'full').set(sticks.flaky, 'eio-mid-write');
  // A stick that already holds custodian #1's (Alice's index) shard file of this ceremony.
  const aliceFileName = shardFileName(ceremonyId, 0, '.age');
  writeFileSync(join(sticks.spare, aliceFileName), '-----BEGIN AGE ENCRYPTED FILE-----\nnot really\n-----END AGE ENCRYPTED FILE-----\n');
  const contents = (dir: string): string[] => readdirSync(dir).sort();

  await c.chooseCustodian('Carol Rossi');
  await expect(c.byTestId('drive-list')).toContainText('LOCKED-STICK');
  // The write-protected stick is listed, marked read-only, and cannot be chosen.
  await expect(c.driveOption('LOCKED-STICK')).toBeDisabled();
  await expect(c.driveRow('LOCKED-STICK')).toContainText('read-only');
  await expect(c.driveRow('FULL-STICK')).toContainText('0 MB free');
  await expect(c.byTestId('handoff-write')).toBeDisabled();
  await saveScreens(page, 'faults-usb-drive-list');

  // ---- A stick that refuses writes although it is not flagged read-only (EROFS at the first file).
  const before = await b.host.status();
  await c.writeToDrive('EROFS-STICK');
  let shown = await c.expectHandoffError('USB_READ_ONLY');
  expect(shown.message).toContain('EROFS-STICK');
  expect(shown.message).toContain('Nothing was written');
  expect(shown.message).toContain('Use another stick, or make this one writable');
  expect(shown.todo).toContain('Use a drive that can be written');
  await saveScreens(page, 'faults-usb-read-only');
  expect(contents(sticks.erofs)).toEqual([]);
  // A file that could not be written does not mark the handoff done: the ceremony is exactly where it was, and
  // Carol is still waiting for her shard.
  expect(await b.host.status(), 'the ceremony status is as before the failed handoff').toEqual(before);
  await expect(c.byTestId('handoff-error')).toContainText('The ceremony has not moved on.');
  const nothingMoved = async (dir: string, expected: string[] = []): Promise<void> => {
    expect(await b.host.status(), 'the ceremony status is as before the failed handoff').toEqual(before);
    expect(contents(dir), 'no temporary file and no partial shard on the stick').toEqual(expected);
  };

  // ---- A full stick.
  await c.writeToDrive('FULL-STICK');
  shown = await c.expectHandoffError('USB_NO_SPACE');
  expect(shown.message).toContain('FULL-STICK');
  expect(shown.message).toContain('Nothing was written');
  expect(shown.todo).toContain('Use another drive, or free space on this one');
  await saveScreens(page, 'faults-usb-full');
  await nothingMoved(sticks.full);

  // ---- An I/O error halfway through the write (a loose stick): the half-written temporary file is removed.
  await c.writeToDrive('FLAKY-STICK');
  shown = await c.expectHandoffError('USB_REMOVED');
  expect(shown.message).toContain('FLAKY-STICK');
  // The system's name for the failure is only in the small line for support, not in the message.
  expect(shown.message).not.toContain('EIO');
  await expect(page.getByTestId('handoff-error').locator('.error-details')).toContainText('USB_REMOVED · EIO');
  expect(shown.todo).toContain('Plug the drive in again');
  await saveScreens(page, 'faults-usb-pulled-mid-write');
  const flakyTemp = created.filter((p) => p.startsWith(sticks.flaky + sep));
  expect(flakyTemp, 'a temporary file was begun on the stick').toHaveLength(1);
  expect(existsSync(flakyTemp[0]!)).toBe(false);
  await nothingMoved(sticks.flaky);

  // ---- A stick that already holds another custodian's shard of this ceremony.
  await c.writeToDrive('SPARE-STICK');
  shown = await c.expectHandoffError('USB_FOREIGN_SHARD');
  expect(shown.message).toContain(aliceFileName);
  expect(shown.message).toContain('use another one');
  await saveScreens(page, 'faults-usb-foreign-shard');
  await nothingMoved(sticks.spare, [aliceFileName]);

  // ---- Carol's own stick: the file is written and read back, and only then is her handoff recorded (one entry).
  await c.writeToDrive('CAROL-STICK');
  await c.expectStage('confirm');
  const carolFile = join(sticks.carol, shardFileName(ceremonyId, 2, '.age'));
  await expect(c.byTestId('usb-file')).toContainText(carolFile);
  expect(contents(sticks.carol)).toEqual([shardFileName(ceremonyId, 2, '.age')]);
  expect(readFileSync(carolFile, 'utf8')).toContain('-----BEGIN AGE ENCRYPTED FILE-----');
  const handedOver = await b.host.status();
  expect(handedOver.awaitingConfirmation).toBe('carol');
  expect(handedOver.transcript.entries).toBe(before.transcript.entries + 1);
  await c.byTestId('confirm-readback').click();
  await c.expectStage('confirmed');
  for (const dir of [sticks.locked, sticks.erofs, sticks.full, sticks.flaky]) expect(contents(dir)).toEqual([]);

  expect(failedAnswers(app)).toEqual(['ceremony:handoff USB_READ_ONLY', 'ceremony:handoff USB_NO_SPACE', 'ceremony:handoff USB_REMOVED', 'ceremony:handoff USB_FOREIGN_SHARD']);
});

// ---------------------------------------------------------------------------------------------------------------
// Recovery

test('recovery from sticks: a stick pulled after listing, a file gone after listing - refused with what to do, the shards in hand untouched', async ({ launch }) => {
  backend = createCeremonyBackend();
  const b = backend;
  const made = await makeCeremony({
    tag: 'keyshard e2e device faults',
    label: 'Faulty sticks seed',
    groupThreshold: 1,
    groups: [{ name: 'Board', threshold: 2, custodians: ['Alice', 'Bob', 'Carol'] }],
  });
  const transcriptPath = join(b.root, 'transcript.json');
  writeFileSync(transcriptPath, made.transcriptText);
  const stickFor = (label: string, index: number): string => {
    const dir = b.drive(label);
    writeFileSync(join(dir, shardFileName(made.ceremonyId, index, '.txt')), `${made.shards[0]![index]!.text}\n`);
    return dir;
  };
  stickFor('ALICE-STICK', 0);
  const bobStick = stickFor('BOB-STICK', 1);
  stickFor('CAROL-STICK', 2);

  const app = await launch({ backend: b });
  const { page } = app;
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await r.method('usb');

  await r.chooseDrive('ALICE-STICK');
  await r.openUsbFile(0);
  await r.expectOutcome('accepted', 1);
  await expect(r.held()).toHaveCount(1);
  const inHand = await b.recovery.status();

  // ---- Bob's stick: its files are listed, then it is pulled out before his file is opened.
  await r.chooseDrive('BOB-STICK');
  await expect(r.usbFile(1)).toBeVisible();
  b.unplug('BOB-STICK');
  await r.openUsbFile(1);
  let shown = await r.expectRejected('USB_REMOVED', 2);
  expect(shown.message).toContain('not plugged in now');
  expect(shown.message + shown.todo).toMatch(/[Pp]lug .*in/);
  await expect(r.held()).toHaveCount(1);
  expect(await b.recovery.status(), 'the shards in hand are as before').toEqual(inHand);
  await saveScreens(page, 'faults-recovery-stick-pulled');

  // ---- Plugged back in and listed again; then Bob's file is deleted (from another machine) before it is opened.
  b.drive('BOB-STICK');
  await r.listDrivesAgain();
  await r.chooseDrive('BOB-STICK');
  await expect(r.usbFile(1)).toBeVisible();
  unlinkSync(join(bobStick, shardFileName(made.ceremonyId, 1, '.txt')));
  await r.openUsbFile(1);
  shown = await r.expectRejected('USB_REMOVED', 3);
  expect(shown.message).toContain('is no longer on');
  await expect(r.held()).toHaveCount(1);
  expect(await b.recovery.status()).toEqual(inHand);
  await saveScreens(page, 'faults-recovery-file-gone');

  // ---- Carol's stick: enough shards; the key is the ceremony's.
  await r.chooseDrive('CAROL-STICK');
  await r.openUsbFile(2);
  await r.expectOutcome('accepted', 4);
  await expect(r.held()).toHaveCount(2);
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'unverified');
  await expect(r.id('recovered-fingerprint-display')).toHaveText(made.display);
});
