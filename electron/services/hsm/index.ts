/**
 * The HSM service: PKCS#11 tokens behind the HsmPort interface (see types.ts). Nothing else in keyshard imports
 * graphene-pk11.
 */
export { openHsm } from './port';
export type { OpenHsmOptions } from './port';
export { COMMON_MODULE_PATHS, moduleSuggestions } from './module-paths';
export type { KnownModule } from './module-paths';
export { ALL_CAPABILITIES, CAPABILITY_NEEDS, capabilityReport, requireCapabilities, CKM, CKF_MECH, CKF_TOKEN } from './capabilities';
export type { CapabilityCheck, CapabilityId, MechanismInfo } from './capabilities';
export { SHARD_APPLICATION_PREFIX } from './session';
export { ckrName, mapHsmError } from './errors';
export type { TokenCurve } from './ec';
export type {
  HsmLibraryInfo,
  HsmPort,
  HsmSession,
  HsmSlotInfo,
  HsmTokenInfo,
  HsmTokenMemory,
  ImportKeyInput,
  KeyProtectionReport,
  KeyPurpose,
  OpenSessionOptions,
  StoredShard,
  TokenKeyInfo,
  TokenSelector,
} from './types';
