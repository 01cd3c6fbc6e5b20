/**
 * The lifecycle part of `keyshard demo --lifecycle`: the demo's own ed25519 verifiable ceremony (its sealed
 * transcript.json and its five shares) is refreshed by a quorum, one refreshed share is "lost" and repaired by a quorum,
 * and a quorum of refreshed shares (the repaired one among them) signs the message "keyshard" by FROST, each signer in
 * turn through commit / request / sign-share / aggregate. Each operation leaves its sealed transcript next to
 * transcript.json, as the CLI's `vss refresh` / `vss repair` / `frost aggregate --transcript-out` write them, each
 * citing the one before (refresh: the key ceremony; repair: the refresh; signing: the repair). Everything it returns is
 * throwaway demo material, written to summary.json so that an outside checker can verify the signature, recombine the
 * new shares to the group key, and see that old and new shares do not mix.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../../core/errors';
import { checkSourceCommitments, citeSource } from '../../core/lifecycle/transcript';
import type { RandomSource } from '../../core/random';
import { citeKeyCeremony, signingTranscript } from '../../core/signing/index';
import { serializeTranscript, verifyTranscriptText, type Transcript, type VerifyOk, type WitnessSigner } from '../../core/transcript';
import { type SignerKey, type VssShare, createSigningPackage, frostAggregate, frostCommit, frostSignShare, verifySignature } from '../../core/vss/index';
import { requestDigest, requestOfPackage, encodeSigningMessage } from '../../core/vss/sign-messages';
import { envelopeFromText, wipeEnvelope } from '../../core/envelope';
import { decodeVssPayload } from '../../core/envelope-payload';
import { openProtected, type OpeningKey } from '../services/protection/index';
import { writeNewFile } from './files';
import { type LifecycleRunOptions, refreshWithTranscript, repairWithTranscript } from './lifecycle-transcript';

export interface LifecycleSummary {
  readonly ciphersuite: 'ed25519';
  readonly groupPublicKey: string;
  readonly oldShares: { identifier: string; signingShare: string }[];
  readonly newShares: { identifier: string; signingShare: string }[];
  readonly repaired: { identifier: string; signingShare: string };
  readonly message: string;
  readonly signature: string;
  /** The sealed transcripts written next to transcript.json (file names in the demo's folder). */
  readonly transcripts: { readonly refresh: string; readonly repair: string; readonly signing: string };
}

/** What the demo tells the person watching, step by step. */
/** The transcripts the lifecycle writes into the demo's folder (named in summary.json's "lifecycle.transcripts"). */
export const LIFECYCLE_TRANSCRIPTS = { refresh: 'refresh-transcript.json', repair: 'repair-transcript.json', signing: 'signing-transcript.json' } as const;

export const LIFECYCLE_THRESHOLD = 3;
export const LIFECYCLE_SHARES = 5;
export const LIFECYCLE_MESSAGE = 'keyshard';

const json = (s: VssShare) => ({ identifier: bytesToHex(s.identifier), signingShare: bytesToHex(s.signingShare) });

/** The demo's ceremony: its folder, its sealed transcript's file name there, its shares (threshold 3 of 5), the air gap as found. */
export interface LifecycleSource {
  readonly out: string;
  readonly transcript: string;
  readonly shares: readonly VssShare[];
  readonly commitments: readonly Uint8Array[];
  readonly airgap: LifecycleRunOptions['airgap'];
  /** The witness who signs off every checkpoint of the three (the demo's Wendy), pinned in each plan. */
  readonly witness?: WitnessSigner;
}

/** The ceremony's shares, opened from the shard files it wrote (as custodians would bring them back). */
export async function ceremonyShares(files: readonly { readonly path: string; readonly key: OpeningKey }[]): Promise<{ shares: VssShare[]; commitments: Uint8Array[] }> {
  const shares: VssShare[] = [];
  let commitments: Uint8Array[] = [];
  for (const f of files) {
    const envelope = envelopeFromText(await openProtected(new Uint8Array(await readFile(f.path)), f.key));
    try {
      // Copies: the payload's fields may be views of the envelope, which is wiped below.
      const p = decodeVssPayload(envelope.scheme, envelope.payload);
      shares.push({ identifier: Uint8Array.from(p.identifier), signingShare: Uint8Array.from(p.signingShare) });
      commitments = p.commitments.map((c) => Uint8Array.from(c));
    } finally {
      wipeEnvelope(envelope);
    }
  }
  return { shares, commitments };
}

async function verifiedFile(path: string): Promise<VerifyOk> {
  const v = verifyTranscriptText(await readFile(path, 'utf8'));
  if (!v.ok) throw new KeyshardError('INTERNAL', `The demo's ${path} does not verify (${v.reason}). The demo stops here; please report this.`);
  return v;
}

async function write(out: string, name: string, t: Transcript): Promise<void> {
  await writeNewFile(join(out, name), serializeTranscript(t), `the demo's ${name}`);
}

