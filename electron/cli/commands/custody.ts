/**
 * `keyshard custody check`, `keyshard custody drill` and `keyshard custody append` (issue 17.1).
 *
 * check: one custodian's shard against the ceremony's transcript alone (core/custody/check.ts): no other shard, no key
 * rebuilt. Prints a receipt; `--witness-key FILE` has a witness sign it (their encrypted key file, opened with their
 * passphrase for this one signature) so it can be appended to the transcript later.
 *
 * drill: a quorum rebuilds the key in memory (exactly as `keyshard recover` does, which this runs without --reveal or
 * --out), and only the public fingerprint is shown, compared with the transcript's; the key is wiped.
 *
 * append: a signed receipt becomes a custody-receipt entry after the transcript's seal, written to a new file
 * (core/custody/append.ts; core/transcript-status checks it whenever the transcript is read).
 */
import { KeyshardError } from '../../../core/errors';
import { appendCustodyReceipt, checkCustody, checkCustodyOfWords, custodyReceipt, signCustodyReceipt, type CustodyReceipt, type SignedCustodyReceipt } from '../../../core/custody/index';
import { shortDisplay, transcriptFingerprint, witnessKeyFingerprint } from '../../../core/recovery-trust';
import { custodyCheckTranscript } from '../../../core/custody/transcript';
import { drillTranscript } from '../../../core/drill/transcript';
import { MAX_TRANSCRIPT_BYTES, TRANSCRIPT_FORMAT_NAME, TRANSCRIPT_VERSION, serializeTranscript, type Transcript, type VerifyOk, type WitnessSigner } from '../../../core/transcript';
import { type ParsedArgs, parseArgs, requireValue } from '../args';
import type { CliCommand } from '../command';
import { readInputFile, writeNewFile } from '../files';
import type { CliIo } from '../io';
import { SHARD_KEY_HELP, SHARD_KEY_OPTIONS, type ShardOpenerDeps, createShardOpener } from '../shard-files';
import { createRecoverCommands } from './recover';
import { withWitnessKeyFile } from '../witness-signer';
import { verifyTranscriptBytes } from './transcript';
import { EXTENSION_HELP, EXTENSION_OPTION, readExtensions } from '../extension-files';
import { drillOfWords, sharesOfFiles, sharesOfLines } from '../drill-words';

