import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { annotatedScript, annotatedScriptText } from '../../../core/ceremony-kinds/annotated';
import { parsePlan, type CeremonyPlan } from '../../../core/policy';
import { isRecordedPlan } from '../../../core/ceremony-kinds/recorded-plan';
import { checkKindSteps } from '../../../core/ceremony-kinds/transcript-steps';
import type { CeremonyKind } from '../../../core/ceremony-kinds/types';
import { KeyshardError } from '../../../core/errors';
import { checkKindContent } from '../../../core/kind-content';
import { checkLifecycleTranscript } from '../../../core/lifecycle/transcript';
import { checkExtendTranscript } from '../../../core/extend/transcript';
import {
  expectedFromTranscript,
  parseFinalHashInput,
  parseWitnessKeyFingerprintInput,
  shortDisplay,
  signoffsWithKeys,
  type ExpectedFingerprint,
  type SignoffWithKey,
  type TranscriptTrustOptions,
} from '../../../core/recovery-trust';
import { spokenText } from '../../../core/read-aloud';
import { MAX_TRANSCRIPT_BYTES, verifyTranscriptText } from '../../../core/transcript';
import { paperHashEntry, transcriptEnd, verifyAgainstPaper, type TranscriptEnd } from '../../../core/transcript-status';
import type { VerifyOk, VerifyResult, VerifyTextOptions } from '../../../core/transcript';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';

/** The same cap as the app's (core/transcript): a 16 x 16 ceremony is about 1.2 MB. */
const MAX_FILE_BYTES = MAX_TRANSCRIPT_BYTES;

/**
 * Verifies a transcript file's bytes exactly as the CLI does: strict UTF-8 (a byte-order mark or an invalid sequence
 * is a change to the file), then verifyTranscriptText.
 */
export function verifyTranscriptBytes(bytes: Uint8Array, options: VerifyTextOptions = {}): VerifyResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      firstBadSeq: null,
      code: 'TRANSCRIPT_FORMAT',
      reason: "This is not a readable keyshard transcript: the file is not valid UTF-8 text (it may be damaged). Use the original file from the ceremony's USB stick.",
    };
  }
  return verifyTranscriptText(text, options);
}

async function readTranscriptFile(path: string): Promise<Uint8Array> {
  const cannot = (why: string): KeyshardError =>
    new KeyshardError('INVALID_ARGUMENT', `Cannot read the transcript file "${path}": ${why}. Check the path (the ceremony writes transcript.json on its USB stick).`);
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw cannot('it is a directory, not a file');
    if (info.size > MAX_FILE_BYTES) {
      throw new KeyshardError('TRANSCRIPT_FORMAT', `"${path}" is ${info.size} bytes, far larger than any ceremony transcript; it is not a transcript file.`);
    }
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof KeyshardError) throw e;
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw cannot('it does not exist');
    if (code === 'EACCES' || code === 'EPERM') throw cannot('permission denied');
    throw cannot(`the system refused (${typeof code === 'string' ? code : 'unknown error'})`);
  }
}

/**
 * The plan the transcript ran under (for the script's numbers and names): --plan, else plan.json beside the
 * transcript, as the ceremony saves it. It must be the plan the transcript recorded (its SHA-256 in entry 1).
 */
async function planFor(result: VerifyOk, transcriptPath: string, given: string | undefined): Promise<CeremonyPlan> {
  const path = given ?? join(dirname(transcriptPath), 'plan.json');
  let plan: CeremonyPlan;
  try {
    const info = await stat(path);
    if (info.size > 1024 * 1024) throw new KeyshardError('POLICY_INVALID', `"${path}" is far larger than any plan.`);
    plan = parsePlan(JSON.parse(await readFile(path, 'utf8')) as unknown);
  } catch (e) {
    if (e instanceof KeyshardError) throw e;
    const code = (e as { code?: unknown }).code;
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      code === 'ENOENT'
        ? `The annotated script needs the ceremony's plan: "${path}" does not exist. Pass it with --plan (the ceremony saves plan.json beside transcript.json).`
        : `Cannot read the plan "${path}": it is not a readable JSON plan. Pass the ceremony's plan.json with --plan.`,
    );
  }
  if (!isRecordedPlan(result.entries, plan)) {
    throw new KeyshardError('POLICY_INVALID', `"${path}" is not the plan this transcript recorded (its SHA-256 differs from entry 1's). Pass the ceremony's own plan.json with --plan.`);
  }
  return plan;
}

