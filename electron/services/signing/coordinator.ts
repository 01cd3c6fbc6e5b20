/**
 * The coordinator's laptop in a threshold signing (the `signing` ceremony kind): it holds no share. It cites the key
 * ceremony from its verified transcript, records the message, collects each signer's commitment code, fixes the
 * signer set in a request code, collects each signature-share code (checked against the request as it arrives),
 * aggregates and verifies the signature with a plain verifier, and seals; witnesses sign off the message, the
 * signature and the seal. Every step goes through the kind runner (core/ceremony-kinds/run.ts), so the order and the
 * sign-offs are the catalogue's. One signing at a time; everything here is public.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { abortKindRun, type KindRun, recordKindStep, signKindCheckpoint } from '../../../core/ceremony-kinds/run';
import { KeyshardError } from '../../../core/errors';
import {
  citeKeyCeremony,
  commitmentData,
  messageHash,
  signatureData,
  signatureShareData,
  signingRequestData,
  signingSealData,
  startSigningRun,
} from '../../../core/signing/index';
import { serializeTranscript, verifyTranscriptText, type WitnessSigner } from '../../../core/transcript';
import { parseFinalHashInput } from '../../../core/recovery-trust';
import { groupFingerprint } from '../../../core/vss/index';
import { type SignatureShare, type SigningCiphersuite, type SigningCommitment, type SigningPackage, CommitmentRegistry, createSigningPackage, frostAggregate, signatureVerifyingKey } from '../../../core/vss/sign';
import { MAX_SIGNING_MESSAGE_BYTES, requestDigest, requestOfPackage, encodeSigningMessage } from '../../../core/vss/sign-messages';
import { messageQrTexts, readMessage } from './qr';
import type { CoordinatorStatus } from './types';
import { printableMessage } from './printable';

export interface StartSigning {
  /** The key ceremony's transcript (or its last refresh's), as the file holds it. */
  readonly transcriptText: string;
  /** Its final hash typed from the paper record: the transcript must end with it. */
  readonly finalHash?: string;
  readonly message: Uint8Array;
  readonly label: string;
  /** The witnesses who sign off, with their public keys (from their key files); none: an unwitnessed signing. */
  readonly witnesses?: readonly { readonly id: string; readonly algorithm: 'ed25519' | 'ecdsa-p256'; readonly publicKey: string }[];
}

interface State {
  run: KindRun;
  ciphersuite: SigningCiphersuite;
  threshold: number;
  commitments: Uint8Array[];
  keyCeremony: { ceremonyId: string; finalHash: string };
  message: Uint8Array;
  label: string;
  signers: SigningCommitment[];
  pkg: SigningPackage | null;
  digest: Uint8Array | null;
  requestQr: string[] | null;
  shares: Map<string, SignatureShare>;
  signature: Uint8Array | null;
}

export interface SigningCoordinator {
  start(o: StartSigning): CoordinatorStatus;
  addCommitment(texts: readonly string[]): CoordinatorStatus;
  makeRequest(): CoordinatorStatus;
  addShare(texts: readonly string[]): CoordinatorStatus;
  aggregate(): CoordinatorStatus;
  seal(): CoordinatorStatus;
  signOff(signer: WitnessSigner): Promise<CoordinatorStatus>;
  abort(reason: string): CoordinatorStatus;
  status(): CoordinatorStatus | null;
  transcriptText(): string;
}