export interface CustodyCliDeps {
  readonly shardOpener?: ShardOpenerDeps;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

const defaultDeps: CustodyCliDeps = { env: process.env, now: () => new Date() };

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** The transcript, verified (strict UTF-8, exact layout, bounded read) before anything is compared with it. */
async function verifiedTranscript(path: string): Promise<VerifyOk> {
  const v = verifyTranscriptBytes(await readInputFile(path, MAX_TRANSCRIPT_BYTES));
  if (!v.ok) {
    throw new KeyshardError(v.code, `The transcript ${path} does not verify${v.firstBadSeq === null ? '' : ` (entry ${v.firstBadSeq})`}: ${v.reason} Nothing was checked against it.`, { seq: v.firstBadSeq });
  }
  return v;
}

/** A SLIP-39 share's words: standard input (lines joined), else typed unseen at the terminal. */
async function typedWords(io: CliIo): Promise<string> {
  const piped = (await io.readStdin()).split(/\s+/).filter((w) => w !== '');
  if (piped.length > 0) {
    // A share has at most 59 words; more is not one share.
    if (piped.length > 64) throw new KeyshardError('INVALID_ARGUMENT', `Standard input holds ${piped.length} words, but one SLIP-39 share has at most 59. Give one share's words.`);
    return piped.join(' ');
  }
  if (io.terminal === undefined) throw usage('--words reads the share\'s words on standard input (or asks for them at a terminal); none were given.');
  return io.terminal.hidden('The shard\'s words (not shown): ');
}

const RESULT_TEXT = {
  verified: 'VERIFIED',
  unverified: 'UNVERIFIED',
} as const;

/** The custody check's own transcript id: the key ceremony's id, the custodian and the time, within 128 characters. */
function custodyCheckId(r: CustodyReceipt): string {
  return `custody-${r.checkedAt.replace(/[:.]/g, '')}-${r.custodianId}-${r.ceremonyId}`.slice(0, 128);
}

function checkLines(r: CustodyReceipt, signed: SignedCustodyReceipt | undefined, out: string | undefined, transcriptOut?: string, transcript?: Transcript | null): string[] {
  const against = r.checkedAgainst === 'commitments' ? "the ceremony's commitments and the handoff record" : 'the shard fingerprint recorded at handoff';
  const x = r.extension;
  return [
    x === undefined
      ? `${RESULT_TEXT[r.result]}: the shard of custodian #${r.custodianIndex + 1} (${r.label}, ${r.custodianId}) is the one the transcript records, checked against ${against}.`
      : `${RESULT_TEXT[r.result]}: the shard of ${r.custodianId} (member ${x.member + 1} of group ${x.group + 1}) is the one share extension ${x.ceremonyId} handed over, checked against the shard fingerprint its seal records.`,
    r.result === 'verified'
      ? x === undefined
        ? '  The transcript is the one the paper record describes (its final hash was typed from it).'
        : "  Both transcripts are the ones their paper records describe (the key ceremony's and the extension's final hashes were typed from them)."
      : r.source === 'transcript-unfinished'
        ? '  But the transcript is of a ceremony that was aborted or did not reach its seal.'
        : x !== undefined && r.source === 'transcript-unsigned'
          ? "  But nothing the team holds vouches for the transcripts: give --final-hash HEX and --extension FILE:HASH from the paper records."
          : '  But nothing the team holds vouches for this transcript: give --final-hash HEX from the paper record.',
    `Ceremony:          ${r.ceremonyId}`,
    ...(x === undefined ? [] : [`Extension:         ${x.ceremonyId} (final hash ${x.finalHash})`]),
    `Shard fingerprint: ${r.shardFingerprint}`,
    `Final hash:        ${r.transcriptFinalHash}`,
    `Checked at:        ${r.checkedAt}`,
    ...(signed === undefined ? [] : [`Signed by witness ${signed.witness.id} (key fingerprint ${shortDisplay(witnessKeyFingerprint(signed.witness.algorithm, signed.witness.publicKey))}).`]),
    ...(out === undefined ? [] : [`Receipt written to ${out}.`]),
    ...(transcriptOut === undefined || transcript == null
      ? []
      : [`Custody-check transcript written to ${transcriptOut} (final hash ${transcript.entries[transcript.entries.length - 1]!.hash}): keyshard transcript verify checks it.`]),
    '',
  ];
}

export function createCustodyCommands(overrides: Partial<CustodyCliDeps> = {}): readonly CliCommand[] {
  const deps: CustodyCliDeps = { ...defaultDeps, ...overrides };
  const check: CliCommand = {
    group: 'custody',
    action: 'check',
    summary: "check one custodian's shard against the ceremony transcript alone (no other shard, no key rebuilt)",
    help: [
      'Usage: keyshard custody check --transcript FILE [--final-hash HEX] [key options]',
      '                              [--witness-key FILE [--passphrase-env VAR]] [--out FILE] [--json] SHARD | --words',
      '       keyshard custody check --transcript FILE [--final-hash HEX] --extension EXT.json[:HASH]... --words',
      '',
      "Checks the custodian's shard against the ceremony's public record, without any other shard and without",
      'rebuilding the key: a verifiable share against the commitments the transcript recorded at the split (and the',
      'identifiers handed to this custodian); a SLIP-39 shard against the shard fingerprint recorded at its handoff.',
      'Prints a receipt. The result is "verified" only when the transcript is vouched for by the final hash typed from',
      'the paper record (--final-hash) and the ceremony was sealed; otherwise "unverified".',
      '',
      'Options:',
      '  --transcript FILE    the ceremony transcript (verified first: links, signatures, layout)',
      '  --final-hash HEX     the final hash from the paper record',
      '  --words              a SLIP-39 shard typed as its words instead of a SHARD file: read on standard input, or',
      '                       typed unseen at the terminal; the custodian is the one whose handoff recorded them',
      ...EXTENSION_HELP,
      '                       (with --words: an extended member holds words, not a shard file)',
      ...SHARD_KEY_HELP,
      "  --witness-key FILE   a witness's encrypted key file (keyshard witness keygen): the witness signs the receipt,",
      '                       typing their passphrase (or --passphrase-env VAR names the variable holding it)',
      '  --out FILE           also write the receipt JSON to FILE (a new file), to append to the transcript later',
      "  --transcript-out FILE  write the check as a sealed transcript of its own (ceremony kind custody-check), citing the",
      "                       key ceremony's final hash; signed by the witness with --witness-key; a new file",
      '  --json               the receipt: {"format","version","ceremonyId","custodianIndex","custodianId","label",',
      '                       "scheme","checkedAt","shardFingerprint","transcriptFinalHash","checkedAgainst","result",',
      '                       "source"}; signed: {"receipt":{...},"witness":{"id","algorithm","publicKey"},"signature"}',
      '',
      'Exit 0 when the shard is the one recorded; exit 1 with CUSTODY_MISMATCH (the shard differs from the record:',
      'details.reason says in what), CUSTODY_OTHER_CEREMONY, CUSTODY_NOT_RECORDED (the transcript predates shard',
      'fingerprints: use custody drill), FINAL_HASH_MISMATCH, or the code of a file that cannot be read.',
    ].join('\n'),
    options: {
      values: [...SHARD_KEY_OPTIONS.values, 'transcript', 'final-hash', 'witness-key', 'passphrase-env', 'out', 'transcript-out'],
      repeatable: [...SHARD_KEY_OPTIONS.repeatable, EXTENSION_OPTION],
      booleans: ['json', 'words'],
      positionals: { min: 0, max: 1, names: 'one SHARD file (or --words)' },
    },
    async run(args, io) {
      const transcriptPath = requireValue(args, 'transcript');
      const words = args.booleans.get('words') === true;
      if (words === (args.positionals.length === 1)) throw usage('Give one SHARD file, or --words to type a SLIP-39 shard\'s words; not both.');
      const witnessKey = args.values.get('witness-key');
      if (args.values.has('passphrase-env') && witnessKey === undefined) throw usage('--passphrase-env is the witness passphrase: give it with --witness-key FILE.');
      const finalHash = args.values.get('final-hash');
      if (!words && args.lists.has(EXTENSION_OPTION)) throw usage('--extension goes with --words: a member an extension added holds words, not a shard file.');
      const transcript = await verifiedTranscript(transcriptPath);
      const trust = finalHash === undefined ? {} : { finalHash };
      let receipt: CustodyReceipt;
      if (words) {
        const extensions = await readExtensions(args, transcript);
        receipt = custodyReceipt(checkCustodyOfWords(transcript, await typedWords(io), trust, extensions), deps.now());
      } else {
        const opener = await createShardOpener(args, deps.shardOpener);
        let opened;
        try {
          opened = await opener.open(args.positionals[0]!);
        } finally {
          await opener.close();
        }
        try {
          receipt = custodyReceipt(checkCustody(transcript, opened.envelope, trust), deps.now());
        } finally {
          opened.envelope.payload.fill(0);
        }
      }
      const transcriptOut = args.values.get('transcript-out');
      const finished = receipt;
      const { signed, transcript: written } = await (witnessKey === undefined
        ? record(finished, undefined)
        : withWitnessKeyFile(witnessKey, args, io, deps.env, (signer) => record(finished, signer)));
      const json = JSON.stringify(signed ?? receipt);
      const out = args.values.get('out');
      if (out !== undefined) await writeNewFile(out, `${json}\n`, 'the receipt');
      if (transcriptOut !== undefined && written !== null) await writeNewFile(transcriptOut, serializeTranscript(written), 'the custody-check transcript');
      io.stdout(args.booleans.get('json') === true ? `${json}\n` : checkLines(receipt, signed, out, transcriptOut, written).join('\n'));
      return 0;

      /** The receipt signed by the witness, and the custody check's own transcript when --transcript-out asks for it. */
      async function record(r: CustodyReceipt, signer: WitnessSigner | undefined): Promise<{ signed: SignedCustodyReceipt | undefined; transcript: Transcript | null }> {
        if (transcriptOut === undefined) return { signed: signer === undefined ? undefined : await signCustodyReceipt(r, signer), transcript: null };
        const made = await custodyCheckTranscript({
          ceremonyId: custodyCheckId(r),
          clock: deps.now,
          label: `Custody check of ${r.custodianId}'s shard`,
          receipt: r,
          ...(signer === undefined ? {} : { witness: signer }),
        });
        return { signed: made.signed ?? undefined, transcript: made.transcript };
      }
    },
  };

  const drill: CliCommand = {
    group: 'custody',
    action: 'drill',
    summary: "quorum drill: rebuild the key in memory from a quorum's shards, show only its fingerprint against the transcript's, wipe it",
    help: [
      'Usage: keyshard custody drill --transcript FILE [--final-hash HEX] [key options] [--passphrase-env VAR] [--json]',
      '                              FILE|DIR...',
      '       keyshard custody drill --transcript FILE [--final-hash HEX] [--extension EXT.json[:HASH]]... --words',
      '                              [key options] [--passphrase-env VAR] [--json] [FILE...] < quorum.txt',
      '',
      "A rehearsal of recovery: the quorum's shard files are opened and combined in memory exactly as keyshard recover",
      "does, the key's public fingerprint is compared with the one the transcript recorded, and the key is wiped.",
      'Nothing secret is printed or written, whatever the options.',
      '',
      'Options:',
      '  --transcript FILE     the ceremony transcript (verified first)',
      '  --final-hash HEX      the final hash from the paper record: without it the answer is at most "unverified"',
      '  --words               SLIP-39 shares as words on standard input, one share a line (beside any shard FILEs):',
      "                        each is checked against the record first (the handoffs, and the seals of the",
      '                        extensions given), so members a share extension added can take part',
      ...EXTENSION_HELP,
      ...SHARD_KEY_HELP,
      '  --passphrase-env VAR  the SLIP-39 passphrase, from the environment variable VAR (default: none)',
      "  --transcript-out FILE write the drill's own transcript (a new file, kind quorum-drill): its plan cites the",
      "                        key ceremony's final hash; it records the fingerprints compared and a seal, no share",
      "  --witness-key FILE    a witness's encrypted key file: the witness signs the drill's result and the seal",
      '                        (their passphrase typed, or from --witness-passphrase-env VAR)',
      '  --json                {"ceremonyId","scheme","fingerprint","expectedFingerprint","match":true,"result",',
      '                        "source","transcriptFinalHash","checkedAt"} (+ "skipped": folder files not opened)',
      '',
      'Exit 0 when the fingerprints match; exit 1 with FINGERPRINT_MISMATCH, BELOW_THRESHOLD (how many more of which',
      'group), FINAL_HASH_MISMATCH, or the code of a file that cannot be read.',
    ].join('\n'),
    options: {
      values: [...SHARD_KEY_OPTIONS.values, 'transcript', 'final-hash', 'passphrase-env', 'transcript-out', 'witness-key', 'witness-passphrase-env', 'label', 'ceremony-id'],
      repeatable: [...SHARD_KEY_OPTIONS.repeatable, EXTENSION_OPTION],
      booleans: ['json', 'words'],
      positionals: { min: 0, max: 256, names: 'the shard FILEs or a DIR holding them' },
    },
    async run(args, io) {
      const transcriptPath = requireValue(args, 'transcript');
      const out = args.values.get('transcript-out');
      if (out === undefined && (args.values.has('witness-key') || args.values.has('witness-passphrase-env'))) {
        throw new KeyshardError('INVALID_ARGUMENT', '--witness-key goes with --transcript-out (the drill transcript a witness signs).', { usage: true });
      }
      const words = args.booleans.get('words') === true;
      if (!words && args.lists.has(EXTENSION_OPTION)) throw usage('--extension goes with --words: members an extension added hold words, given on standard input.');
      if (!words && args.positionals.length === 0) throw usage("Give the quorum's shard FILEs or a DIR holding them, or --words with the shares on standard input.");
      let r: { scheme: string; fingerprint: string; verified: boolean; source: string; skipped?: { file: string; code: string }[] };
      if (words) {
        r = await drillWords(args, io, transcriptPath);
      } else {
        const recover = createRecoverCommands(deps.shardOpener)[0]!;
        // The same argv recover would get, minus anything that could print or write the key.
        const argv: string[] = ['--json', '--transcript', transcriptPath];
        for (const name of ['final-hash', 'passphrase-env', ...SHARD_KEY_OPTIONS.values]) {
          const v = args.values.get(name);
          if (v !== undefined) argv.push(`--${name}`, v);
        }
        for (const name of SHARD_KEY_OPTIONS.repeatable) for (const v of args.lists.get(name) ?? []) argv.push(`--${name}`, v);
        argv.push('--', ...args.positionals);
        let output = '';
        const code = await recover.run(parseArgs(argv, recover.options), { ...io, stdout: (t) => (output += t) });
        if (code !== 0) return code;
        r = JSON.parse(output) as typeof r;
      }
      const transcript = await verifiedTranscript(transcriptPath);
      // recover has refused already (FINGERPRINT_MISMATCH) unless they agree; compared again here from the file itself.
      const expected = transcriptFingerprint(transcript).fingerprint;
      if (expected !== r.fingerprint) throw new KeyshardError('FINGERPRINT_MISMATCH', "The rebuilt key's fingerprint is not the transcript's. Nothing was printed; the key was wiped.");
      const at = deps.now();
      let written: { file: string; finalHash: string } | null = null;
      if (out !== undefined) {
        const drill = { ceremonyId: transcript.ceremonyId, transcriptFinalHash: transcript.headHash, scheme: r.scheme, fingerprint: r.fingerprint, expectedFingerprint: expected, result: r.verified ? ('verified' as const) : ('unverified' as const) };
        const make = (witness: WitnessSigner | undefined) =>
          drillTranscript({
            ceremonyId: args.values.get('ceremony-id') ?? `drill-${at.toISOString().replace(/[:.]/g, '')}`,
            clock: deps.now,
            label: (args.values.get('label') ?? `Quorum drill of ${transcript.ceremonyId}`).slice(0, 200),
            drill,
            ...(witness === undefined ? {} : { witness }),
          });
        const key = args.values.get('witness-key');
        // The witness's passphrase has its own variable: --passphrase-env is the SLIP-39 passphrase here.
        const witnessArgs = { ...args, values: new Map([...(args.values.has('witness-passphrase-env') ? [['passphrase-env', args.values.get('witness-passphrase-env')!] as [string, string]] : [])]) };
        const t = key === undefined ? await make(undefined) : await withWitnessKeyFile(key, witnessArgs, io, deps.env, make);
        await writeNewFile(out, serializeTranscript(t), 'the drill transcript');
        written = { file: out, finalHash: t.entries[t.entries.length - 1]!.hash };
      }
      const result = {
        ceremonyId: transcript.ceremonyId,
        scheme: r.scheme,
        fingerprint: r.fingerprint,
        expectedFingerprint: expected,
        match: true,
        result: r.verified ? 'verified' : 'unverified',
        source: r.source,
        ...(r.skipped === undefined ? {} : { skipped: r.skipped }),
        transcriptFinalHash: transcript.headHash,
        checkedAt: at.toISOString(),
        ...(written === null ? {} : { transcript: written }),
      };
      if (args.booleans.get('json') === true) {
        io.stdout(`${JSON.stringify(result)}\n`);
        return 0;
      }
      io.stdout(
        [
          `${r.verified ? 'VERIFIED' : 'UNVERIFIED'}: the quorum rebuilt the ${r.scheme} key, and its fingerprint is the one the transcript records. The key was wiped.`,
          `Fingerprint: ${shortDisplay(r.fingerprint)}  (${r.fingerprint})`,
          r.verified ? '  The transcript is the one the paper record describes.' : '  But nothing the team holds vouches for this transcript: give --final-hash HEX from the paper record.',
          `Final hash:  ${transcript.headHash}`,
          ...(written === null ? [] : [`Drill transcript written to ${written.file} (final hash ${written.finalHash}); keyshard transcript verify checks it.`]),
          '',
        ].join('\n'),
      );
      return 0;
    },
  };
  const append: CliCommand = {
    group: 'custody',
    action: 'append',
    summary: "append a witness-signed custody receipt to the sealed key ceremony transcript, as a new file",
    help: [
      'Usage: keyshard custody append --transcript FILE --receipt RECEIPT --out NEW [--json]',
      '',
      "Appends the receipt a witness signed at a custody check (custody check --witness-key ... --out RECEIPT) to the",
      "key ceremony's sealed transcript, as an entry of kind custody-receipt after the seal, and writes the result to",
      'NEW (a new file: the sealed original stays as it is). The receipt is appended only when it holds: its signature',
      "verifies, it is this ceremony's, the final hash it was checked against is this transcript's at or after its seal,",
      'and its witness is one the plan pins (when the plan pins witness keys). The final hash on the paper record still',
      'verifies the new file: keyshard transcript verify NEW --final-hash HASH.',
      '',
      'Options:',
      '  --transcript FILE    the sealed key ceremony transcript (verified first)',
      '  --receipt RECEIPT    the signed receipt JSON: {"receipt":{...},"witness":{"id","algorithm","publicKey"},"signature"}',
      '  --out NEW            where to write the transcript with the receipt appended (a new file)',
      '  --json               {"file","entry","sealSeq","headHash"}',
      '',
      'Exit 0 when appended; exit 1 with TRANSCRIPT_UNSEALED, TRANSCRIPT_SIGNATURE (the receipt\'s signature or witness',
      'key does not hold), CUSTODY_OTHER_CEREMONY (another ceremony\'s receipt, or one checked against another transcript),',
      'or the code of a file that cannot be read or written.',
    ].join('\n'),
    options: { values: ['transcript', 'receipt', 'out'], booleans: ['json'] },
    async run(args, io) {
      const transcriptPath = requireValue(args, 'transcript');
      const receiptPath = requireValue(args, 'receipt');
      const out = requireValue(args, 'out');
      const v = await verifiedTranscript(transcriptPath);
      let signed: unknown;
      try {
        signed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readInputFile(receiptPath)));
      } catch (e) {
        if (e instanceof KeyshardError) throw e;
        throw new KeyshardError('INVALID_ARGUMENT', `The receipt ${receiptPath} is not JSON: give the file custody check --out wrote with --witness-key.`);
      }
      const file: Transcript = { format: TRANSCRIPT_FORMAT_NAME, version: TRANSCRIPT_VERSION, ceremonyId: v.ceremonyId, entries: v.entries };
      const appended = appendCustodyReceipt(file, signed, deps.now);
      await writeNewFile(out, serializeTranscript(appended.transcript), 'the transcript with the receipt');
      io.stdout(
        args.booleans.get('json') === true
          ? `${JSON.stringify({ file: out, entry: appended.seq, sealSeq: appended.sealSeq, headHash: appended.headHash })}\n`
          : [
              `Custody receipt appended as entry ${appended.seq} (custody-receipt), after the seal (entry ${appended.sealSeq}).`,
              `Written to ${out}; the original ${transcriptPath} is unchanged.`,
              `New final hash: ${appended.headHash}`,
              "The paper record's final hash still verifies it: keyshard transcript verify NEW --final-hash HASH.",
              '',
            ].join('\n'),
      );
      return 0;
    },
  };
  return [check, drill, append];

  /** --words: the shares on standard input (and any shard files), checked against the record, then combined. */
  async function drillWords(args: ParsedArgs, io: CliIo, transcriptPath: string) {
    const transcript = await verifiedTranscript(transcriptPath);
    const extensions = await readExtensions(args, transcript);
    const passphraseVar = args.values.get('passphrase-env');
    if (passphraseVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(passphraseVar)) throw usage('--passphrase-env takes the NAME of an environment variable.');
    const passphrase = passphraseVar === undefined ? '' : (deps.env[passphraseVar] ?? '');
    if (passphraseVar !== undefined && passphrase === '') throw usage(`The environment variable ${passphraseVar} (from --passphrase-env) is not set or is empty.`);
    let files: Awaited<ReturnType<typeof sharesOfFiles>> = [];
    if (args.positionals.length > 0) {
      const opener = await createShardOpener(args, deps.shardOpener);
      try {
        files = await sharesOfFiles(opener, args.positionals);
      } finally {
        await opener.close();
      }
    }
    const finalHash = args.values.get('final-hash');
    const d = drillOfWords({ transcript, ...(finalHash === undefined ? {} : { finalHash }), extensions, shares: [...files, ...sharesOfLines(await io.readStdin())], passphrase });
    const expected = transcriptFingerprint(transcript).fingerprint;
    if (d.fingerprint !== expected) {
      throw new KeyshardError('FINGERPRINT_MISMATCH', "The rebuilt key's fingerprint is not the one the key ceremony recorded. Nothing was printed; the key was wiped. Check the SLIP-39 passphrase, then drill again.", { fingerprint: d.fingerprint, expectedFingerprint: expected });
    }
    return { scheme: d.scheme, fingerprint: d.fingerprint, verified: d.verified, source: d.source };
  }
}

export const custodyCommands: readonly CliCommand[] = createCustodyCommands();
