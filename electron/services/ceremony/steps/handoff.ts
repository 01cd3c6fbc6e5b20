/**
 * Step: handoff of one custodian's shards. Shown shards (paper, words, QR) are recorded first: once on screen they
 * have been handed over. A usb custodian's files and a pkcs11 custodian's token are written and read back first and
 * recorded only then, so a write that failed never marks the handoff done. The same custodian again before they
 * confirm shows (or writes) the same shard again and records nothing new; writing a usb custodian's file, a pkcs11
 * custodian's token or (steps/reprint.ts) printing a paper again is a repeated step, so it waits for a step-repeated
 * exception (reason, witness) first.
 */
import { normaliseBagSerial } from '../../../../core/bag-serial';
import { CONFIRMATION_METHODS } from '../../../../core/ceremony';
import { envelopeTextBytes } from '../../../../core/envelope';
import { KeyshardError } from '../../../../core/errors';
import type { Custodian } from '../../../../core/policy';
import type { Protection as ProtectionKind } from '../../protection/index';
import { shardFileName } from '../../usb/shard-files';
import { heldShardFingerprints } from '../shard-fingerprints';
import { copyShardView, shardView, wipeShardViews, type ShardView } from '../shards';
import { aboutCustodian } from '../tokens';
import type { HandoffRequest, HandoffView, ShardFilePort } from '../types';
import type { StepKit } from './kit';
import { expectRepeatCleared } from './exception';
import { expectReceipts } from './receipt';
import { custodianOf, expectStep, fingerprintView, type Session } from './session';
import { storeOnToken, type TokenKit } from './token-shards';

/**
 * The handoff record, with the fingerprint of each shard handed over (for a later custody check, core/custody) and the
 * serial of the bag it goes into (checked again when the bag is opened at a recovery).
 */
function handoffEvent(
  kit: Pick<StepKit, 'secrets'>,
  c: Session,
  custodian: Custodian,
  bagSerial: string | undefined,
): { step: 'handoff'; custodianId: string; shardFingerprints?: string[]; bagSerial?: string } {
  const held = c.shards.get(custodian.id) ?? [];
  return {
    step: 'handoff',
    custodianId: custodian.id,
    ...(held.length === 0 ? {} : { shardFingerprints: heldShardFingerprints(held, (h) => kit.secrets.read(h)) }),
    ...(bagSerial === undefined ? {} : { bagSerial }),
  };
}

/** The bag serial typed for this handoff, normalised (BAG_SERIAL_INVALID before anything is written), or none. */
function typedBagSerial(request: HandoffRequest): string | undefined {
  const typed = request.bagSerial;
  return typed === undefined || typed.trim() === '' ? undefined : normaliseBagSerial(typed);
}

/** The serial the transcript holds for this custodian's handoff (a handoff shown again keeps the first one). */
function recordedBagSerial(c: Session, custodianId: string): string | undefined {
  const r = c.state.records.find((x) => x.step === 'handoff' && x.data['custodianId'] === custodianId);
  const v = r?.data['bagSerial'];
  return typeof v === 'string' ? v : undefined;
}
import { leftText, removeWritten, writeFiles, type PreparedFile, type WrittenFile } from './usb-files';

export type HandoffKit = TokenKit & Pick<StepKit, 'usb' | 'protect' | 'qr' | 'record' | 'status'>;

function protectionOf(c: Custodian): ProtectionKind {
  const p = c.protection;
  if (p.type === 'age') return { kind: 'age', recipient: p.recipient };
  if (p.type === 'openpgp') return { kind: 'openpgp', publicKeyArmored: p.publicKeyArmored };
  if (p.type === 'none') return { kind: 'none' };
  throw new KeyshardError('HSM_MODULE', `${c.name}'s shard is to be stored on a PKCS#11 token, which this build cannot do yet. Change the plan's medium for ${c.name}, or abort.`, {
    custodianId: c.id,
  });
}

function viewFor(kit: Pick<StepKit, 'status'>, c: Session, custodian: Custodian, shards: ShardView[], files: HandoffView['files']): HandoffView {
  const bagSerial = recordedBagSerial(c, custodian.id);
  return {
    ...(bagSerial === undefined ? {} : { bagSerial }),
    custodianId: custodian.id,
    custodianName: custodian.name,
    medium: custodian.medium,
    protection: custodian.protection.type,
    fingerprint: fingerprintView(c.state.fingerprint ?? ''),
    confirmWith: [...CONFIRMATION_METHODS[custodian.medium]],
    shards,
    files,
    status: kit.status(c),
  };
}

