/**
 * A signer's laptop in a threshold signing: the custodian loads their own shard (its text from paper, its QR code, or
 * read by main off their USB stick or token), which stays in main; keyshard draws one-time nonces and shows the commitment code; the custodian scans the
 * coordinator's request, reads the message and its hash, and signs once: the nonces are erased as the signature share
 * is made, so a second signature with the same nonce state is refused (FROST_NONCE_USED) until a fresh commitment.
 * `clear` wipes the share and any nonces. Only public codes and facts leave.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Envelope, decodeEnvelope, envelopeFromText, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { RandomSource } from '../../../core/random';
import { messageHash, signerKeyOfEnvelope, type SignerShard } from '../../../core/signing/index';
import { groupFingerprint } from '../../../core/vss/index';
import { type SigningNonces, type SigningPackage, frostCommit, frostSignShare } from '../../../core/vss/sign';
import { encodeSigningMessage, packageForSigner, requestDigest } from '../../../core/vss/sign-messages';
import { bytesFromQrTexts, messageQrTexts, readMessage } from './qr';
import type { SignerStatus } from './types';
import { printableMessage } from './printable';
import { type DeviceShardInput, type DeviceShardReader, deviceShardReader } from '../recovery/sources';

export type ShardInput = { readonly text: string } | { readonly urParts: readonly string[] };

export interface SignerSession {
  loadShard(input: ShardInput): SignerStatus;
  /** The shard read by main off the custodian's USB stick or token; it stays here for the round, as a typed one. */
  readShard(input: DeviceShardInput): Promise<SignerStatus>;
  commit(): SignerStatus;
  readRequest(texts: readonly string[]): SignerStatus;
  sign(): SignerStatus;
  clear(): SignerStatus;
  status(): SignerStatus;
}


/** A shard as typed (KS1 text) or scanned (one UR code, or every part of an animated one). */
export function envelopeOfInput(input: ShardInput): Envelope {
  if ('urParts' in input) return decodeEnvelope(bytesFromQrTexts(input.urParts));
  const text = input.text.trim();
  if (/^ur:/i.test(text)) return decodeEnvelope(bytesFromQrTexts([text]));
  return envelopeFromText(text);
}

export function createSignerSession(deps: { readonly random: RandomSource; readonly readDevice?: DeviceShardReader }): SignerSession {
  const readDevice = deps.readDevice ?? deviceShardReader({});
  let shard: SignerShard | null = null;
  let nonces: SigningNonces | null = null;
  let used = false;
  let commitmentQr: string[] | null = null;
  let request: { pkg: SigningPackage; digest: Uint8Array } | null = null;
  let shareQr: string[] | null = null;

  const wipeNonces = () => {
    nonces?.hiding.fill(0);
    nonces?.binding.fill(0);
    nonces = null;
  };
  const status = (): SignerStatus => {
    const k = shard?.key;
    return {
      loaded: shard !== null,
      label: shard?.label ?? null,
      ceremonyId: shard?.ceremonyId ?? null,
      ciphersuite: k?.ciphersuite ?? null,
      identifier: k === undefined ? null : bytesToHex(k.share.identifier),
      groupFingerprint: k === undefined ? null : groupFingerprint(k.ciphersuite, k.commitments[0]!).hex,
      step: shard === null ? 'empty' : shareQr !== null ? 'signed' : request !== null ? 'request' : commitmentQr !== null ? 'committed' : 'ready',
      commitmentQr,
      request:
        request === null
          ? null
          : { messageText: printableMessage(request.pkg.message), messageHex: bytesToHex(request.pkg.message), messageHash: messageHash(request.pkg.message), signers: request.pkg.signers.length },
      shareQr,
    };
  };
  const loaded = (): SignerShard => {
    if (shard === null) throw new KeyshardError('CEREMONY_TRANSITION', 'Load your shard first (type it from paper or scan its code).');
    return shard;
  };
  const clear = () => {
    wipeNonces();
    shard?.key.share.signingShare.fill(0);
    shard = null;
    used = false;
    commitmentQr = null;
    request = null;
    shareQr = null;
  };

  // The share taken out of the envelope replaces any shard loaded before; the envelope is wiped either way.
  const load = (envelope: Envelope): SignerStatus => {
    try {
      const next = signerKeyOfEnvelope(envelope);
      clear();
      shard = next;
    } finally {
      wipeEnvelope(envelope);
    }
    return status();
  };

  return {
    loadShard: (input) => load(envelopeOfInput(input)),
    readShard: async (input) => load((await readDevice(input, null)).envelope),

    // A new commitment replaces any earlier one (its nonces are wiped unused): the coordinator takes the latest.
    commit() {
      const k = loaded().key;
      wipeNonces();
      request = null;
      shareQr = null;
      nonces = frostCommit(k, deps.random);
      used = false;
      commitmentQr = messageQrTexts({ type: 'commitment', ciphersuite: k.ciphersuite, groupPublicKey: k.commitments[0]!, commitment: nonces.commitment });
      return status();
    },

    readRequest(texts) {
      const k = loaded().key;
      const m = readMessage(texts, 'request', "the coordinator's request code");
      const pkg = packageForSigner(m, k);
      const mine = pkg.signers.find((c) => bytesToHex(c.identifier) === bytesToHex(k.share.identifier));
      if (mine === undefined) {
        throw new KeyshardError('FROST_COMMITMENT', 'This request does not include your commitment. Show your commitment code to the coordinator and scan the request they make afterwards.');
      }
      request = { pkg, digest: requestDigest(encodeSigningMessage(m)) };
      shareQr = null;
      return status();
    },

    sign() {
      const k = loaded().key;
      if (request === null) throw new KeyshardError('CEREMONY_TRANSITION', "Scan the coordinator's request and read its message first.");
      if (nonces === null || used) {
        throw new KeyshardError('FROST_NONCE_USED', 'The nonces of your commitment were already used for a signature share; a nonce is never used twice. Make a fresh commitment and ask the coordinator for a new request.');
      }
      // frostSignShare zeroes the nonces it used; refused (FROST_COMMITMENT) when the request carries another commitment.
      const share = frostSignShare(k, nonces, request.pkg);
      used = true;
      wipeNonces();
      shareQr = messageQrTexts({ type: 'signature-share', ciphersuite: k.ciphersuite, groupPublicKey: k.commitments[0]!, requestDigest: request.digest, signatureShare: share });
      share.share.fill(0);
      return status();
    },

    clear() {
      clear();
      return status();
    },
    status,
  };
}
