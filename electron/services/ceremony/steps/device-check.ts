/** Before a ceremony: every token the plan relies on is present, usable, capable and one per custodian. Records nothing. */
import { parsePlan } from '../../../../core/policy';
import { checkDevices as inspectDevices, hasTokenCustodians, requireHsm } from '../tokens';
import type { DeviceCheckRequest, DeviceCheckResponse } from '../types';
import type { StepKit } from './kit';

export type DeviceCheckKit = Pick<StepKit, 'hsm'>;

export async function checkDevices(kit: DeviceCheckKit, request: DeviceCheckRequest): Promise<DeviceCheckResponse> {
  const plan = parsePlan(request.plan);
  if (!hasTokenCustodians(plan) && request.entropyToken === undefined) return { ok: true, tokens: [], entropyToken: null, problems: [] };
  const hsm = requireHsm(kit.hsm, "this plan's tokens cannot be checked");
  return (await inspectDevices(hsm, plan, request.tokens, request.entropyToken)).report;
}