/** What leaves the service for a usb custodian: their protected files (written after this, recorded after that). */
async function prepareFiles(kit: HandoffKit, c: Session, custodian: Custodian): Promise<PreparedFile[]> {
  const held = c.shards.get(custodian.id) ?? [];
  const protection = protectionOf(custodian);
  const files: PreparedFile[] = [];
  for (const [n, h] of held.entries()) {
    // The shard's text as bytes, wiped once protected: main makes no string of it (issue 16.3).
    const text = envelopeTextBytes(kit.secrets.read(h.handle));
    let p: Awaited<ReturnType<HandoffKit['protect']>>;
    try {
      p = await kit.protect(text, protection);
    } finally {
      text.fill(0);
    }
    const data = p.data;
    // The USB service's shard file name, so recovery finds the file by its name alone.
    const fileName = shardFileName(c.ceremonyIdHex, c.plan.custodians.indexOf(custodian), p.fileExtension, held.length > 1 ? n + 1 : undefined);
    files.push({ index: h.index, fileName, protection: p.kind, data });
  }
  return files;
}

/** What the screen shows: the current custodian's shards, kept until they confirm. */
function deliver(kit: HandoffKit, c: Session, custodian: Custodian, shards: ShardView[], out: { written: { location: string; bytes: Uint8Array }[]; files: WrittenFile[] }): HandoffView {
  const view = viewFor(kit, c, custodian, shards, out.files);
  // The service keeps one copy of the shown envelopes (for current-handoff), wiped when it is replaced or dropped;
  // the caller gets copies of its own.
  if (c.delivered !== null) wipeShardViews(c.delivered.view.shards);
  c.delivered = { view, files: out.written };
  return { ...view, shards: view.shards.map(copyShardView) };
}

async function handoffToToken(kit: HandoffKit, c: Session, custodian: Custodian, again: boolean, pin: string | undefined, bag: string | undefined): Promise<HandoffView> {
  // Storing the shard again repeats the handoff as a USB rewrite does: keyshard cannot tell what became of the token
  // (or a copy made of it) since the first store, so the repeat waits for its step-repeated exception.
  if (again) {
    expectRepeatCleared(
      c,
      'handoff',
      custodian.id,
      `Storing ${custodian.name}'s shard on their token again repeats the handoff: the copy stored first may still exist.`,
    );
  }
  const token = await storeOnToken(kit, c, custodian, again, pin);
  // Stored again: the exception that allowed it is used up (a failed store above keeps it for the next try).
  if (again) c.repeatCleared = null;
  if (!again) await kit.record(c, handoffEvent(kit, c, custodian, bag), { before: [{ kind: 'token-store', data: { custodianId: custodian.id, ...token } }] });
  const view: HandoffView = { ...viewFor(kit, c, custodian, [], []), token };
  c.delivered = { view, files: [] };
  return view;
}

async function handoffToUsb(kit: HandoffKit, usb: ShardFilePort, c: Session, custodian: Custodian, again: boolean, bag: string | undefined): Promise<HandoffView> {
  // A second write of the same shard is a deviation: the first stick (or a part-written file) may still hold a copy.
  if (again) {
    expectRepeatCleared(
      c,
      'handoff',
      custodian.id,
      `Writing ${custodian.name}'s shard file again repeats the handoff: the stick written first may still hold a copy.`,
    );
  }
  const prepared = await prepareFiles(kit, c, custodian);
  let out: Awaited<ReturnType<typeof writeFiles>>;
  try {
    out = await writeFiles(usb, custodian, prepared, again);
  } catch (e) {
    // What was delivered before can no longer be trusted to be on the stick: confirmation waits for a rewrite.
    if (again) c.delivered = null;
    throw e;
  }
  if (!again) {
    try {
      await kit.record(c, handoffEvent(kit, c, custodian, bag));
    } catch (e) {
      // Not recorded, so not handed over: the files must not stay on the stick either.
      const left = await removeWritten(usb, out.files);
      throw aboutCustodian(e, `${custodian.name}'s handoff could not be recorded:`, custodian.id, leftText(out.files, left));
    }
  }
  // Written again: the exception that allowed it is used up (a failed write above keeps it for the next try).
  if (again) c.repeatCleared = null;
  return deliver(kit, c, custodian, [], out);
}

export async function handoff(kit: HandoffKit, c: Session, request: HandoffRequest): Promise<HandoffView> {
  const custodian = custodianOf(c, request.custodianId);
  const again = c.state.awaitingConfirmation === custodian.id && c.state.lastStep === 'handoff';
  if (!again) {
    expectStep(c, 'handoff', custodian.id);
    expectReceipts(c, `${custodian.name}'s handoff`);
  }
  const bag = typedBagSerial(request);
  if (custodian.medium === 'pkcs11') return handoffToToken(kit, c, custodian, again, request.pin, bag);
  if (custodian.medium === 'usb') {
    if (kit.usb === undefined) {
      throw new KeyshardError('USB_REMOVED', `No removable drive is available to write ${custodian.name}'s shard. Plug in their drive and try again.`, { custodianId: custodian.id });
    }
    return handoffToUsb(kit, kit.usb, c, custodian, again, bag);
  }
  const shards = (c.shards.get(custodian.id) ?? []).map((h) => shardView(kit.secrets.read(h.handle), h.index, h.ref, kit.qr));
  if (!again) await kit.record(c, handoffEvent(kit, c, custodian, bag));
  return deliver(kit, c, custodian, shards, { written: [], files: [] });
}
