/** Ceremony kinds as data: the catalogue of each kind and what is derived from it. */
export * from './types';
export { KEY_CEREMONY, type KeyCeremonyStep } from './key-ceremony';
export {
  checkpointNames,
  defaultSignOffs,
  fillPlanWords,
  machineSteps,
  nextMachineStep,
  numberedSteps,
  perCustodianTurn,
  retryAfterFailure,
  stepApplies,
  stepOfRecord,
  transcriptNames,
  turnsDone,
  type NumberedStep,
} from './derive';
export { peopleIn, roleLine, ROLE_NAMES, stepPeople, type Person, type StepPeople } from './roles';
export { ceremonyScript, type CeremonyScript, type ScriptLine } from './script';
