/**
 * Step: confirm. The custodian shows they hold what was handed over: typing or scanning it back, or their token's PIN
 * (possession), or a read-back of the file keyshard wrote (the write only). Whatever was given is compared with the
 * held shard in constant time; a mismatch says where, never what. The record says what the method proves, and the
 * service then drops the displayable copy.
 */
import { CONFIRMATION_METHODS, CONFIRMATION_PROVES, type ConfirmationMethod } from '../../../../core/ceremony';
import { KeyshardError } from '../../../../core/errors';
import type { Custodian } from '../../../../core/policy';
import { compareEnvelopeBytes, compareShardTextAscii, compareShardTextBytes, ctEqualBytes, describeMismatch, type Mismatch } from '../compare';
import { compareWordsWithShard, verifyingShareOf, wipeShardViews } from '../shards';
import type { ExtraEntry } from '../tokens';
import type { ConfirmRequest, ConfirmResponse, ShardFilePort } from '../types';
import type { StepKit } from './kit';
import { custodianOf, expectStep, nameOf, transition, type HeldShard, type Session } from './session';
import { expectNoDeviation, noteDeviation } from './exception';
import { confirmOnToken, type TokenKit } from './token-shards';

export type ConfirmKit = TokenKit & Pick<StepKit, 'usb' | 'openProtected' | 'record' | 'status'>;

function mismatchError(custodian: Custodian, shard: number, total: number, m: Mismatch, what: string): KeyshardError {
  const which = total > 1 ? ` (shard ${shard} of ${total})` : '';
  return new KeyshardError('CONFIRM_MISMATCH', describeMismatch(m, `${what}${which}`), {
    custodianId: custodian.id,
    shard,
    ...(m.words === undefined ? {} : { words: [...m.words] }),
    ...(m.groups === undefined ? {} : { groups: [...m.groups] }),
    parts: [...m.parts],
    lengthDiffers: m.lengthDiffers,
  });
}

/** read-back-usb: each file keyshard wrote reads back byte for byte; opened with a key, it must be the held shard. */
async function readBackFiles(kit: ConfirmKit, c: Session, custodian: Custodian, held: readonly HeldShard[], request: ConfirmRequest): Promise<void> {
  const files = c.delivered?.files ?? [];
  const usb: ShardFilePort | undefined = kit.usb;
  if (usb === undefined || files.length !== held.length) {
    throw new KeyshardError('USB_REMOVED', `${custodian.name}'s shard file is not on a drive this session wrote. Hand the shard over again (write the file), then read it back.`);
  }
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const back = await usb.read({ location: f.location });
    if (!ctEqualBytes(back, f.bytes)) {
      throw new KeyshardError('USB_VERIFY', `The file read back from ${custodian.name}'s drive differs from what was written. The drive may be failing: hand the shard over again, on another drive if it repeats.`, {
        custodianId: custodian.id,
        shard: i + 1,
      });
    }
    const key = request.openingKeys?.[i];
    if (key !== undefined) {
      // Opened as bytes and wiped after the comparison: no string of the shard (issue 16.3).
      const opened = await kit.openProtected(back, key);
      let m: Mismatch | null;
      try {
        m = compareShardTextAscii(kit.secrets.read(held[i]!.handle), opened);
      } finally {
        opened.fill(0);
      }
      if (m !== null) throw mismatchError(custodian, i + 1, held.length, m, 'The opened file');
    }
  }
}

