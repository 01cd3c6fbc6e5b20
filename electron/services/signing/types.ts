/** The state the signing screens are sent: public facts only (never a share, a nonce or a signature share's value). */
import type { SigningCiphersuite } from '../../../core/vss/sign';

export type CoordinatorStep = 'commitments' | 'request' | 'shares' | 'signature' | 'sealed' | 'aborted';

export interface CoordinatorStatus {
  readonly ceremonyId: string;
  readonly label: string;
  readonly step: CoordinatorStep;
  readonly ciphersuite: SigningCiphersuite;
  readonly threshold: number;
  readonly groupFingerprint: string;
  readonly keyCeremony: { readonly ceremonyId: string; readonly finalHash: string };
  /** The message as text when it is printable UTF-8, else null; always its hex and SHA-256. */
  readonly messageText: string | null;
  readonly messageHex: string;
  readonly messageHash: string;
  /** Identifiers (hex) that committed, in the order scanned; and those whose signature share checked. */
  readonly committed: readonly string[];
  readonly answered: readonly string[];
  /** The request's QR texts once it is made (public). */
  readonly requestQr: readonly string[] | null;
  readonly signature: string | null;
  readonly verifyingKey: string | null;
  /** The witness sign-off awaited, if any (the checkpoint's record kind), and the witnesses the plan names. */
  readonly pendingSignOff: string | null;
  readonly witnessIds: readonly string[];
  readonly finalHash: string | null;
}

export interface SignerStatus {
  readonly loaded: boolean;
  readonly label: string | null;
  readonly ceremonyId: string | null;
  readonly ciphersuite: SigningCiphersuite | null;
  readonly identifier: string | null;
  readonly groupFingerprint: string | null;
  /** 'ready': shard loaded; 'committed': nonces held, commitment shown; 'request': request read, not yet signed;
   *  'signed': the share was made and the nonces erased (a new round needs a new commitment). */
  readonly step: 'empty' | 'ready' | 'committed' | 'request' | 'signed';
  readonly commitmentQr: readonly string[] | null;
  readonly request: { readonly messageText: string | null; readonly messageHex: string; readonly messageHash: string; readonly signers: number } | null;
  readonly shareQr: readonly string[] | null;
}
