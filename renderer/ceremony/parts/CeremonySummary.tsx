import type { CeremonyPlan } from '../../../core/policy';
import type { VerifyOk } from '../../../core/transcript';
import { formatUtc } from '../../transcript/readTranscript';
import { signedSteps } from '../../../core/signed-steps';
import { entropySourceName, methodName, stepName } from '../../../core/step-names';
import { useI18n, type T } from '../../i18n';
import type { Language } from '../../i18n/language';
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

function detail(kind: string, data: unknown, plan: CeremonyPlan, t: T, lang: Language): string {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const who = typeof d['custodianId'] === 'string' ? (plan.custodians.find((c) => c.id === d['custodianId'])?.name ?? String(d['custodianId'])) : null;
  if (kind === 'airgap-check') {
    const o = d['override'] as { witnessId?: unknown; reason?: unknown } | undefined;
    const os = typeof d['osImageHash'] === 'string' ? t('summary.osShort', { hash: groupHex(d['osImageHash'].slice(0, 16)) }) : '';
    if (d['passed'] === true) return `${t('summary.passed')}${os}`;
    const why = o
      ? t('summary.overridden', { witness: witnessName(plan, String(o.witnessId)), reason: String(o.reason) })
      : t('summary.failed', { interfaces: Array.isArray(d['interfacesUp']) ? d['interfacesUp'].join(', ') : '' });
    return `${why}${os}`;
  }
  // Handoffs and receipts name the tamper-evident bag, as read aloud.
  if ((kind === 'handoff' || kind === 'receipt') && who && typeof d['bagSerial'] === 'string') return t('summary.bag', { who, serial: bagSerialDisplay(d['bagSerial']) });
  if (kind === 'entropy' && Array.isArray(d['sources'])) return d['sources'].map((x) => entropySourceName(String(x), lang)).join(', ');
  if (kind === 'test-recovery') {
    const from = d['shardsFrom'] === 'keyshard-copies' ? t('summary.copies') : d['shardsFrom'] === 'custodians' ? t('summary.givenBack') : '';
    return `${t(d['fingerprintMatch'] === true ? 'summary.matches' : 'summary.differs')}${from}`;
  }
  if (kind === 'confirm' && who) {
    const proves = d['proves'] === 'write' ? t('summary.checksWrite') : d['proves'] === 'possession' ? t('summary.provesPossession') : '';
    return `${who}, ${methodName(String(d['method']), lang)}${proves}`;
  }
  return who ?? '';
}

/**
 * Print only: one or two A4 pages summing up the sealed ceremony from its verified transcript: the plan, the
 * fingerprint, each step with its time and signers, and the final hash, with room for the witnesses to sign.
 */
export function CeremonySummary({ plan, status, verified }: Props) {
  const { t, lang } = useI18n();
  // Every entry but the witnesses' sign-offs, which show as "Signed by" on the entry they sign.
  const steps = signedSteps(verified);
  const fp = status.fingerprint;
  const os = osImageHash(verified);
  return (
    <PrintSheet testId="ceremony-summary">
      <section className="summary-page">
        <p className="paper-kicker">{t('summary.kicker')}</p>
        <h1>{plan.label}</h1>
        <dl className="paper-facts">
          <dt>{t('summary.ceremonyId')}</dt>
          <dd className="mono" data-testid="summary-ceremony-id">
            {verified.ceremonyId}
          </dd>
          <dt>{t('script.secret')}</dt>
          <dd>{secretSentence(plan)}</dd>
          <dt>{t('script.split')}</dt>
          <dd>{schemeSentence(plan)}</dd>
          <dt>{t('summary.fingerprint')}</dt>
          <dd className="mono paper-fingerprint" data-testid="summary-fingerprint">
            {fp ? fp.display : '—'}
          </dd>
          {fp ? (
            <dd>
              <SpokenWords hex={fp.hex} testId="summary-fingerprint-words" what={t('summary.fingerprint')} />
            </dd>
          ) : null}
          {os !== null ? (
            <>
              <dt>{t('summary.osImage')}</dt>
              <dd className="mono" data-testid="summary-os-image-hash">
                {groupHex(os)}
              </dd>
              <dd>
                <SpokenWords hex={os} testId="summary-os-image-hash-words" what={t('summary.osImage')} />
              </dd>
            </>
          ) : null}
          <dt>{t('script.custodians')}</dt>
          <dd>
            <ul className="plain-list">
              {plan.custodians.map((c) => (
                <li key={c.id}>
                  {c.name} ({c.organisation}, {c.location}): {t('summary.shards', { count: c.shares.length })}, {mediumText(c.medium)}
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('script.witnesses')}</dt>
          <dd>
            <ul className="plain-list">
              {plan.witnesses.map((w) => (
                <li key={w.id}>
                  {w.name} ({w.organisation}),{' '}
                  {w.observes === 'all'
                    ? t('summary.observesAll')
                    : t('summary.observes', { names: w.observes.map((id) => plan.custodians.find((c) => c.id === id)?.name ?? id).join(', ') })}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        <table className="summary-steps" data-testid="summary-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('summary.col.step')}</th>
              <th>{t('summary.col.time')}</th>
              <th>{t('summary.col.signedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map(({ entry: e, name, witnessIds }) => (
              <tr key={e.seq} data-testid="summary-step" data-kind={e.kind}>
                <td>{e.seq}</td>
                <td>
                  {lang === 'en' ? name : stepName(e.kind, lang)}
                  {detail(e.kind, e.data, plan, t, lang) ? <span className="muted"> · {detail(e.kind, e.data, plan, t, lang)}</span> : null}
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
                {t('summary.pageHash')} <span className="mono">{groupHex(verified.headHash)}</span>
              </td>
            </tr>
          </tfoot>
        </table>
        {/* The final hash, the witnesses' signatures and how to check: kept together on one page. */}
        <div className="summary-end">
          <div className="final-hash-print">
            <p>{t('summary.finalHash', { count: verified.entries.length })}</p>
            {/* Two lines of eight groups, as on the sealed screen: easy to compare line by line. */}
            <p className="mono paper-fingerprint" data-testid="summary-final-hash" data-hash={verified.headHash}>
              <span className="hash-line">{groupHex(verified.headHash.slice(0, 32))}</span>
              <span className="hash-line">{groupHex(verified.headHash.slice(32))}</span>
            </p>
            <SpokenWords hex={verified.headHash} testId="summary-final-hash-words" what={t('transcript.finalHash')} />
          </div>
          <div className="signature-lines">
            {plan.witnesses.map((w) => (
              <p key={w.id}>
                {w.name}: ______________________________ {t('summary.date')} ____________
              </p>
            ))}
          </div>
          <p className="paper-note">{t('summary.printed', { at: printedAt() })}</p>
        </div>
      </section>
    </PrintSheet>
  );
}
