import type { CeremonyPlan } from '../../../core/policy';
import type { VerifyOk } from '../../../core/transcript';
import { formatUtc } from '../../transcript/readTranscript';
import { signedSteps } from '../../../core/signed-steps';
import { entropySourceName, methodName } from '../../../core/step-names';
import type { Status } from '../api';
import { groupHex, mediumText, schemeSentence, secretSentence, witnessName } from '../names';
import { SpokenWords } from '../../components/SpokenWords';
import { bagSerialDisplay } from '../../../core/bag-serial';

/** The OS image hash the air-gap check recorded last, or null. */
function osImageHash(verified: VerifyOk): string | null {
  const e = [...verified.entries].reverse().find((x) => x.kind === 'airgap-check' && typeof (x.data as Record<string, unknown>)['osImageHash'] === 'string');
  return e === undefined ? null : ((e.data as Record<string, unknown>)['osImageHash'] as string);
}
import { PrintSheet, printedAt } from './PrintSheet';

interface Props {
  readonly plan: CeremonyPlan;
  readonly status: Status;
  /** The verified transcript the summary is made from. */
  readonly verified: VerifyOk;
}

function detail(kind: string, data: unknown, plan: CeremonyPlan): string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const who = typeof d['custodianId'] === 'string' ? (plan.custodians.find((c) => c.id === d['custodianId'])?.name ?? String(d['custodianId'])) : null;
  if (kind === 'airgap-check') {
    const o = d['override'] as { witnessId?: unknown; reason?: unknown } | undefined;
    const os = typeof d['osImageHash'] === 'string' ? `; OS image ${groupHex(d['osImageHash'].slice(0, 16))}…` : '';
    if (d['passed'] === true) return `passed${os}`;
    return `${o ? `overridden by ${witnessName(plan, String(o.witnessId))}: ${String(o.reason)}` : `failed (${Array.isArray(d['interfacesUp']) ? d['interfacesUp'].join(', ') : ''})`}${os}`;
  }
  // Handoffs and receipts name the tamper-evident bag, as read aloud.
  if ((kind === 'handoff' || kind === 'receipt') && who && typeof d['bagSerial'] === 'string') return `${who}, bag ${bagSerialDisplay(d['bagSerial'])}`;
  if (kind === 'entropy' && Array.isArray(d['sources'])) return d['sources'].map((x) => entropySourceName(String(x))).join(', ');
  if (kind === 'test-recovery') {
    const from = d['shardsFrom'] === 'keyshard-copies' ? " (keyshard's copies: checks the split only)" : d['shardsFrom'] === 'custodians' ? ' (shards given back)' : '';
    return `${d['fingerprintMatch'] === true ? 'fingerprint matches' : 'fingerprint DIFFERS'}${from}`;
  }
  if (kind === 'confirm' && who) {
    const proves = d['proves'] === 'write' ? ': checks the write' : d['proves'] === 'possession' ? ': proves possession' : '';
    return `${who}, ${methodName(String(d['method']))}${proves}`;
  }
  return who ?? '';
}

/**
 * Print only: one or two A4 pages summing up the sealed ceremony from its verified transcript: the plan, the
 * fingerprint, each step with its time and signers, and the final hash, with room for the witnesses to sign.
 */
export function CeremonySummary({ plan, status, verified }: Props) {
  // Every entry but the witnesses' sign-offs, which show as "Signed by" on the entry they sign.
  const steps = signedSteps(verified);
  const fp = status.fingerprint;
  const os = osImageHash(verified);
  return (
    <PrintSheet testId="ceremony-summary">
      <section className="summary-page">
        <p className="paper-kicker">keyshard · ceremony summary · public record</p>
        <h1>{plan.label}</h1>
        <dl className="paper-facts">
          <dt>Ceremony id</dt>
          <dd className="mono" data-testid="summary-ceremony-id">
            {verified.ceremonyId}
          </dd>
          <dt>Secret</dt>
          <dd>{secretSentence(plan)}</dd>
          <dt>Split</dt>
          <dd>{schemeSentence(plan)}</dd>
          <dt>Fingerprint</dt>
          <dd className="mono paper-fingerprint" data-testid="summary-fingerprint">
            {fp ? fp.display : '—'}
          </dd>
          {fp ? (
            <dd>
              <SpokenWords hex={fp.hex} testId="summary-fingerprint-words" what="Fingerprint" />
            </dd>
          ) : null}
          {os !== null ? (
            <>
              <dt>OS image hash</dt>
              <dd className="mono" data-testid="summary-os-image-hash">
                {groupHex(os)}
              </dd>
              <dd>
                <SpokenWords hex={os} testId="summary-os-image-hash-words" what="OS image hash" />
              </dd>
            </>
          ) : null}
          <dt>Custodians</dt>
          <dd>
            <ul className="plain-list">
              {plan.custodians.map((c) => (
                <li key={c.id}>
                  {c.name} ({c.organisation}, {c.location}): {c.shares.length} shard{c.shares.length === 1 ? '' : 's'}, {mediumText(c.medium)}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Witnesses</dt>
          <dd>
            <ul className="plain-list">
              {plan.witnesses.map((w) => (
                <li key={w.id}>
                  {w.name} ({w.organisation}), observes {w.observes === 'all' ? 'every handoff' : w.observes.map((id) => plan.custodians.find((c) => c.id === id)?.name ?? id).join(', ')}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        <table className="summary-steps" data-testid="summary-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>Step</th>
              <th>Time</th>
              <th>Signed by</th>
            </tr>
          </thead>
          <tbody>
            {steps.map(({ entry: e, name, witnessIds }) => (
              <tr key={e.seq} data-testid="summary-step" data-kind={e.kind}>
                <td>{e.seq}</td>
                <td>
                  {name}
                  {detail(e.kind, e.data, plan) ? <span className="muted"> · {detail(e.kind, e.data, plan)}</span> : null}
                </td>
                <td>{formatUtc(e.at)}</td>
                <td>{witnessIds.map((id) => witnessName(plan, id)).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
          {/* A table footer is printed again at the foot of every page the table runs over, so each page of the
              summary names the final hash that binds it to the transcript file (page 2 has it in full below). */}
          <tfoot>
            <tr>
              <td colSpan={4} className="summary-page-hash" data-testid="summary-page-hash">
                Final hash of this ceremony's transcript: <span className="mono">{groupHex(verified.headHash)}</span>
              </td>
            </tr>
          </tfoot>
        </table>
        {/* The final hash, the witnesses' signatures and how to check: kept together on one page. */}
        <div className="summary-end">
          <div className="final-hash-print">
            <p>Final hash of the transcript ({verified.entries.length} entries):</p>
            {/* Two lines of eight groups, as on the sealed screen: easy to compare line by line. */}
            <p className="mono paper-fingerprint" data-testid="summary-final-hash" data-hash={verified.headHash}>
              <span className="hash-line">{groupHex(verified.headHash.slice(0, 32))}</span>
              <span className="hash-line">{groupHex(verified.headHash.slice(32))}</span>
            </p>
            <SpokenWords hex={verified.headHash} testId="summary-final-hash-words" what="Final hash" />
          </div>
          <div className="signature-lines">
            {plan.witnesses.map((w) => (
              <p key={w.id}>
                {w.name}: ______________________________ date ____________
              </p>
            ))}
          </div>
          <p className="paper-note">
            Printed {printedAt()}. Check the transcript file with “keyshard transcript verify transcript.json”: its final hash must be the one above.
          </p>
        </div>
      </section>
    </PrintSheet>
  );
}
