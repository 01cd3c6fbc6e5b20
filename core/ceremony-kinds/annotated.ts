/**
 * The annotated script: the printed script (script.ts) filled in from a verified transcript. Each numbered step gets
 * the entries recorded at it (with their times), who acted, the witness signatures over them, and the exceptions
 * recorded under it; the participants sign below, and the transcript's final hash is on every page. The printed page
 * and `keyshard transcript verify --script` both render this one model, so their numbers and words are the same.
 * Every entry of the transcript is placed exactly once (annotatedScriptMismatch checks it). Pure.
 */
import { bagSerialDisplay } from '../bag-serial';
import type { CeremonyPlan } from '../policy/types';
import { spokenText } from '../read-aloud';
import { shortDisplay, witnessKeyFingerprint } from '../recovery-trust';
import type { TranscriptEntry, VerifyOk } from '../transcript';
import { stepOfRecord, transcriptNames } from './derive';
import { DEVIATION_WORDS, isDeviation } from './exceptions';
import { roleLine, ROLE_NAMES } from './roles';
import { ceremonyScript } from './script';
import type { CeremonyKind, Role } from './types';

export interface AnnotatedSignature {
  /** The witness's signature entry, and the sign-off record written with it (null for an exception's signature). */
  readonly seq: number;
  readonly recordSeq: number | null;
  readonly recordAt: string | null;
  readonly at: string;
  readonly targetSeq: number;
  readonly witnessId: string;
  readonly witnessName: string;
  /** The signing key's fingerprint, first 16 hex digits in groups ("3F9A 61C2 0B7E D4A5"). */
  readonly keyShort: string;
}

export interface AnnotatedException {
  readonly seq: number;
  readonly at: string;
  readonly deviation: string;
  /** "Confirmation failed". */
  readonly words: string;
  readonly reason: string;
  readonly witnessId: string | null;
  readonly signature: AnnotatedSignature | null;
  /** An abort's exception that says no witness signs it (the plan has witnesses; none signed). */
  readonly unsigned: boolean;
}

export interface AnnotatedEntry {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  /** "Air-gap check"; a receipt without a bag gets the catalogue's `transcriptWithoutBag` words. */
  readonly name: string;
  /** The bag serial the entry records (a handoff's, a receipt's typed again), as read aloud ("KS00 42A7"), or null. */
  readonly bagSerial: string | null;
}

export interface AnnotatedLine {
  readonly number: string;
  readonly stepId: string;
  readonly heading: string;
  readonly custodianId: string | null;
  /** "Ceremony administrator (Ada Park)". */
  readonly acted: string;
  /** The step writes no transcript entry (its initials on paper are its record). */
  readonly unrecorded: boolean;
  /**
   * A custodian's turn with no entry because a witness recorded the custodian absent: that exception's entry, so the
   * line says why in words (absentWords), not a bare "not done". Null otherwise.
   */
  readonly absentSeq: number | null;
  readonly entries: readonly AnnotatedEntry[];
  readonly signatures: readonly AnnotatedSignature[];
  readonly exceptions: readonly AnnotatedException[];
  /**
   * Deviations older entries record in their own data (a failed check done again, an air-gap override with its
   * witness and reason), in words: shown under the step like exceptions, though they are not entries of their own.
   */
  readonly notes: readonly string[];
}

export interface Participant {
  readonly role: Role;
  readonly roleName: string;
  readonly name: string;
  readonly organisation: string;
}

export interface AnnotatedScript {
  readonly kindTitle: string;
  readonly label: string;
  readonly ceremonyId: string;
  readonly headHash: string;
  readonly headWords: string;
  readonly lines: readonly AnnotatedLine[];
  /** The abort, when the ceremony was aborted: after the step it stopped at, with its exception once recorded. */
  readonly abort: {
    readonly seq: number;
    readonly at: string;
    readonly reason: string;
    readonly afterNumber: string | null;
    readonly exception: AnnotatedException | null;
  } | null;
  /** Entries of a kind this catalogue does not place (a newer keyshard's): listed, never dropped. */
  readonly other: readonly AnnotatedEntry[];
  readonly participants: readonly Participant[];
}

