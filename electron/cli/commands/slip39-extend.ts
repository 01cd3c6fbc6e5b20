/**
 * `keyshard slip39 extend` (issue 17.2): new member shares of one group of an extendable SLIP-39 backup, for new
 * custodians, from a quorum of that group's existing shares (core/slip39/extend.ts). The new shares combine with the
 * old ones to the same secret; no passphrase is needed and the secret is never decrypted.
 */
import { KeyshardError } from '../../../core/errors';
import { slip39ShareFingerprint } from '../../../core/custody/fingerprint';
import { extendGroup } from '../../../core/slip39/extend';
import { serializeTranscript, type WitnessSigner } from '../../../core/transcript';
import { type AirGapReport, checkAirGap } from '../../services/airgap/index';
import type { ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { extendWithTranscript, verifiedKeyCeremony } from '../extend-transcript';
import { EXTENSION_OPTION, readExtensions } from '../extension-files';
import { writeNewFile } from '../files';
import type { CliIo } from '../io';
import { withWitnessKeyFile } from '../witness-signer';

/** What the command takes from the world; tests pass their own. */
export interface Slip39ExtendDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly airgap: () => Promise<AirGapReport>;
}

const defaultDeps: Slip39ExtendDeps = { env: process.env, now: () => new Date(), airgap: () => checkAirGap() };

/** A group has at most 16 members: more lines than that cannot be shares of one group. */
const MAX_LINES = 16;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** --member N (1-based, repeatable) as 0-based member indices. */
function newMembers(args: ParsedArgs): number[] {
  const given = args.lists.get('member') ?? [];
  if (given.length === 0) throw usage('Say which new member numbers to issue, e.g. --member 6 --member 7 (the group\'s members so far are 1..N).');
  return given.map((m) => {
    if (!/^\d{1,2}$/.test(m) || Number(m) < 1 || Number(m) > 16) throw usage('--member takes a member number from 1 to 16.');
    return Number(m) - 1;
  });
}

interface TranscriptRequest {
  readonly source: string;
  readonly finalHash: string | undefined;
  readonly out: string;
  readonly witnessKey: string | undefined;
}

/** --transcript-out and what goes with it, or null; usage errors for a half-given set. */
function transcriptRequest(args: ParsedArgs): TranscriptRequest | null {
  const out = args.values.get('transcript-out');
  const source = args.values.get('transcript');
  if (out === undefined) {
    for (const flag of ['transcript', 'final-hash', 'witness-key', 'passphrase-env', 'label', 'ceremony-id'] as const) {
      if (args.values.has(flag)) throw usage(`--${flag} goes with --transcript-out (the transcript of this extension).`);
    }
    if (args.lists.has(EXTENSION_OPTION)) throw usage('--extension goes with --transcript-out (the transcript of this extension, which counts the earlier ones).');
    return null;
  }
  if (source === undefined) throw usage('--transcript-out needs --transcript FILE: the sealed transcript of the key ceremony that split this backup, which the new transcript cites.');
  if (args.values.has('passphrase-env') && !args.values.has('witness-key')) throw usage('--passphrase-env is the witness passphrase: give it with --witness-key FILE.');
  return { source, finalHash: args.values.get('final-hash'), out, witnessKey: args.values.get('witness-key') };
}

