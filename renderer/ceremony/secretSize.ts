import type { CeremonyPlan } from '../../core/policy';
import { mnemonicLengthForValue } from '../../core/slip39/index';

/** Bytes of the secret the plan makes or imports. */
export function secretBytesOf(plan: CeremonyPlan): number {
  const s = plan.secret;
  if (s.type === 'new-seed') return s.bits / 8;
  if (s.type === 'new-key') return 32;
  return s.lengthBytes;
}

export function secretBitsOf(plan: CeremonyPlan): number {
  return secretBytesOf(plan) * 8;
}

/** Words in each SLIP-39 share of this plan's secret (20 for 128 bits, 33 for 256). */
export function wordsPerShare(plan: CeremonyPlan): number {
  return mnemonicLengthForValue(secretBytesOf(plan));
}
