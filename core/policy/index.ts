/**
 * Ceremony plan: what is made, how it is split, who holds which share, who watches; and which groups of custodians
 * could recover the secret together (coalition analysis).
 */
export * from './types';
export { validatePlan, createPlan, observes, type PlanCheck } from './validate';
export {
  SLIP39_MAX_GROUPS,
  SLIP39_MAX_MEMBERS,
  VSS_MAX_SHARES,
  IMPORT_SEED_MIN_BYTES,
  IMPORT_SEED_MAX_BYTES,
  KEY_BYTES,
} from './validate';
export { parsePlan } from './parse';
export { PLAN_PROBLEM_CODES, PROBLEM_TEXT, PROBLEM_WHAT, problemMessage, type PlanProblemCode, type ProblemParams, type ProblemWhat } from './problems';
export { witnessPublicKeyProblem, type WitnessKeyAlgorithm } from './witness-key';
export { planToJson, planDigest } from './json';
export { quorumModel, reachesQuorum, indicesReachQuorum, type QuorumModel } from './quorum';
export {
  analyzeCoalitions,
  DEFAULT_COALITION_LIMIT,
  DEFAULT_COALITION_WORK,
  type Coalition,
  type CoalitionAnalysis,
  type CoalitionOptions,
  type CoalitionWarning,
  type CoalitionWarningKind,
  type Exposure,
  type SummaryFacts,
} from './coalitions';
