/**
 * `keyshard vss refresh | repair`: new shares of the same key (old ones become useless) and a lost share rebuilt by a
 * quorum, without the key being reassembled. Same JSON as vss deal; see core/vss/refresh.ts and repair.ts for the
 * variants and what each trusts.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { MAX_SHARES, type VssShare, groupFingerprint, refreshShares, repairShare, reshareFromQuorum } from '../../../core/vss/index';
import { type ParsedArgs, intValue } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';
import { dealSchema, decodeDeal, identifierArg, nodeRandom, parseJson, publicDeal, shareJson, usage, wipeShares, writeJson } from '../vss-json';

const DEAL_SHAPE = '{"ciphersuite","threshold","commitments":[...],"shares":[{"identifier","signingShare"},...]} (vss deal --json prints it)';

async function readDealStdin(io: CliIo) {
  return decodeDeal(parseJson(await io.readStdin(), dealSchema, 'The JSON on standard input', DEAL_SHAPE), 'the input');
}

export const vssRefreshCommand: CliCommand = {
  group: 'vss',
  action: 'refresh',
  summary: 'Refresh verifiable shares: new shares of the same group key, old ones no longer combine with them',
  help: `Usage: keyshard vss refresh [--new-threshold T] [--json] < deal.json
       keyshard vss refresh --reshare --new-threshold T --new-shares N [--json] < quorum.json

Reads the deal's commitments and the shares of every custodian who keeps one (vss deal --json output as
it is) on standard input, and prints new shares for the same identifiers with new commitments. The group
public key (commitments[0]) and its fingerprint do not change; an old share (a lost or stolen one too)
neither verifies against the new commitments nor combines with new shares. Every share is checked
against the old commitments first.

Default (trusted-dealer refresh, as ZF FROST's refresh module): a random polynomial with zero constant
term is added to the shares. Custodians left out of the input are dropped; --new-threshold may keep or
raise the threshold, not lower it. The dealer never needs the key, only the public commitments.

--reshare: a quorum re-deal (the first T shares given) to a new threshold and number of custodians
(identifiers 1..N), lower thresholds included; each quorum member deals its Lagrange-weighted share and
the new shares are the sums, so the key is never assembled. Both variants run in this one process here:
treat the machine as a dealer, air-gapped, and give each new share to its custodian only.

Options:
  --new-threshold T  the new threshold (default: the current one)
  --reshare          quorum re-deal instead (needs --new-threshold and --new-shares)
  --new-shares N     with --reshare: how many new custodians, T..${MAX_SHARES}
  --json             print JSON instead of text

Output (--json), the same shape as vss deal --json:
  {"ciphersuite","threshold","groupPublicKey","fingerprint","commitments":[...],"shares":[{"identifier","signingShare"},...]}
Errors: VSS_SHARE_INVALID (a share not of this deal), BELOW_THRESHOLD (fewer custodians kept than the
threshold), INVALID_ARGUMENT, INVALID_HEX, VSS_CIPHERSUITE.
`,
  options: { values: ['new-threshold', 'new-shares'], booleans: ['json', 'reshare'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const reshare = args.booleans.get('reshare') === true;
    const newThreshold = args.values.has('new-threshold') ? intValue(args, 'new-threshold', 2, MAX_SHARES) : undefined;
    if (reshare && (newThreshold === undefined || !args.values.has('new-shares'))) throw usage('--reshare needs --new-threshold and --new-shares.');
    if (!reshare && args.values.has('new-shares')) throw usage('--new-shares goes with --reshare; a refresh keeps the identifiers it is given.');
    const input = await readDealStdin(io);
    let shares: VssShare[] = [];
    try {
      if (input.shares.length === 0) throw new KeyshardError('INVALID_ARGUMENT', `The input holds no shares. Expected ${DEAL_SHAPE}.`);
      const base = { ciphersuite: input.ciphersuite, threshold: input.threshold, commitments: input.commitments, random: nodeRandom };
      const deal = reshare
        ? reshareFromQuorum({ ...base, quorum: input.shares, newThreshold: newThreshold!, newShares: intValue(args, 'new-shares', newThreshold!, MAX_SHARES) })
        : refreshShares({ ...base, shares: input.shares, ...(newThreshold === undefined ? {} : { newThreshold }) });
      shares = deal.shares;
      const out = { ...publicDeal(deal.ciphersuite, deal.threshold, deal.commitments), shares: deal.shares.map(shareJson) };
      if (args.booleans.get('json') === true) writeJson(io, out);
      else {
        io.stdout(
          [
            `${reshare ? 'Re-shared' : 'Refreshed'} ${deal.shares.length} ${deal.ciphersuite} shares; any ${deal.threshold} recover the key or sign with it. The group key is unchanged;`,
            'the old shares no longer combine with these: have every custodian destroy their old share once the new one is checked.',
            `Group public key: ${out.groupPublicKey}`,
            `Fingerprint:      ${groupFingerprint(deal.ciphersuite, deal.groupPublicKey).display}`,
            'New commitments (public; replace the old ones in the record):',
            ...out.commitments.map((c, i) => `  ${String(i).padStart(3)}  ${c}`),
            'New shares (secret; give each to its custodian only):',
            ...out.shares.map((s) => `  identifier ${s.identifier}\n  signing share ${s.signingShare}`),
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      wipeShares(input.shares);
      wipeShares(shares);
    }
  },
};

export const vssRepairCommand: CliCommand = {
  group: 'vss',
  action: 'repair',
  summary: "Rebuild a custodian's lost share from a quorum of helpers, without reassembling the key",
  help: `Usage: keyshard vss repair --identifier ID [--json] < helpers.json

Reads the deal's commitments and at least threshold helper shares on standard input (vss deal --json
shape) and rebuilds the share of identifier ID with the repairable threshold scheme (as ZF FROST's
repairable module): each helper splits its Lagrange-weighted share into random deltas, each helper
sums the deltas it gets, and the sums add up to the lost share. The result is checked against the
commitments, so it is exactly the share that identifier had. An identifier that never had a share
gets one on the same polynomial (a new custodian). All helpers run in this process here.

Options:
  --identifier ID  the lost custodian's number (1-255) or identifier hex (64 digits)
  --json           print JSON instead of text

Output (--json), the shape of a vss deal --out share file (what vss verify-share reads):
  {"ciphersuite","threshold","groupPublicKey","fingerprint","commitments":[...],"share":{"identifier","signingShare"}}
Errors: BELOW_THRESHOLD (too few helpers), VSS_SHARE_INVALID (a helper's share not of this deal, or a
repair that does not verify), INVALID_ARGUMENT (the lost identifier among the helpers), INVALID_HEX.
`,
  options: { values: ['identifier'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const idText = args.values.get('identifier');
    if (idText === undefined) throw usage('--identifier is required: the lost custodian\'s number or identifier hex.');
    const input = await readDealStdin(io);
    try {
      const lostIdentifier = identifierArg(input.ciphersuite, idText, '--identifier');
      const repaired = repairShare({ ciphersuite: input.ciphersuite, threshold: input.threshold, commitments: input.commitments, helpers: input.shares, lostIdentifier, random: nodeRandom });
      try {
        const out = { ...publicDeal(input.ciphersuite, input.threshold, input.commitments), share: shareJson(repaired) };
        if (args.booleans.get('json') === true) writeJson(io, out);
        else {
          io.stdout(
            [
              `Repaired the share of identifier ${bytesToHex(repaired.identifier)} from ${input.shares.length} helpers; it matches the commitments.`,
              `Group public key: ${out.groupPublicKey}`,
              `Fingerprint:      ${groupFingerprint(input.ciphersuite, input.commitments[0]!).display}`,
              `Signing share (secret; give it to its custodian only): ${out.share.signingShare}`,
              '',
            ].join('\n'),
          );
        }
        return 0;
      } finally {
        repaired.signingShare.fill(0);
      }
    } finally {
      wipeShares(input.shares);
    }
  },
};

export const lifecycleCommands: readonly CliCommand[] = [vssRefreshCommand, vssRepairCommand];
