/**
 * `keyshard vss refresh | repair`: new shares of the same key (old ones become useless) and a lost share rebuilt by a
 * quorum, without the key being reassembled. Same JSON as vss deal; see core/vss/refresh.ts and repair.ts for the
 * variants and what each trusts.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { serializeTranscript, type Transcript, type WitnessSigner } from '../../../core/transcript';
import { MAX_SHARES, type Ciphersuite, type VssDeal, type VssShare, groupFingerprint, refreshShares, repairShare, reshareFromQuorum } from '../../../core/vss/index';
import { type AirGapReport, checkAirGap } from '../../services/airgap/index';
import { type ParsedArgs, intValue } from '../args';
import type { CliCommand } from '../command';
import { writeNewFile } from '../files';
import type { CliIo } from '../io';
import { citedSource, type LifecycleRunOptions, refreshWithTranscript, repairWithTranscript } from '../lifecycle-transcript';
import { dealSchema, decodeDeal, identifierArg, nodeRandom, parseJson, publicDeal, shareJson, usage, wipeShares, writeJson } from '../vss-json';
import { withWitnessKeyFile } from '../witness-signer';

/** What the commands take from the world; tests pass their own. */
export interface LifecycleCliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  readonly airgap: () => Promise<AirGapReport>;
}

const TRANSCRIPT_OPTIONS = ['transcript', 'final-hash', 'transcript-out', 'witness-key', 'passphrase-env', 'label', 'ceremony-id'] as const;

const TRANSCRIPT_HELP = `  --transcript FILE  the sealed transcript whose commitments the input's are: the key ceremony's, or
                     the last refresh's or repair's. It is verified, and the input's commitments must
                     be the ones it leaves in force (else VSS_COMMITMENT)
  --final-hash HEX   that transcript's final hash from its paper record (checked when given)
  --transcript-out FILE  write this ceremony's own transcript (a new file; needs --transcript): its plan
                     cites the source's final hash, group key and commitments; it records the air gap as
                     this machine finds it, each share checked, the result, and a seal. keyshard
                     transcript verify accepts it; no share value is in it
  --witness-key FILE a witness's encrypted key file (keyshard witness keygen): the witness signs each
                     checkpoint, typing their passphrase (or --passphrase-env VAR). Without it the
                     transcript names no witness
  --label TEXT       the transcript's label; --ceremony-id ID its id (default: made from the time)`;

interface TranscriptRequest {
  readonly source: string;
  readonly finalHash: string | undefined;
  readonly out: string;
  readonly witnessKey: string | undefined;
  readonly label: string | undefined;
  readonly ceremonyId: string | undefined;
}

/** --transcript-out and what goes with it, or null; usage errors for a half-given set. */
function transcriptRequest(args: ParsedArgs): TranscriptRequest | null {
  const out = args.values.get('transcript-out');
  const source = args.values.get('transcript');
  if (out === undefined) {
    for (const flag of ['witness-key', 'passphrase-env', 'label', 'ceremony-id'] as const) {
      if (args.values.has(flag)) throw usage(`--${flag} goes with --transcript-out (the transcript a witness signs).`);
    }
    return null;
  }
  if (source === undefined) throw usage("--transcript-out needs --transcript FILE: the sealed transcript whose commitments the shares are checked against, which the new transcript cites.");
  if (args.values.has('passphrase-env') && !args.values.has('witness-key')) throw usage('--passphrase-env is the witness passphrase: give it with --witness-key FILE.');
  return { source, finalHash: args.values.get('final-hash'), out, witnessKey: args.values.get('witness-key'), label: args.values.get('label'), ceremonyId: args.values.get('ceremony-id') };
}

/** Runs `make` with the witness's signer when --witness-key names one (their key wiped afterwards), else without. */
async function withOptionalWitness<T>(req: TranscriptRequest, args: ParsedArgs, io: CliIo, deps: LifecycleCliDeps, make: (witness: WitnessSigner | undefined) => Promise<T>): Promise<T> {
  return req.witnessKey === undefined ? make(undefined) : withWitnessKeyFile(req.witnessKey, args, io, deps.env, (signer) => make(signer));
}

function runOptions(kind: 'refresh' | 'repair', req: TranscriptRequest, deps: LifecycleCliDeps, ciphersuite: Ciphersuite, source: Awaited<ReturnType<typeof citedSource>>, airgap: AirGapReport, witness: WitnessSigner | undefined): LifecycleRunOptions {
  const at = deps.now();
  return {
    ceremonyId: req.ceremonyId ?? `${kind}-${at.toISOString().replace(/[:.]/g, '')}`,
    label: req.label ?? `${kind === 'refresh' ? 'Share refresh' : 'Share repair'} of ${source.ceremonyId}`.slice(0, 200),
    clock: deps.now,
    source,
    ciphersuite,
    airgap,
    ...(witness === undefined ? {} : { witness }),
    random: nodeRandom,
  };
}

function transcriptLines(path: string, t: Transcript, airgap: AirGapReport): string[] {
  return [
    `Transcript written to ${path} (final hash ${t.entries[t.entries.length - 1]!.hash}); keyshard transcript verify checks it.`,
    ...(airgap.ok ? [] : ['Note: this machine is not air-gapped (a network interface or radio is up); the transcript records it.']),
  ];
}

const DEAL_SHAPE = '{"ciphersuite","threshold","commitments":[...],"shares":[{"identifier","signingShare"},...]} (vss deal --json prints it)';

async function readDealStdin(io: CliIo) {
  return decodeDeal(parseJson(await io.readStdin(), dealSchema, 'The JSON on standard input', DEAL_SHAPE), 'the input');
}