function witnessList(ids: readonly string[]): string {
  return ids.length === 0 ? 'not signed' : `signed by ${ids.join(', ')}`;
}

function usage(e: unknown, flag: string): never {
  if (e instanceof KeyshardError) throw new KeyshardError('INVALID_ARGUMENT', `${flag}: ${e.message}`, { usage: true });
  throw e;
}

/** Each distinct witness key that signed, with its fingerprint and whether the team pinned it. */
function signingKeys(all: readonly SignoffWithKey[]): { id: string; algorithm: string; keyFingerprint: string; pinned: boolean }[] {
  const seen = new Map<string, { id: string; algorithm: string; keyFingerprint: string; pinned: boolean }>();
  for (const s of all) if (!seen.has(s.keyFingerprint)) seen.set(s.keyFingerprint, { id: s.witnessId, algorithm: s.algorithm, keyFingerprint: s.keyFingerprint, pinned: s.pinned });
  return [...seen.values()];
}

/** The transcript's fingerprint and where its trust comes from, or why it has none to give. */
function fingerprintTrust(result: VerifyOk, options: TranscriptTrustOptions): { expected: ExpectedFingerprint } | { problem: string } {
  try {
    return { expected: expectedFromTranscript(result, options) };
  } catch (e) {
    if (e instanceof KeyshardError && e.code === 'TRANSCRIPT_FORMAT') return { problem: e.message };
    throw e;
  }
}

function trustLines(trust: ReturnType<typeof fingerprintTrust>): string[] {
  if ('problem' in trust) return [`Key fingerprint: none a recovery could use. ${trust.problem}`];
  const e = trust.expected;
  const head = `Key fingerprint: ${e.fingerprint} (read aloud: ${shortDisplay(e.fingerprint)}; in words: ${spokenText(e.fingerprint)})`;
  const pinnedSigners = [...new Set(e.bindingSignoffs.filter((b) => b.pinned).map((b) => `${b.witnessId} over the ${b.targetKind}`))];
  switch (e.source) {
    case 'final-hash':
      return [head, '  verified: the final hash matches the one given with --final-hash.'];
    case 'witness-keys':
      return [head, `  verified: signed with a pinned witness key (${pinnedSigners.join(', ')}).`];
    case 'transcript-unfinished':
      return [head, `  NOT verified: ${e.statusWhy ?? 'the ceremony did not finish.'} Nothing typed or pinned vouches for an unfinished ceremony's key.`];
    default:
      return [
        head,
        '  NOT verified: anyone can write a transcript that links and is signed by keys of their own. To verify it,',
        '  pass the final hash from the paper record (--final-hash), or pin the witness keys by the fingerprints the',
        '  team recorded (--witness-key).',
        ...(e.unmatchedPins.length > 0 ? [`  These pinned keys signed no split or seal step: ${e.unmatchedPins.join(', ')}.`] : []),
      ];
  }
}

/**
 * A refresh or repair records no split and so no key fingerprint; it says which key it kept and what it worked on:
 * the group key, the commitments it leaves in force (checked by the content check), and the transcript it cites.
 */
function lifecycleLines(result: VerifyOk): string[] {
  const check = checkLifecycleTranscript(result);
  if (!check.ok) return [];
  const source = check.source;
  return [
    `Group key (unchanged): ${check.groupPublicKey}`,
    `Commitments left in force: ${check.commitments.length} (threshold ${check.commitments.length}); every share recorded here was checked against them.`,
    ...(source === null ? [] : [`Works on: "${source.ceremonyId}" (${source.ceremonyKind}), final hash ${source.finalHash}: compare it with that ceremony's paper record.`]),
  ];
}

/**
 * A SLIP-39 extension records no split either: it names the key ceremony it extends and each new share's fingerprint
 * (the public record of that share; the custody check does not read extension transcripts yet).
 */
