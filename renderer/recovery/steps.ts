/** The recovery's steps, always in view on the left, with the current one highlighted (labels: catalogue keys). */
export const RECOVERY_FLOW = [
  { id: 'expect', label: 'recovery.flow.expect' },
  { id: 'shards', label: 'recovery.flow.shards' },
  { id: 'recover', label: 'recovery.flow.recover' },
  { id: 'use', label: 'recovery.flow.use' },
] as const;

export type RecoveryFlowStep = (typeof RECOVERY_FLOW)[number]['id'];