type Data = Readonly<Record<string, unknown>>;

function dataOf(e: TranscriptEntry): Data {
  return typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? (e.data as Data) : {};
}

function str(d: Data, key: string): string | null {
  const v = d[key];
  return typeof v === 'string' ? v : null;
}

interface MutableLine extends Omit<AnnotatedLine, 'entries' | 'signatures' | 'exceptions' | 'notes' | 'absentSeq'> {
  absentSeq: number | null;
  entries: AnnotatedEntry[];
  notes: string[];
  signatures: AnnotatedSignature[];
  exceptions: AnnotatedException[];
}

export function annotatedScript(kind: CeremonyKind, plan: CeremonyPlan, verified: Pick<VerifyOk, 'ceremonyId' | 'entries' | 'headHash'>): AnnotatedScript {
  const names = transcriptNames(kind);
  const nameOf = (k: string): string => names.get(k) ?? k.charAt(0).toUpperCase() + k.slice(1).replace(/-/g, ' ');
  const witnessName = (id: string): string => plan.witnesses.find((w) => w.id === id)?.name ?? id;
  const lines: MutableLine[] = ceremonyScript(kind, plan).lines.map((l) => ({
    number: l.number,
    stepId: l.stepId,
    heading: l.heading,
    custodianId: l.custodianId,
    acted: roleLine(l.actor, l.acts),
    unrecorded: kind.steps.find((s) => s.id === l.stepId)?.records.length === 0,
    absentSeq: null,
    entries: [],
    signatures: [],
    exceptions: [],
    notes: [],
  }));
  const lineFor = (stepId: string, custodianId: string | null): MutableLine | undefined =>
    lines.find((l) => l.stepId === stepId && (l.custodianId === null || l.custodianId === custodianId));
  /** Where each placed entry went, so a signature lands beside what it signs. */
  const placed = new Map<number, { line?: MutableLine; exception?: AnnotatedException }>();
  const other: AnnotatedEntry[] = [];
  let abort: { seq: number; at: string; reason: string; afterNumber: string | null; exception: AnnotatedException | null } | null = null;
  let lastLine: MutableLine | null = null;

  verified.entries.forEach((e, i) => {
    const d = dataOf(e);
    const serial = str(d, 'bagSerial');
    const item: AnnotatedEntry = { seq: e.seq, at: e.at, kind: e.kind, name: entryName(kind, e.kind, d, nameOf), bagSerial: serial === null ? null : bagSerialDisplay(serial) };
    if (e.kind === 'sign-off') return; // placed with the signature that follows it
    if (e.kind === 'signoff') {
      const target = d['target'] as { seq?: number } | undefined;
      const witness = d['witness'] as { id?: string; algorithm?: 'ed25519' | 'ecdsa-p256'; publicKey?: string } | undefined;
      const where = placed.get(target?.seq ?? 0);
      const before = verified.entries[i - 1];
      const sig: AnnotatedSignature = {
        seq: e.seq,
        recordSeq: before?.kind === 'sign-off' ? before.seq : null,
        recordAt: before?.kind === 'sign-off' ? before.at : null,
        at: e.at,
        targetSeq: target?.seq ?? 0,
        witnessId: witness?.id ?? '',
        witnessName: witnessName(witness?.id ?? ''),
        keyShort: shortDisplay(witnessKeyFingerprint(witness?.algorithm ?? 'ed25519', witness?.publicKey ?? '')).slice(0, 19),
      };
      if (where === undefined) other.push(item);
      else if (where.exception !== undefined) (where.exception as { signature: AnnotatedSignature | null }).signature = sig;
      else where.line?.signatures.push(sig);
      return;
    }
    if (e.kind === 'exception') {
      const line = lineFor(str(d, 'stepId') ?? '', str(d, 'custodianId'));
      const deviation = str(d, 'deviation') ?? '';
      const x: AnnotatedException = {
        seq: e.seq,
        at: e.at,
        deviation,
        words: isDeviation(deviation) ? DEVIATION_WORDS[deviation] : deviation,
        reason: str(d, 'reason') ?? '',
        witnessId: str(d, 'witnessId'),
        signature: null,
        unsigned: d['unsigned'] === true,
      };
      // The abort's exception is printed with the abort it explains (the verifier put it right after the abort).
      const stopped = abort as { exception: AnnotatedException | null } | null;
      if (deviation === 'abort' && stopped !== null && stopped.exception === null) {
        stopped.exception = x;
        placed.set(e.seq, { exception: x });
        return;
      }
      if (line === undefined) return void other.push(item);
      line.exceptions.push(x);
      placed.set(e.seq, { line, exception: x });
      return;
    }
    if (e.kind === 'abort') {
      abort = { seq: e.seq, at: e.at, reason: str(d, 'reason') ?? '', afterNumber: lastLine?.number ?? null, exception: null };
      return;
    }
    const step = stepOfRecord(kind, e.kind);
    const line = step === null ? undefined : lineFor(step.id, step.perCustodian ? str(d, 'custodianId') : null);
    if (line === undefined) return void other.push(item);
    line.entries.push(item);
    const next = verified.entries[i + 1];
    // An override recorded as its own exception (since issue 13.5) shows there with its signature: the check's note
    // then keeps only what the exception does not say, the interfaces that were up.
    const signedOverride = next?.kind === 'exception' && dataOf(next)['deviation'] === 'airgap-override';
    const note = noteOf(e.kind, d, witnessName, signedOverride);
    if (note !== null) line.notes.push(`${note} (entry ${e.seq})`);
    placed.set(e.seq, { line });
    lastLine = line;
  });

  // A custodian recorded absent (at their handoff, never come; or at their receipt) whose turn has no entry: the line
  // names the exception, the latest one for that custodian.
  const absences = new Map<string, number>();
  for (const e of verified.entries) {
    const d = dataOf(e);
    const who = str(d, 'custodianId');
    if (e.kind === 'exception' && d['deviation'] === 'custodian-absent' && who !== null) absences.set(who, e.seq);
  }
  for (const l of lines) {
    if (l.entries.length === 0 && l.custodianId !== null && absences.has(l.custodianId)) l.absentSeq = absences.get(l.custodianId)!;
  }

  const people: Omit<Participant, 'roleName'>[] = [
    { role: 'administrator', name: plan.administrator?.name ?? '', organisation: plan.administrator?.organisation ?? '' },
    ...plan.witnesses.map((w) => ({ role: 'internal-witness' as const, name: w.name, organisation: w.organisation })),
    ...(plan.externalWitnesses ?? []).map((p) => ({ role: 'external-witness' as const, name: p.name, organisation: p.organisation })),
    ...plan.custodians.map((c) => ({ role: 'custodian' as const, name: c.name, organisation: c.organisation })),
  ];
  const participants: Participant[] = people.map((p) => ({ ...p, roleName: ROLE_NAMES[p.role].one }));

  return {
    kindTitle: kind.title,
    label: plan.label,
    ceremonyId: verified.ceremonyId,
    headHash: verified.headHash,
    headWords: spokenText(verified.headHash),
    lines,
    abort,
    other,
    participants,
  };
}