export async function runLifecycleDemo(random: RandomSource, src: LifecycleSource, print: (line: string) => void = () => {}): Promise<LifecycleSummary> {
  const ciphersuite = 'ed25519' as const;
  const t = LIFECYCLE_THRESHOLD;
  const clock = (): Date => new Date();
  const stamp = (): string => clock().toISOString().replace(/[:.]/g, '');
  const keyCeremony = await verifiedFile(join(src.out, src.transcript));
  const source = citeSource(keyCeremony);
  checkSourceCommitments(source, src.commitments);
  const groupPublicKey = src.commitments[0]!;
  const identifiers = src.shares.map((s) => bytesToHex(s.identifier));
  const base = { clock, ciphersuite, airgap: src.airgap, random, ...(src.witness === undefined ? {} : { witness: src.witness }) } as const;
  const w = src.witness;
  const pinned = w === undefined ? {} : { witnessKeys: [{ id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey) }] };
  print(`Lifecycle: the ${t}-of-${src.shares.length} ed25519 ceremony's shares (group key ${bytesToHex(groupPublicKey)}), citing ${src.transcript}${w === undefined ? '' : `; ${w.witnessId} signs off every checkpoint`}.`);

  // Every custodian brings their share (a refresh gives each a new one for the same identifier): same group key, new commitments.
  const refreshed = await refreshWithTranscript({ ...base, ceremonyId: `demo-refresh-${stamp()}`, label: 'Demo: refresh the shares', source }, [...src.shares], 'refresh', t, identifiers);
  const next = refreshed.deal;
  if (!equalBytes(next.groupPublicKey, groupPublicKey)) throw new KeyshardError('INTERNAL', 'The refresh changed the group key. The demo stops here; please report this.');
  await write(src.out, LIFECYCLE_TRANSCRIPTS.refresh, refreshed.transcript);
  print(`Lifecycle: refreshed all ${src.shares.length} shares (same group key, new commitments); the old shares no longer combine with the new ones. Transcript: ${LIFECYCLE_TRANSCRIPTS.refresh}.`);

  // Custodian 2 loses their refreshed share; custodians 3, 4 and 5 rebuild it, citing the refresh.
  const lost = next.shares[1]!;
  const afterRefresh = citeSource(await verifiedFile(join(src.out, LIFECYCLE_TRANSCRIPTS.refresh)));
  const repair = await repairWithTranscript({ ...base, ceremonyId: `demo-repair-${stamp()}`, label: 'Demo: repair a lost share', source: afterRefresh }, next.shares.slice(2, 2 + t), lost.identifier);
  const repaired = repair.share;
  if (!equalBytes(repaired.signingShare, lost.signingShare)) throw new KeyshardError('INTERNAL', 'The repaired share is not the lost one. The demo stops here; please report this.');
  await write(src.out, LIFECYCLE_TRANSCRIPTS.repair, repair.transcript);
  print(`Lifecycle: custodian 2 lost their new share; custodians 3, 4 and 5 repaired it without reassembling the key; it matches the commitments. Transcript: ${LIFECYCLE_TRANSCRIPTS.repair}.`);

  // Custodians 1, 2 (with the repaired share) and 4 sign, each as a separate signer; the signing cites the repair.
  const keys: SignerKey[] = [next.shares[0]!, repaired, next.shares[3]!].map((share) => ({ ciphersuite, threshold: t, commitments: next.commitments, share }));
  const message = new TextEncoder().encode(LIFECYCLE_MESSAGE);
  const nonces = keys.map((k) => frostCommit(k, random));
  const pkg = createSigningPackage({ ciphersuite, threshold: t, commitments: next.commitments, message, signers: nonces.map((n) => n.commitment) });
  const sigShares = keys.map((k, i) => frostSignShare(k, nonces[i]!, pkg));
  const signature = frostAggregate(pkg, sigShares);
  if (!verifySignature(ciphersuite, signature, message, groupPublicKey)) throw new KeyshardError('INTERNAL', 'The FROST signature does not verify. The demo stops here; please report this.');
  const cited = citeKeyCeremony(await verifiedFile(join(src.out, LIFECYCLE_TRANSCRIPTS.repair)), groupPublicKey);
  const signing = await signingTranscript({
    ceremonyId: `demo-signing-${stamp()}`,
    clock,
    plan: { label: 'Demo: sign "keyshard"', keyCeremony: { ceremonyId: cited.ceremonyId, finalHash: cited.finalHash, groupPublicKey: cited.groupPublicKey }, ciphersuite, threshold: t, message, witnessIds: w === undefined ? [] : [w.witnessId], ...pinned },
    commitments: pkg.signers.map((commitment) => ({ commitment })),
    pkg,
    requestDigest: requestDigest(encodeSigningMessage(requestOfPackage(pkg))),
    signature,
    ...(w === undefined ? {} : { witness: w }),
  });
  await write(src.out, LIFECYCLE_TRANSCRIPTS.signing, signing);
  print(`Lifecycle: custodians 1, 2 and 4 signed "${LIFECYCLE_MESSAGE}" by FROST with their refreshed shares (the key never reassembled); the signature verifies as plain Ed25519. Transcript: ${LIFECYCLE_TRANSCRIPTS.signing}.`);
  const summary: LifecycleSummary = {
    ciphersuite,
    groupPublicKey: bytesToHex(groupPublicKey),
    oldShares: src.shares.map(json),
    newShares: next.shares.map(json),
    repaired: json(repaired),
    message: bytesToHex(message),
    signature: bytesToHex(signature),
    transcripts: { ...LIFECYCLE_TRANSCRIPTS },
  };
  for (const s of [...next.shares, repaired]) s.signingShare.fill(0);
  return summary;
}
