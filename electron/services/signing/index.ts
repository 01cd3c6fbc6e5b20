/** Threshold signing in the app: the coordinator's laptop and a signer's laptop (electron/services/signing). */
export { createSigningCoordinator, type SigningCoordinator, type StartSigning } from './coordinator';
export { createSignerSession, envelopeOfInput, type ShardInput, type SignerSession } from './signer';
export type { CoordinatorStatus, SignerStatus } from './types';
export { saveTranscriptFile } from './save';