function extendLines(result: VerifyOk): string[] {
  const check = checkExtendTranscript(result);
  if (!check.ok) return [];
  return [
    `Extends group ${check.group + 1} of SLIP-39 backup ${check.identifier} of "${check.source.ceremonyId}", final hash ${check.source.finalHash}: compare it with that ceremony's paper record.`,
    ...check.shares.map((x) => `  New share: ${x.custodianId}, member ${x.member + 1}, shard fingerprint ${x.shardFingerprint}`),
  ];
}

function humanSummary(
  kind: CeremonyKind,
  result: VerifyOk,
  end: TranscriptEnd,
  all: readonly SignoffWithKey[],
  trust: ReturnType<typeof fingerprintTrust>,
  finalHashGiven: boolean,
  pinsGiven: boolean,
  paper: ReturnType<typeof paperHashEntry> = null,
): string {
  const signersOf = new Map(result.signoffs.map((s) => [s.seq, s.witnesses.map((w) => w.id)]));
  const kindWidth = Math.max(...result.entries.map((e) => e.kind.length), 4);
  const seqWidth = String(result.entries.length).length;
  // A key ceremony's first line reads as it always has; another kind names itself.
  const what = kind.id === 'key-ceremony' ? '' : ` (${kind.title})`;
  const lines = [
    end.status === 'sealed'
      ? `Transcript of ceremony "${result.ceremonyId}"${what}: ${result.entries.length} entries; every link and signature holds. Sealed at entry ${end.sealSeq}${end.receiptsAfterSeal === 0 ? '' : `, with ${end.receiptsAfterSeal} custody receipt${end.receiptsAfterSeal === 1 ? '' : 's'} after the seal`}.`
      : `Transcript of ceremony "${result.ceremonyId}"${what}: ${result.entries.length} entries, NOT SEALED${end.status === 'aborted' ? ' (ABORTED)' : ''}: ${end.why ?? ''} ` +
        'The links and signatures of these entries hold, but it is not a finished ceremony\'s record.',
    result.witnessesPinned
      ? `Witness keys listed in the plan: ${result.witnesses.map((w) => `${w.id} (${w.algorithm})`).join(', ') || 'none'} (the plan is part of this file, so this alone proves nothing).`
      : 'The plan lists no witness keys, so sign-offs were checked but their keys are not named in the plan.',
  ];
  const keys = signingKeys(all);
  if (keys.length > 0) {
    lines.push('Keys that signed (key fingerprint; pin one with --witness-key):');
    const width = Math.max(...keys.map((k) => `${k.id} (${k.algorithm})`.length));
    for (const k of keys) {
      lines.push(`  ${`${k.id} (${k.algorithm})`.padEnd(width)}  ${k.keyFingerprint}  ${k.pinned ? 'pinned' : pinsGiven ? 'NOT pinned' : 'not pinned'}`);
    }
  } else {
    lines.push('No witness signed any entry.');
  }
  lines.push('');
  for (const e of result.entries) {
    let note: string;
    if (e.kind === 'signoff') {
      const d = e.data as { witness: { id: string }; target: { seq: number } };
      const target = result.entries[d.target.seq - 1];
      note = `${d.witness.id} signs entry ${d.target.seq}${target === undefined ? '' : ` (${target.kind})`}`;
    } else {
      note = witnessList(signersOf.get(e.seq) ?? []);
    }
    lines.push(`  \u2713 ${String(e.seq).padStart(seqWidth)}  ${e.kind.padEnd(kindWidth)}  ${e.at}  ${note}`);
  }
  lines.push('', ...(kind.id === 'refresh' || kind.id === 'repair' ? lifecycleLines(result) : kind.id === 'extend' ? extendLines(result) : trustLines(trust)), '', `Final hash: ${result.headHash}`, `  in words: ${spokenText(result.headHash)}`);
  lines.push(
    paper !== null
      ? `The final hash given with --final-hash is entry ${paper.seq}'s (the paper record's); after it come only ${paper.appended} sign-off or custody receipt entr${paper.appended === 1 ? 'y' : 'ies'} appended since (${paper.receipts} receipt${paper.receipts === 1 ? '' : 's'}), each checked.`
      : finalHashGiven
      ? 'It matches the final hash given with --final-hash.'
      : 'Compare it with the final hash on the paper record (or pass it with --final-hash): a transcript cut short after its last entry still links.',
    '',
  );
  return lines.join('\n');
}