/** type-back / scan-qr: each shard given back, in order, against the held one. */
function compareGivenBack(kit: ConfirmKit, custodian: Custodian, held: readonly HeldShard[], method: ConfirmationMethod, request: ConfirmRequest): void {
  const responses = request.responses ?? [];
  if (responses.length !== held.length) {
    throw new KeyshardError('INVALID_ARGUMENT', `${custodian.name} holds ${held.length} shard${held.length === 1 ? '' : 's'}; give back each one (${responses.length} given).`, {
      expected: held.length,
      given: responses.length,
    });
  }
  responses.forEach((r, i) => {
    const binary = kit.secrets.read(held[i]!.handle);
    let m: Mismatch | null;
    let what: string;
    // Every form arrives as bytes (typed words, typed characters, the envelope the scanned codes assembled to), is
    // compared byte by byte with the held shard, and is wiped here: main makes no string of a shard (issue 16.3).
    const given = 'words' in r ? r.words : 'text' in r ? r.text : r.envelope;
    try {
      if ('words' in r) {
        if (method !== 'type-back') throw new KeyshardError('INVALID_ARGUMENT', 'Words are typed back: use the type-back method.');
        const w = compareWordsWithShard(binary, r.words);
        if (w === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'Verifiable shares have no words: type back the shard text (KS1...) or scan its QR code.');
        m = w;
        what = 'What was typed back';
      } else if ('text' in r) {
        if (method !== 'type-back') throw new KeyshardError('INVALID_ARGUMENT', 'A shard text is typed back: use the type-back method.');
        m = compareShardTextBytes(binary, r.text);
        what = 'What was typed back';
      } else {
        if (method !== 'scan-qr') throw new KeyshardError('INVALID_ARGUMENT', 'Scanned QR codes confirm with the scan-qr method.');
        m = compareEnvelopeBytes(binary, r.envelope);
        what = 'What was scanned';
      }
    } finally {
      given.fill(0);
    }
    if (m !== null) throw mismatchError(custodian, i + 1, held.length, m, what);
  });
}

export async function confirm(kit: ConfirmKit, c: Session, request: ConfirmRequest): Promise<ConfirmResponse> {
  const custodian = custodianOf(c, request.custodianId);
  if (c.state.awaitingConfirmation !== custodian.id) {
    const waiting = c.state.awaitingConfirmation;
    throw transition(
      waiting === null
        ? `Nobody is waiting to confirm a shard now; hand ${custodian.name} their shard first.`
        : `${nameOf(c, waiting)} must confirm their shard now, not ${custodian.name}.`,
      { custodianId: custodian.id, awaiting: waiting },
    );
  }
  expectStep(c, 'confirm', custodian.id);
  const method: ConfirmationMethod = request.method;
  const allowed = CONFIRMATION_METHODS[custodian.medium];
  if (!allowed.includes(method)) {
    throw new KeyshardError('INVALID_ARGUMENT', `A ${custodian.medium} handoff is confirmed by ${allowed.join(' or ')}, not ${String(method)}.`, { allowed: [...allowed] });
  }
  // A rewrite asked for but not done (its exception not recorded) happened nowhere: confirming instead drops it.
  const d = c.deviation;
  if (d !== null && d.deviation === 'step-repeated' && d.stepId === 'handoff' && d.custodianId === custodian.id) c.deviation = null;
  expectNoDeviation(c);
  const held = c.shards.get(custodian.id) ?? [];
  const before: ExtraEntry[] = [];
  try {
    if (method === 'read-back-pkcs11') before.push(await confirmOnToken(kit, c, custodian, request.pin));
    else if (method === 'read-back-usb') await readBackFiles(kit, c, custodian, held, request);
    else compareGivenBack(kit, custodian, held, method, request);
  } catch (e) {
    // What was given back is not the shard handed over: a deviation, recorded as an exception before a second try.
    if (e instanceof KeyshardError && e.code === 'CONFIRM_MISMATCH') {
      noteDeviation(c, 'handoff', custodian.id, 'confirmation-failed', `${custodian.name}'s confirmation did not match the shard handed over.`);
    }
    throw e;
  }
  const verifyingShare = c.plan.scheme.type === 'vss' && held.length === 1 ? verifyingShareOf(kit.secrets.read(held[0]!.handle)) : undefined;
  // The transcript says what this confirmation shows: a read-back of the file keyshard wrote checks the write only.
  const proves = CONFIRMATION_PROVES[method];
  await kit.record(c, { step: 'confirm', custodianId: custodian.id, method, proves, ...(verifyingShare === undefined ? {} : { verifyingShare }) }, { before });
  c.repeatCleared = null;
  // Confirmed: the screen no longer needs (and no longer gets) this custodian's shard.
  if (c.delivered !== null) wipeShardViews(c.delivered.view.shards);
  c.delivered = null;
  return { custodianId: custodian.id, method, proves, ...(verifyingShare === undefined ? {} : { verifyingShare }), status: kit.status(c) };
}
