/**
 * `keyshard slip39 extend` (issue 17.2): new member shares of one group of an extendable SLIP-39 backup, for new
 * custodians, from a quorum of that group's existing shares (core/slip39/extend.ts). The new shares combine with the
 * old ones to the same secret; no passphrase is needed and the secret is never decrypted.
 */
import { KeyshardError } from '../../../core/errors';
import { slip39ShareFingerprint } from '../../../core/custody/fingerprint';
import { extendGroup } from '../../../core/slip39/extend';
import type { ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';

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

export const slip39ExtendCommand: CliCommand = {
  group: 'slip39',
  action: 'extend',
  summary: "Issue new SLIP-39 shares of one group for new custodians, from a quorum of that group's shares (extendable backups).",
  help: [
    'Usage: keyshard slip39 extend --member N [--member N ...] [--json] < quorum.txt',
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
    '               shardFingerprint is what a ceremony records at handoff for a later custody check)',
    '',
    'Exit 1 with SLIP39_NOT_EXTENDABLE, BELOW_THRESHOLD (how many more shares of the group), SLIP39_DIGEST (the shares',
    'do not fit together), SHARES_MISMATCH (shares of several groups or backups), SLIP39_PARAMETERS, or a word error.',
  ].join('\n'),
  options: { repeatable: ['member'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
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
      'fingerprints with the ceremony papers, so a custody check can find them later.',
      '',
    ];
    io.stdout(text.join('\n'));
    return 0;
  },
};

export const slip39ExtendCommands: readonly CliCommand[] = [slip39ExtendCommand];
