/**
 * Step: the air-gap check. Records what the air-gap service found; a failed check is recorded too (with the witness's
 * override when there is one), since entropy refuses to run after a failed check that nobody overrode.
 */
import type { CeremonyEvent } from '../../../../core/ceremony';
import { KeyshardError } from '../../../../core/errors';
import type { AirGapRequest, AirGapResponse } from '../types';
import type { StepKit } from './kit';
import { expectStep, type Session } from './session';
import { recordSignedNote } from './exception';
import { reasonProblem } from '../../../../core/ceremony-kinds/exceptions';

export type AirGapKit = Pick<StepKit, 'airgap' | 'record' | 'status' | 'witnesses' | 'recordNote'>;

/** The OS image hash as typed, as recorded: 64 lowercase hex digits (INVALID_HEX before anything is checked). */
export function osImageHashOf(typed: string | undefined): string | undefined {
  if (typed === undefined || typed.trim() === '') return undefined;
  const hex = typed.replace(/[\s:-]+/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new KeyshardError(
      'INVALID_HEX',
      `The OS image hash is a SHA-256: 64 hex digits (0-9, a-f); ${hex.length} characters were typed${/[^0-9a-f]/.test(hex) ? ', some not hex digits' : ''}. Type it again from the published hash, or leave it empty.`,
    );
  }
  return hex;
}

export async function checkAirGap(kit: AirGapKit, c: Session, request: AirGapRequest): Promise<AirGapResponse> {
  expectStep(c, 'airgap-check');
  const osImageHash = osImageHashOf(request.osImageHash);
  const os = osImageHash === undefined ? {} : { osImageHash };
  const report = await kit.airgap.check();
  // Interface names go into the transcript: printable ASCII only, each once.
  const names = (report.problems !== undefined && report.problems.length > 0
    ? report.problems.map((p) => p.name)
    : report.interfaces.filter((i) => i.up && i.kind !== 'loopback' && i.name !== 'lo').map((i) => i.name)
  ).filter((n, i, all) => /^[\x21-\x7e]{1,64}$/.test(n) && all.indexOf(n) === i);
  const problems = (report.problems ?? []).map((p) => p.message ?? `${p.name} is up`);
  if (report.ok) {
    await kit.record(c, { step: 'airgap-check', passed: true, ...os });
    return { passed: true, overridden: false, interfacesUp: [], problems: [], ...os, status: kit.status(c) };
  }
  const override = request.override;
  const failed: CeremonyEvent = {
    step: 'airgap-check',
    passed: false,
    interfacesUp: names,
    ...(override === undefined ? {} : { override: { witnessId: override.witnessId, reason: override.reason } }),
    ...os,
  };
  if (override === undefined) {
    await kit.record(c, failed);
  } else {
    // An override is an exception: the check's entry, then the exception with the reason, signed by the witness.
    const problem = reasonProblem(override.reason);
    if (problem !== null) throw new KeyshardError('INVALID_ARGUMENT', `The override was not recorded: the reason ${problem}.`);
    const exception: CeremonyEvent = { step: 'exception', stepId: 'airgap', deviation: 'airgap-override', reason: override.reason, witnessId: override.witnessId };
    await recordSignedNote(kit, c, exception, override, async () => {
      await kit.record(c, failed);
    });
  }
  return { passed: false, overridden: override !== undefined, interfacesUp: names, problems, ...os, status: kit.status(c) };
}