const defaultDeps: LifecycleCliDeps = { env: process.env, now: () => new Date(), airgap: () => checkAirGap() };

export function createLifecycleCommands(overrides: Partial<LifecycleCliDeps> = {}): readonly CliCommand[] {
  const deps: LifecycleCliDeps = { ...defaultDeps, ...overrides };

  const vssRefreshCommand: CliCommand = {
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
${TRANSCRIPT_HELP}
  --json             print JSON instead of text

Output (--json), the same shape as vss deal --json:
  {"ciphersuite","threshold","groupPublicKey","fingerprint","commitments":[...],"shares":[{"identifier","signingShare"},...]}
Errors: VSS_SHARE_INVALID (a share not of this deal), BELOW_THRESHOLD (fewer custodians kept than the
threshold), INVALID_ARGUMENT, INVALID_HEX, VSS_CIPHERSUITE.
`,
    options: { values: ['new-threshold', 'new-shares', ...TRANSCRIPT_OPTIONS], booleans: ['json', 'reshare'] },
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const req = transcriptRequest(args);
      const reshare = args.booleans.get('reshare') === true;
      const newThreshold = args.values.has('new-threshold') ? intValue(args, 'new-threshold', 2, MAX_SHARES) : undefined;
      if (reshare && (newThreshold === undefined || !args.values.has('new-shares'))) throw usage('--reshare needs --new-threshold and --new-shares.');
      if (!reshare && args.values.has('new-shares')) throw usage('--new-shares goes with --reshare; a refresh keeps the identifiers it is given.');
      const input = await readDealStdin(io);
      let shares: VssShare[] = [];
      try {
        if (input.shares.length === 0) throw new KeyshardError('INVALID_ARGUMENT', `The input holds no shares. Expected ${DEAL_SHAPE}.`);
        const base = { ciphersuite: input.ciphersuite, threshold: input.threshold, commitments: input.commitments, random: nodeRandom };
        const newShares = reshare ? intValue(args, 'new-shares', newThreshold!, MAX_SHARES) : 0;
        let deal: VssDeal;
        let written: { path: string; transcript: Transcript; airgap: AirGapReport } | null = null;
        if (req !== null) {
          const source = await citedSource(req.source, req.finalHash, input.commitments);
          const airgap = await deps.airgap();
          const identifiers = reshare
            ? Array.from({ length: newShares }, (_, i) => bytesToHex(identifierArg(input.ciphersuite, String(i + 1), '--new-shares')))
            : input.shares.map((x) => bytesToHex(x.identifier));
          const made = await withOptionalWitness(req, args, io, deps, (witness) =>
            refreshWithTranscript(runOptions('refresh', req, deps, input.ciphersuite, source, airgap, witness), input.shares, reshare ? 'reshare' : 'refresh', newThreshold ?? input.threshold, identifiers),
          );
          deal = made.deal;
          shares = deal.shares;
          await writeNewFile(req.out, serializeTranscript(made.transcript), 'the refresh transcript');
          written = { path: req.out, transcript: made.transcript, airgap };
        } else {
          deal = reshare
            ? reshareFromQuorum({ ...base, quorum: input.shares, newThreshold: newThreshold!, newShares })
            : refreshShares({ ...base, shares: input.shares, ...(newThreshold === undefined ? {} : { newThreshold }) });
        }
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
              ...(written === null ? [] : transcriptLines(written.path, written.transcript, written.airgap)),
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

  const vssRepairCommand: CliCommand = {
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
${TRANSCRIPT_HELP}
  --json           print JSON instead of text

Output (--json), the shape of a vss deal --out share file (what vss verify-share reads):
  {"ciphersuite","threshold","groupPublicKey","fingerprint","commitments":[...],"share":{"identifier","signingShare"}}
Errors: BELOW_THRESHOLD (too few helpers), VSS_SHARE_INVALID (a helper's share not of this deal, or a
repair that does not verify), INVALID_ARGUMENT (the lost identifier among the helpers), INVALID_HEX.
`,
    options: { values: ['identifier', ...TRANSCRIPT_OPTIONS], booleans: ['json'] },
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const req = transcriptRequest(args);
      const idText = args.values.get('identifier');
      if (idText === undefined) throw usage('--identifier is required: the lost custodian\'s number or identifier hex.');
      const input = await readDealStdin(io);
      try {
        const lostIdentifier = identifierArg(input.ciphersuite, idText, '--identifier');
        let repaired: VssShare;
        let written: { path: string; transcript: Transcript; airgap: AirGapReport } | null = null;
        if (req !== null) {
          const source = await citedSource(req.source, req.finalHash, input.commitments);
          const airgap = await deps.airgap();
          const made = await withOptionalWitness(req, args, io, deps, (witness) =>
            repairWithTranscript(runOptions('repair', req, deps, input.ciphersuite, source, airgap, witness), input.shares, lostIdentifier),
          );
          repaired = made.share;
          try {
            await writeNewFile(req.out, serializeTranscript(made.transcript), 'the repair transcript');
          } catch (e) {
            repaired.signingShare.fill(0);
            throw e;
          }
          written = { path: req.out, transcript: made.transcript, airgap };
        } else {
          repaired = repairShare({ ciphersuite: input.ciphersuite, threshold: input.threshold, commitments: input.commitments, helpers: input.shares, lostIdentifier, random: nodeRandom });
        }
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
                ...(written === null ? [] : transcriptLines(written.path, written.transcript, written.airgap)),
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

  return [vssRefreshCommand, vssRepairCommand];
}

export const lifecycleCommands: readonly CliCommand[] = createLifecycleCommands();
export const [vssRefreshCommand, vssRepairCommand] = lifecycleCommands as [CliCommand, CliCommand];