/** An entry's words: the catalogue's, or its words for a shard with no bag when the entry records nothing sealed. */
function entryName(kind: CeremonyKind, recordKind: string, d: Data, nameOf: (k: string) => string): string {
  const noBag = stepOfRecord(kind, recordKind)?.records.find((r) => r.kind === recordKind)?.transcriptWithoutBag;
  return d['sealed'] === false && d['bagSerial'] === undefined && noBag !== undefined ? noBag : nameOf(recordKind);
}

/** What an entry of the key ceremony records about a deviation in its own data, in words, or null. */
function noteOf(kind: string, d: Data, witnessName: (id: string) => string, overrideIsException = false): string | null {
  if (kind === 'airgap-check' && d['passed'] === false) {
    const up = Array.isArray(d['interfacesUp']) ? d['interfacesUp'].join(', ') : '';
    const o = d['override'] as { witnessId?: unknown; reason?: unknown } | undefined;
    if (o === undefined) return `Air-gap check failed (${up || 'an interface was up'}); done again`;
    if (overrideIsException) return `Air-gap check failed (${up || 'an interface was up'}); overridden, see the exception`;
    return `Air-gap check overridden by ${witnessName(String(o.witnessId))} (${up}): ${String(o.reason)}`;
  }
  if (kind === 'test-recovery' && d['fingerprintMatch'] === false) return 'Test recovery gave another fingerprint; done again';
  return null;
}

