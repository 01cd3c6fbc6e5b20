/**
 * A signer's key from their shard as keyshard hands it over (an envelope of a verifiable share: paper, QR, USB file or
 * token all give the same envelope): the share and the deal's public data, ready for FROST signing. The returned
 * share is a copy the caller wipes; the envelope stays the caller's.
 */
import { type Envelope, describeEnvelope } from '../envelope';
import { decodeVssPayload, vssCiphersuite } from '../envelope-payload';
import { KeyshardError } from '../errors';
import type { SignerKey } from '../vss/sign';

export interface SignerShard {
  readonly key: SignerKey;
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly label: string;
}

export function signerKeyOfEnvelope(envelope: Envelope): SignerShard {
  const ciphersuite = vssCiphersuite(envelope.scheme);
  if (ciphersuite === undefined) {
    throw new KeyshardError('VSS_CIPHERSUITE', 'This shard is SLIP-39 words, which cannot sign by FROST. Threshold signing needs the verifiable (FROST) shares of an ed25519 or secp256k1 key ceremony.');
  }
  if (ciphersuite !== 'ed25519' && ciphersuite !== 'secp256k1') {
    throw new KeyshardError('VSS_CIPHERSUITE', `This shard is of a ${ciphersuite} key; keyshard signs by FROST with ed25519 and secp256k1 (BIP-340) keys only.`);
  }
  const facts = describeEnvelope(envelope);
  const p = decodeVssPayload(envelope.scheme, envelope.payload);
  return {
    key: {
      ciphersuite,
      threshold: p.threshold,
      commitments: p.commitments.map((c) => Uint8Array.from(c)),
      share: { identifier: Uint8Array.from(p.identifier), signingShare: Uint8Array.from(p.signingShare) },
    },
    ceremonyId: facts.ceremonyId,
    custodianIndex: envelope.custodianIndex,
    label: facts.custodianLabel,
  };
}