export function createSigningCoordinator(deps: { readonly clock: () => Date }): SigningCoordinator {
  let s: State | null = null;
  // Commitments of every earlier round on this laptop: a replayed one is refused (core/vss/sign).
  const registry = new CommitmentRegistry();

  const state = (): State => {
    if (s === null) throw new KeyshardError('CEREMONY_TRANSITION', 'No signing is under way. Start one from the start screen: "Sign with a quorum".');
    return s;
  };
  const active = (): State => {
    const c = state();
    if (c.run.status !== 'active') throw new KeyshardError('CEREMONY_TRANSITION', `This signing is ${c.run.status}. Start a new one from the start screen.`);
    return c;
  };

  const status = (): CoordinatorStatus | null => {
    if (s === null) return null;
    const c = s;
    const step =
      c.run.status === 'sealed' ? 'sealed' : c.run.status === 'aborted' ? 'aborted' : c.signature !== null ? 'signature' : c.pkg === null ? 'commitments' : c.shares.size < c.pkg.signers.length ? (c.shares.size === 0 ? 'request' : 'shares') : 'shares';
    const last = c.run.transcript.entries[c.run.transcript.entries.length - 1];
    return {
      ceremonyId: c.run.transcript.ceremonyId,
      label: c.label,
      step,
      ciphersuite: c.ciphersuite,
      threshold: c.threshold,
      groupFingerprint: groupFingerprint(c.ciphersuite, c.commitments[0]!).hex,
      keyCeremony: c.keyCeremony,
      messageText: printableMessage(c.message),
      messageHex: bytesToHex(c.message),
      messageHash: messageHash(c.message),
      committed: c.signers.map((x) => bytesToHex(x.identifier)),
      answered: [...c.shares.keys()],
      requestQr: c.requestQr,
      signature: c.signature === null ? null : bytesToHex(c.signature),
      verifyingKey: c.signature === null ? null : bytesToHex(signatureVerifyingKey(c.ciphersuite, c.commitments[0]!)),
      pendingSignOff: c.run.pending?.checkpoint ?? null,
      witnessIds: c.run.witnessIds,
      finalHash: c.run.status === 'sealed' && last !== undefined ? last.hash : null,
    };
  };
  const now = (): CoordinatorStatus => status()!;

  return {
    start(o) {
      if (s !== null && s.run.status === 'active') {
        throw new KeyshardError('CEREMONY_TRANSITION', 'A signing is already under way on this laptop. Finish it or abort it first.');
      }
      if (o.message.length > MAX_SIGNING_MESSAGE_BYTES) {
        throw new KeyshardError('INVALID_ARGUMENT', `The message is ${o.message.length} bytes; a signing by QR carries at most ${MAX_SIGNING_MESSAGE_BYTES}. Sign its hash instead.`);
      }
      const verified = verifyTranscriptText(o.transcriptText, o.finalHash === undefined ? {} : { expectedHeadHash: parseFinalHashInput(o.finalHash) });
      if (!verified.ok) {
        throw new KeyshardError(verified.code, `The key ceremony's transcript does not verify${verified.firstBadSeq === null ? '' : ` (entry ${verified.firstBadSeq})`}: ${verified.reason}`);
      }
      const cited = citeKeyCeremony(verified);
      const ciphersuite: SigningCiphersuite = cited.groupPublicKey.length === 64 ? 'ed25519' : 'secp256k1';
      const commitments = cited.commitments.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
      const witnesses = o.witnesses ?? [];
      const keyCeremony = { ceremonyId: cited.ceremonyId, finalHash: cited.finalHash, groupPublicKey: cited.groupPublicKey };
      const run = startSigningRun(`sign-${deps.clock().toISOString().replace(/[:.]/g, '')}-${messageHash(o.message).slice(0, 12)}`, deps.clock, {
        label: o.label,
        keyCeremony,
        ciphersuite,
        threshold: commitments.length,
        message: o.message,
        witnessIds: witnesses.map((w) => w.id),
        ...(witnesses.length === 0 ? {} : { witnessKeys: witnesses }),
      });
      s = {
        run,
        ciphersuite,
        threshold: commitments.length,
        commitments,
        keyCeremony: { ceremonyId: cited.ceremonyId, finalHash: cited.finalHash },
        message: Uint8Array.from(o.message),
        label: o.label,
        signers: [],
        pkg: null,
        digest: null,
        requestQr: null,
        shares: new Map(),
        signature: null,
      };
      return now();
    },

    addCommitment(texts) {
      const c = active();
      if (c.pkg !== null) throw new KeyshardError('CEREMONY_TRANSITION', 'The request is made: the signer set is fixed. A signer who did not commit in time joins a new signing.');
      const m = readMessage(texts, 'commitment', "a signer's commitment code");
      if (m.ciphersuite !== c.ciphersuite || bytesToHex(m.groupPublicKey) !== bytesToHex(c.commitments[0]!)) {
        throw new KeyshardError('FROST_COMMITMENT', "This commitment was made with a share of another key. Ask the signer to load their shard of this key ceremony.");
      }
      const id = bytesToHex(m.commitment.identifier);
      if (c.signers.some((x) => bytesToHex(x.identifier) === id)) {
        throw new KeyshardError('DUPLICATE_SHARE', 'This signer has already committed to this signing. Scan the next signer’s commitment.');
      }
      if (registry.has(m.commitment)) {
        throw new KeyshardError('FROST_COMMITMENT', 'This commitment was already used in an earlier signing: it is a replay or a stale code. Ask the signer to make a fresh commitment.', { reason: 'replay' });
      }
      // Points and identifier were checked by the decoder; a nonce point seen before in this signing is a replay.
      const points = new Set(c.signers.flatMap((x) => [bytesToHex(x.hiding), bytesToHex(x.binding)]));
      if (points.has(bytesToHex(m.commitment.hiding)) || points.has(bytesToHex(m.commitment.binding))) {
        throw new KeyshardError('FROST_COMMITMENT', 'This commitment repeats a nonce point already scanned: it is a replay. Ask the signer to make a fresh commitment.', { reason: 'replay' });
      }
      c.run = recordKindStep(c.run, 'commitment', commitmentData(m.commitment));
      c.signers.push(m.commitment);
      return now();
    },

    makeRequest() {
      const c = active();
      if (c.pkg !== null) throw new KeyshardError('CEREMONY_TRANSITION', 'The request is already made; show its code to each signer.');
      const pkg = createSigningPackage({ ciphersuite: c.ciphersuite, threshold: c.threshold, commitments: c.commitments, message: c.message, signers: c.signers, registry });
      const bytes = encodeSigningMessage(requestOfPackage(pkg));
      const digest = requestDigest(bytes);
      c.run = recordKindStep(c.run, 'signing-request', signingRequestData(pkg, digest));
      c.pkg = pkg;
      c.digest = digest;
      c.requestQr = messageQrTexts(requestOfPackage(pkg));
      return now();
    },

    addShare(texts) {
      const c = active();
      if (c.pkg === null || c.digest === null) throw new KeyshardError('CEREMONY_TRANSITION', 'Make the request first: signature shares answer it.');
      const m = readMessage(texts, 'signature-share', "a signer's signature-share code");
      if (bytesToHex(m.requestDigest) !== bytesToHex(c.digest) || bytesToHex(m.groupPublicKey) !== bytesToHex(c.commitments[0]!)) {
        throw new KeyshardError('FROST_SHARE_INVALID', 'This signature share answers another request (an earlier round, or another signing). Ask the signer to scan this request.');
      }
      const id = bytesToHex(m.signatureShare.identifier);
      if (c.shares.has(id)) throw new KeyshardError('DUPLICATE_SHARE', 'This signer’s signature share is already in. Scan the next signer’s code.');
      // Checked alone now (a bad share is named as it is scanned), all together at aggregation.
      const others = [...c.shares.values()];
      try {
        frostAggregate(c.pkg, [...others, m.signatureShare]);
      } catch (e) {
        if (!(e instanceof KeyshardError) || e.code !== 'BELOW_THRESHOLD') throw e;
      }
      c.run = recordKindStep(c.run, 'signature-share', signatureShareData(m.signatureShare.identifier));
      c.shares.set(id, m.signatureShare);
      return now();
    },

    aggregate() {
      const c = active();
      if (c.pkg === null) throw new KeyshardError('CEREMONY_TRANSITION', 'Make the request and collect the signature shares first.');
      const signature = frostAggregate(c.pkg, [...c.shares.values()]);
      c.run = recordKindStep(c.run, 'signature', signatureData(c.ciphersuite, signature, c.commitments[0]!));
      c.signature = signature;
      return now();
    },

    seal() {
      const c = active();
      if (c.signature === null) throw new KeyshardError('CEREMONY_TRANSITION', 'Combine and verify the signature before sealing.');
      c.run = recordKindStep(c.run, 'seal', signingSealData(c.message, c.signature));
      return now();
    },

    async signOff(signer) {
      const c = state();
      c.run = await signKindCheckpoint(c.run, signer);
      return now();
    },

    abort(reason) {
      const c = active();
      c.run = abortKindRun(c.run, reason);
      // Nothing of the round is kept: a signer who comes back starts a new signing with fresh nonces.
      c.signers = [];
      c.pkg = null;
      c.digest = null;
      c.requestQr = null;
      c.shares.clear();
      c.signature = null;
      return now();
    },

    status,
    transcriptText: () => serializeTranscript(state().run.transcript),
  };
}
