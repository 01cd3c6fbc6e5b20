/** The recovery's steps, always in view on the left, with the current one highlighted. */
export const RECOVERY_FLOW = [
  { id: 'expect', label: 'What the key should be' },
  { id: 'shards', label: 'Add the shards' },
  { id: 'recover', label: 'Recover & check' },
  { id: 'use', label: 'Show or save the key' },
] as const;

export type RecoveryFlowStep = (typeof RECOVERY_FLOW)[number]['id'];