/** Every (seq, time, kind) the annotated script shows, in one list: what it says the transcript holds. */
export function annotatedItems(script: AnnotatedScript): { seq: number; at: string; kind: string }[] {
  const out: { seq: number; at: string; kind: string }[] = [];
  const sig = (s: AnnotatedSignature): void => {
    if (s.recordSeq !== null) out.push({ seq: s.recordSeq, at: s.recordAt ?? '', kind: 'sign-off' });
    out.push({ seq: s.seq, at: s.at, kind: 'signoff' });
  };
  for (const l of script.lines) {
    for (const e of l.entries) out.push({ seq: e.seq, at: e.at, kind: e.kind });
    l.signatures.forEach(sig);
    for (const x of l.exceptions) {
      out.push({ seq: x.seq, at: x.at, kind: 'exception' });
      if (x.signature !== null) sig(x.signature);
    }
  }
  if (script.abort !== null) {
    out.push({ seq: script.abort.seq, at: script.abort.at, kind: 'abort' });
    const x = script.abort.exception;
    if (x !== null) {
      out.push({ seq: x.seq, at: x.at, kind: 'exception' });
      if (x.signature !== null) sig(x.signature);
    }
  }
  for (const e of script.other) out.push({ seq: e.seq, at: e.at, kind: e.kind });
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * Where an annotated script and a transcript first disagree, in words, or null when they match entry for entry: the
 * same entries, each once, with the same time and kind, and the same final hash.
 */
export function annotatedScriptMismatch(script: AnnotatedScript, entries: readonly TranscriptEntry[]): string | null {
  const items = annotatedItems(script);
  for (let i = 0; i < Math.max(items.length, entries.length); i++) {
    const a = items[i];
    const e = entries[i];
    if (e === undefined) return `the script shows entry ${a?.seq ?? '?'}, which the transcript does not have`;
    if (a === undefined) return `transcript entry ${e.seq} (${e.kind}) is not in the script`;
    if (a.seq !== e.seq) return `transcript entry ${e.seq} (${e.kind}) is not in the script where it belongs (found entry ${a.seq})`;
    if (a.kind !== e.kind) return `entry ${e.seq} is ${e.kind} in the transcript but ${a.kind} in the script`;
    if (a.at !== e.at) return `entry ${e.seq} (${e.kind}) was recorded at ${e.at}, but the script says ${a.at}`;
  }
  const head = entries[entries.length - 1]?.hash;
  if (head !== script.headHash) return 'the final hash on the script is not the transcript’s';
  return null;
}

/** A custodian's turn not recorded because they were recorded absent, in the printed words. */
export function absentWords(exceptionSeq: number): string {
  return `Not recorded — custodian absent (exception ${exceptionSeq}).`;
}

/** The printed words before a witness's signature of the step itself, and of an exception under it. */
export const STEP_SIGNED = 'Step signed off by witness:';
export const EXCEPTION_SIGNED = 'Exception signed by witness:';

/** "bag KS00 42A7": the serial an entry records, as read aloud. */
export function bagWords(serialDisplay: string): string {
  return `bag ${serialDisplay}`;
}

/** Why an exception has no witness signature, in the printed words. */
export function unsignedWords(x: Pick<AnnotatedException, 'unsigned' | 'witnessId'>): string {
  if (x.unsigned) return 'Not signed: no witness signed this abort (recorded as unsigned).';
  if (x.witnessId !== null) return 'Not signed: the witness’s signature is missing.';
  return 'No witness signature (the plan has no witnesses).';
}

/** "2025-03-01 10:00:07 UTC". */
export function scriptTime(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 19)} UTC`;
}

/** The annotated script as plain text (`keyshard transcript verify --script`): the printed page's words and numbers. */
export function annotatedScriptText(script: AnnotatedScript): string {
  const out: string[] = [
    `${script.kindTitle}: ${script.label} - annotated script`,
    `Ceremony id: ${script.ceremonyId}`,
    `Final hash: ${script.headHash}`,
    `  in words: ${script.headWords}`,
    '',
  ];
  const sigText = (s: AnnotatedSignature): string => `${s.witnessName} (key ${s.keyShort}) signed, entry ${s.seq}`;
  const exceptionText = (x: AnnotatedException): void => {
    out.push(`    EXCEPTION ${scriptTime(x.at)}  ${x.words} (entry ${x.seq}): ${x.reason}`);
    out.push(`      ${x.signature !== null ? `${EXCEPTION_SIGNED} ${sigText(x.signature)}` : unsignedWords(x)}`);
  };
  for (const l of script.lines) {
    out.push(`${l.number}  ${l.heading}`);
    out.push(`    Acted: ${l.acted}`);
    if (l.entries.length === 0) out.push(`    ${l.absentSeq !== null ? absentWords(l.absentSeq) : l.unrecorded ? 'Not recorded in the transcript (initials on paper).' : 'Not done.'}`);
    for (const e of l.entries) out.push(`    ${scriptTime(e.at)}  ${e.name}${e.bagSerial === null ? '' : `, ${bagWords(e.bagSerial)}`} (entry ${e.seq})`);
    for (const n of l.notes) out.push(`    NOTE ${n}`);
    // The step's own sign-offs first, then each exception with its own signature: never read as one block.
    for (const s of l.signatures) out.push(`    ${STEP_SIGNED} ${sigText(s)}`);
    for (const x of l.exceptions) exceptionText(x);
  }
  if (script.abort !== null) {
    out.push('', `ABORTED ${scriptTime(script.abort.at)} after step ${script.abort.afterNumber ?? '-'} (entry ${script.abort.seq}): ${script.abort.reason}`);
    if (script.abort.exception !== null) exceptionText(script.abort.exception);
    else out.push('    No exception recorded for the abort (no reason typed after it).');
  }
  if (script.other.length > 0) {
    out.push('', 'Other entries:');
    for (const e of script.other) out.push(`    ${scriptTime(e.at)}  ${e.name} (entry ${e.seq})`);
  }
  out.push('', 'Participants (each signs the printed script):');
  for (const p of script.participants) out.push(`    ${p.roleName}: ${p.name === '' ? '____________________' : `${p.name} (${p.organisation})`}   signature ____________   date ________`);
  out.push('', `Final hash: ${script.headHash}`, '');
  return out.join('\n');
}

/** Every exception under a step of the script, with that step's number, in transcript order (the abort's last). */
export function scriptExceptions(script: AnnotatedScript): { number: string; seq: number; words: string }[] {
  const out = script.lines.flatMap((l) => l.exceptions.map((x) => ({ number: l.number, seq: x.seq, words: x.words })));
  const a = script.abort;
  if (a !== null && a.exception !== null) out.push({ number: a.afterNumber ?? '-', seq: a.exception.seq, words: a.exception.words });
  return out.sort((p, q) => p.seq - q.seq);
}
