import { readFile, stat } from 'node:fs/promises';
import { KeyshardError } from '../../../core/errors';
import { verifyTranscriptText } from '../../../core/transcript';
import type { VerifyResult, VerifyTextOptions } from '../../../core/transcript';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';

/** Far above any real ceremony (a few hundred KB); refuses to load something that is clearly not a transcript. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

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

function witnessList(ids: readonly string[]): string {
  return ids.length === 0 ? 'not signed' : `signed by ${ids.join(', ')}`;
}

function humanSummary(result: Extract<VerifyResult, { ok: true }>): string {
  const signersOf = new Map(result.signoffs.map((s) => [s.seq, s.witnesses.map((w) => w.id)]));
  const kindWidth = Math.max(...result.entries.map((e) => e.kind.length), 4);
  const seqWidth = String(result.entries.length).length;
  const lines = [
    `Transcript of ceremony "${result.ceremonyId}": ${result.entries.length} entries; every link and signature holds.`,
    result.witnessesPinned
      ? `Witness keys pinned by the plan: ${result.witnesses.map((w) => `${w.id} (${w.algorithm})`).join(', ') || 'none'}.`
      : 'The plan lists no witness keys, so sign-offs were checked but their keys are not pinned to named witnesses.',
    '',
  ];
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
  lines.push(
    '',
    `Final hash: ${result.headHash}`,
    'Compare it with the final hash on the paper record: a transcript cut short after its last entry still verifies.',
    '',
  );
  return lines.join('\n');
}

export const transcriptVerifyCommand: CliCommand = {
  group: 'transcript',
  action: 'verify',
  summary: 'check a ceremony transcript: every hash link and witness signature',
  help: [
    'Usage: keyshard transcript verify FILE [--final-hash HEX] [--ignore-layout] [--json]',
    '',
    'Checks the ceremony transcript FILE: its format, that every entry links to the one before it and matches its',
    'hash, and that every witness sign-off verifies (against the keys the plan lists, when it lists them).',
    'Exits 0 and prints a summary when everything holds; otherwise exits 1 and names the first bad entry.',
    '',
    '  --final-hash HEX  the final hash written on the paper record; detects entries removed from the end',
    '  --ignore-layout   accept a file that was re-formatted (whitespace) as long as its content verifies',
    '  --json            print {"valid", "ceremonyId", "entries", "headHash", "signoffs"} or',
    '                    {"valid": false, "firstBadSeq", "code", "reason"} on stdout',
  ].join('\n'),
  options: { values: ['final-hash'], booleans: ['json', 'ignore-layout'], positionals: { min: 1, max: 1, names: 'FILE, the transcript to check' } },
  async run(args, io: CliIo): Promise<number> {
    const path = args.positionals[0]!;
    const finalHash = args.values.get('final-hash');
    if (finalHash !== undefined && !/^[0-9a-fA-F]{64}$/.test(finalHash)) {
      throw new KeyshardError('INVALID_ARGUMENT', '--final-hash must be the 64 hex digits written on the paper record.', { usage: true });
    }
    const bytes = await readTranscriptFile(path);
    const options: VerifyTextOptions = {
      exactLayout: args.booleans.get('ignore-layout') !== true,
      ...(finalHash === undefined ? {} : { expectedHeadHash: finalHash }),
    };
    const result = verifyTranscriptBytes(bytes, options);
    if (args.booleans.get('json') === true) {
      const out = result.ok
        ? {
            valid: true,
            ceremonyId: result.ceremonyId,
            entries: result.entries.length,
            headHash: result.headHash,
            witnessesPinned: result.witnessesPinned,
            signoffs: result.signoffs,
          }
        : {
            valid: false,
            ...(result.ceremonyId === undefined ? {} : { ceremonyId: result.ceremonyId }),
            ...(result.entryCount === undefined ? {} : { entries: result.entryCount }),
            firstBadSeq: result.firstBadSeq,
            code: result.code,
            reason: result.reason,
          };
      io.stdout(`${JSON.stringify(out)}\n`);
      return result.ok ? 0 : 1;
    }
    if (!result.ok) {
      io.stderr(`keyshard: ${result.code}: ${result.reason}\n`);
      return 1;
    }
    io.stdout(humanSummary(result));
    return 0;
  },
};

/** Register these in electron/cli/commands/index.ts. */
export const transcriptCommands: readonly CliCommand[] = [transcriptVerifyCommand];