export const transcriptVerifyCommand: CliCommand = {
  group: 'transcript',
  action: 'verify',
  summary: 'check a ceremony transcript: links, witness signatures, seal, pinned witness keys',
  help: [
    'Usage: keyshard transcript verify FILE [--final-hash HEX] [--witness-key FP]... [--allow-unsealed] [--ignore-layout] [--json]',
    '       keyshard transcript verify FILE --script [--plan PLAN] [--final-hash HEX] [--allow-unsealed]',
    '',
    'Checks the ceremony transcript FILE: its format, that every entry links to the one before it and matches its',
    'hash, that every witness sign-off verifies (against the keys the plan lists, when it lists them), and that the',
    'transcript reaches its seal. Lists which steps are signed, by which witness key (by its fingerprint), and',
    'whether the recorded key fingerprint is verified: by the final hash from the paper record, or by a sign-off of',
    'the split or seal step with a witness key you pin (only for a sealed transcript). The steps must be those of the',
    'ceremony kind the plan names (key ceremony, refresh, repair, ...), in its order. Exits 0 when everything holds; 1',
    'when something does not (naming the first bad entry), or when the transcript ends before its seal (TRANSCRIPT_UNSEALED).',
    '',
    '  --final-hash HEX     the final hash written on the paper record (64 hex digits, spaces allowed, or its 20 words); detects',
    '                       entries removed from the end, and verifies the recorded fingerprint',
    '  --witness-key FP     a witness key fingerprint the team recorded (64 hex digits, or the first 32); repeatable',
    '  --allow-unsealed     list a transcript that ends before its seal (a ceremony that did not finish), exit 0',
    '  --script             print the annotated script instead: each numbered step with its time, who acted, the witness',
    '                       signatures and the exceptions under it, the participants\' sign-off lines and the final hash (the',
    '                       same as the page the app prints)',
    '  --plan PLAN          the plan the ceremony ran under, for --script (default: plan.json beside FILE)',
    '  --ignore-layout      accept a file that was re-formatted (whitespace) as long as its content verifies',
    '  --json               print {"valid","ceremonyId","ceremonyKind","entries","headHash","headHashWords","sealed","finalHashMatches","witnessKeys",',
    '                       "signoffs","fingerprint"} on stdout; a failure is {"error":{"code","message"}} on stderr',
  ].join('\n'),
  options: {
    values: ['final-hash', 'plan'],
    repeatable: ['witness-key'],
    booleans: ['json', 'ignore-layout', 'allow-unsealed', 'script'],
    positionals: { min: 1, max: 1, names: 'FILE, the transcript to check' },
  },
  async run(args, io: CliIo): Promise<number> {
    const path = args.positionals[0]!;
    const typedFinalHash = args.values.get('final-hash');
    let finalHash: string | undefined;
    try {
      finalHash = typedFinalHash === undefined ? undefined : parseFinalHashInput(typedFinalHash);
    } catch (e) {
      usage(e, '--final-hash');
    }
    const pins: string[] = [];
    for (const typed of args.lists.get('witness-key') ?? []) {
      try {
        pins.push(parseWitnessKeyFingerprintInput(typed));
      } catch (e) {
        usage(e, '--witness-key');
      }
    }
    const bytes = await readTranscriptFile(path);
    const exactLayout = args.booleans.get('ignore-layout') !== true;
    // The paper's hash may be the seal's (or a later sign-off's) with custody receipts appended since.
    const { result, paper } = verifyAgainstPaper((o) => verifyTranscriptBytes(bytes, { ...o, exactLayout }), finalHash);
    if (!result.ok) {
      throw new KeyshardError(result.code, result.reason, { firstBadSeq: result.firstBadSeq, ...(result.entryCount === undefined ? {} : { entries: result.entryCount }) });
    }
    // The steps against the catalogue of the kind the plan names (a key ceremony when it names none).
    const steps = checkKindSteps(result.entries);
    if (!steps.ok) {
      throw new KeyshardError('TRANSCRIPT_FORMAT', `${steps.reason} Use the original file from the ceremony's USB stick.`, { firstBadSeq: steps.firstBadSeq, entries: result.entries.length });
    }
    // What the chain cannot prove: the kind's recorded facts agree with each other (a refresh's shares with its commitments).
    const content = checkKindContent(steps.kind.id, result);
    if (!content.ok) throw new KeyshardError('TRANSCRIPT_TAMPERED', content.reason, { firstBadSeq: content.firstBadSeq, entries: result.entries.length });
    // Sealed as core/ceremony replays it: the seal with its required sign-offs, only sign-offs after it, no abort.
    const end = transcriptEnd(result);
    if (end.brokenSeq !== null && end.brokenCode !== null) {
      throw new KeyshardError(end.brokenCode, `${end.why ?? ''}`, { firstBadSeq: end.brokenSeq, entries: result.entries.length });
    }
    const sealed = end.status === 'sealed';
    if (!sealed && args.booleans.get('allow-unsealed') !== true) {
      const last = result.entries[result.entries.length - 1]!;
      throw new KeyshardError(
        'TRANSCRIPT_UNSEALED',
        `Not sealed: ${end.why ?? ''} ` +
          "Its links and signatures up to there hold, but it is not a ceremony's complete record. Use the sealed transcript from the ceremony's USB stick, or pass --allow-unsealed to list it anyway.",
        { entries: result.entries.length, lastSeq: last.seq, lastKind: last.kind, status: end.status },
      );
    }
    if (args.booleans.get('script') === true) {
      // The same core model as the printed annotated script (renderer/ceremony/parts/AnnotatedScript.tsx).
      const plan = await planFor(result, path, args.values.get('plan'));
      io.stdout(annotatedScriptText(annotatedScript(steps.kind, plan, result)));
      return 0;
    }
    const all = signoffsWithKeys(result, pins);
    // As typed: core reads hex or the words to read aloud again (parsed, words become 32 digits, not a final hash's 64).
    const trust = fingerprintTrust(result, { ...(typedFinalHash === undefined ? {} : { finalHash: typedFinalHash }), witnessKeys: pins });
    if (args.booleans.get('json') === true) {
      const out = {
        valid: true,
        ceremonyId: result.ceremonyId,
        ceremonyKind: steps.kind.id,
        entries: result.entries.length,
        headHash: result.headHash,
        // Both as words to read aloud too (core/read-aloud: the first 128 bits as Bytewords with their CRC-32).
        headHashWords: spokenText(result.headHash),
        sealed,
        status: end.status,
        finalHashMatches: finalHash === undefined ? null : true,
        finalHashEntry: paper === null ? null : paper.seq,
        receiptsAfterSeal: end.receiptsAfterSeal,
        witnessesPinned: result.witnessesPinned,
        witnessKeys: signingKeys(all),
        signoffs: result.signoffs.map((step) => ({
          seq: step.seq,
          kind: step.kind,
          witnesses: all.filter((s) => s.targetSeq === step.seq).map((s) => ({ id: s.witnessId, algorithm: s.algorithm, keyFingerprint: s.keyFingerprint, pinned: s.pinned, signoffSeq: s.signoffSeq })),
        })),
        fingerprint: 'problem' in trust ? null : { hex: trust.expected.fingerprint, words: spokenText(trust.expected.fingerprint), source: trust.expected.source, verified: trust.expected.verified },
        unmatchedPins: 'problem' in trust ? pins.filter((p) => !all.some((s) => s.keyFingerprint.startsWith(p))) : trust.expected.unmatchedPins,
      };
      io.stdout(`${JSON.stringify(out)}\n`);
      return 0;
    }
    io.stdout(humanSummary(steps.kind, result, end, all, trust, finalHash !== undefined, pins.length > 0, paper));
    return 0;
  },
};

/** Register these in electron/cli/commands/index.ts. */
export const transcriptCommands: readonly CliCommand[] = [transcriptVerifyCommand];