export function createSlip39ExtendCommands(overrides: Partial<Slip39ExtendDeps> = {}): readonly CliCommand[] {
  const deps: Slip39ExtendDeps = { ...defaultDeps, ...overrides };
  const slip39ExtendCommand: CliCommand = {
    group: 'slip39',
    action: 'extend',
    summary: "Issue new SLIP-39 shares of one group for new custodians, from a quorum of that group's shares (extendable backups).",
    help: [
      'Usage: keyshard slip39 extend --member N [--member N ...] [--json] < quorum.txt',
      '       keyshard slip39 extend --member N ... --transcript KC.json [--final-hash HEX] --transcript-out FILE',
      '                              [--extension EXT.json[:HASH]]... [--witness-key KEY --passphrase-env VAR] [--json]',
      '                              < quorum.txt',
      '',
      "Reads share mnemonics of ONE group on standard input, one per line: at least that group's member threshold.",
      'Checks they fit together (the group digest), then makes a share for each new member number given. The new',
      'shares have the same identifier and parameters and combine with the old ones to the same secret, in any mix.',
      'No passphrase is needed: the secret is not decrypted.',
      '',
      'Only backups made with the SLIP-39 extendable flag (keyshard\'s default) can be extended: others are refused with',
      'SLIP39_NOT_EXTENDABLE. A group of 1 member (threshold 1) cannot grow: SLIP-39 forbids identical copies.',
      '',
      'Options:',
      "  --member N   a new member's number, 1 to 16; repeat for each. Choose numbers no existing share of the group",
      '               uses: keyshard numbers a group\'s members 1..N, so new members are N+1 and up. A number already',
      "               handed out would make an exact copy of that custodian's share.",
      '  --json       {"identifier","extendable":true,"iterationExponent","group","groupThreshold","groupCount",',
      '               "memberThreshold","shares":[{"member","mnemonic","shardFingerprint"}]} (group and member 1-based;',
      '               shardFingerprint is what a ceremony records at handoff for a later custody check; with',
      '               --transcript-out also "transcript":{"file","finalHash"})',
      '  --transcript FILE  the sealed transcript of the key ceremony that split this backup: verified, and each',
      "               share given must be one its handoffs recorded (its shard fingerprint), of its backup",
      '  --final-hash HEX   that transcript\'s final hash from its paper record (checked when given)',
      '  --transcript-out FILE  write this extension\'s own transcript (a new file): its plan cites the key',
      "               ceremony's final hash; it records the air gap as found, each quorum share's member and",
      "               fingerprint, the new members, each new share's fingerprint (handed over as printed), a",
      '               wipe and a seal. keyshard transcript verify accepts it; no share is in it',
      '  --extension FILE[:HASH]  an earlier sealed extension of the same key ceremony, with its final hash from its',
      "               paper record; repeat for each. Member numbers it gave out are refused (SLIP39_PARAMETERS names",
      "               them and who holds them), and its members' shares may be in the quorum. Give every earlier",
      '               extension: one left out cannot be seen, and its numbers could be handed out again',
      "  --witness-key FILE  a witness's encrypted key file: the witness signs each checkpoint, typing their",
      '               passphrase (or --passphrase-env VAR)',
      "  --label TEXT, --ceremony-id ID  the transcript's label and id",
      '',
      'Exit 1 with SLIP39_NOT_EXTENDABLE, BELOW_THRESHOLD (how many more shares of the group), SLIP39_DIGEST (the shares',
      'do not fit together), SHARES_MISMATCH (shares of several groups or backups), SLIP39_PARAMETERS, or a word error.',
    ].join('\n'),
    options: { repeatable: ['member', EXTENSION_OPTION], values: ['transcript', 'final-hash', 'transcript-out', 'witness-key', 'passphrase-env', 'label', 'ceremony-id'], booleans: ['json'] },
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const req = transcriptRequest(args);
      const indices = newMembers(args);
      const lines = (await io.readStdin())
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      if (lines.length === 0) throw usage("No shares on standard input. Give the group's shares one per line, e.g. keyshard slip39 extend --member 6 < quorum.txt");
      if (lines.length > MAX_LINES) {
        throw new KeyshardError('INVALID_ARGUMENT', `Standard input holds ${lines.length} lines, but one group has at most ${MAX_LINES} shares. Give only the shares of the group to extend.`, { lines: lines.length });
      }
      const out = extendGroup({ mnemonics: lines, newMemberIndices: indices });
      const shares = out.shares.map((s) => ({ member: s.memberIndex + 1, mnemonic: s.mnemonic, shardFingerprint: slip39ShareFingerprint(s.mnemonic) }));
      let written: { file: string; finalHash: string } | null = null;
      if (req !== null) {
        const source = await verifiedKeyCeremony(req.source, req.finalHash);
        const extensions = await readExtensions(args, source);
        const airgap = await deps.airgap();
        const at = deps.now();
        const group = out.groupIndex;
        const make = (witness: WitnessSigner | undefined) =>
          extendWithTranscript(
            {
              ceremonyId: args.values.get('ceremony-id') ?? `extend-${at.toISOString().replace(/[:.]/g, '')}`,
              label: (args.values.get('label') ?? `Share extension of ${source.ceremonyId}, group ${group + 1}`).slice(0, 200),
              clock: deps.now,
              source,
              group,
              newMembers: indices,
              airgap,
              extensions,
              ...(witness === undefined ? {} : { witness }),
            },
            lines,
          );
        const done = req.witnessKey === undefined ? await make(undefined) : await withWitnessKeyFile(req.witnessKey, args, io, deps.env, make);
        await writeNewFile(req.out, serializeTranscript(done.transcript), 'the extension transcript');
        written = { file: req.out, finalHash: done.transcript.entries[done.transcript.entries.length - 1]!.hash };
      }
      if (args.booleans.get('json') === true) {
        io.stdout(
          `${JSON.stringify({
            identifier: out.identifier,
            extendable: out.extendable,
            iterationExponent: out.iterationExponent,
            group: out.groupIndex + 1,
            groupThreshold: out.groupThreshold,
            groupCount: out.groupCount,
            memberThreshold: out.memberThreshold,
            shares,
            ...(written === null ? {} : { transcript: written }),
          })}\n`,
        );
        return 0;
      }
      const text = [
        `Group ${out.groupIndex + 1} of ${out.groupCount} (any ${out.memberThreshold} of its members; ${out.groupThreshold} group(s) needed), identifier ${out.identifier}:`,
        `${shares.length} new share(s). Each combines with the group's other shares as if the split had made it.`,
        '',
        ...shares.flatMap((s) => [`Member ${s.member}: ${s.mnemonic}`, `  shard fingerprint ${s.shardFingerprint}`]),
        '',
        'Give each new share to its new custodian and have them read it back. Record the new members and their shard',
        'fingerprints with the ceremony papers.',
        ...(written === null
          ? ['A custody check finds new members only in an extension transcript: run with --transcript-out to write one.']
          : [
              `Transcript written to ${written.file} (final hash ${written.finalHash}); keyshard transcript verify checks it.`,
              `A custody check or drill finds the new members with --extension ${written.file}:${written.finalHash} --words.`,
            ]),
        '',
      ];
      io.stdout(text.join('\n'));
      return 0;
    },
  };
  return [slip39ExtendCommand];
}

export const slip39ExtendCommands: readonly CliCommand[] = createSlip39ExtendCommands();
