import { KEY_CEREMONY, type Person } from '../../../core/ceremony-kinds';
import { ceremonyScriptIn, roleLineIn, ROLE_NAMES_BY_LANGUAGE } from '../../../core/ceremony-kinds/language';
import { useI18n } from '../../i18n';
import { planDigest, type CeremonyPlan } from '../../../core/policy';
import { groupHex, mediumText, schemeSentence, secretSentence } from '../names';
import { PrintSheet, printedAt } from './PrintSheet';

/**
 * Print only: the ceremony's script, made from its plan before it starts (core/ceremony-kinds/script.ts). Each step
 * has the number the screens show, who acts and who watches, what is read aloud, and boxes for the time and the
 * initials; a last page lists everyone present for their signature and has room for the transcript's final hash.
 * The plan's SHA-256 on the first page ties the paper to the plan the ceremony records.
 */
export function CeremonyScript({ plan }: { readonly plan: CeremonyPlan }) {
  const { t, lang } = useI18n();
  const script = ceremonyScriptIn(KEY_CEREMONY, plan, lang);
  const digest = planDigest(plan);
  const everyone: Person[] = [
    { role: 'administrator', name: plan.administrator?.name ?? '', organisation: plan.administrator?.organisation ?? '' },
    ...plan.witnesses.map((w): Person => ({ role: 'internal-witness', name: w.name, organisation: w.organisation })),
    ...(plan.externalWitnesses ?? []).map((p): Person => ({ role: 'external-witness', name: p.name, organisation: p.organisation })),
    ...plan.custodians.map((c): Person => ({ role: 'custodian', name: c.name, organisation: c.organisation })),
  ];
  return (
    <PrintSheet testId="ceremony-script">
      <section className="script-page">
        <p className="paper-kicker">{t('script.kicker', { kind: lang === 'en' ? script.kindTitle.toLowerCase() : script.kindTitle })}</p>
        <h1>{plan.label}</h1>
        <dl className="paper-facts">
          <dt>{t('script.secret')}</dt>
          <dd>{secretSentence(plan)}</dd>
          <dt>{t('script.split')}</dt>
          <dd>{schemeSentence(plan)}</dd>
          <dt>{t('script.planDigest')}</dt>
          <dd className="mono" data-testid="script-plan-digest">
            {groupHex(digest)}
          </dd>
          <dt>{t('script.administrator')}</dt>
          <dd>{plan.administrator ? `${plan.administrator.name} (${plan.administrator.organisation})` : t('script.noAdministrator')}</dd>
          <dt>{t('script.witnesses')}</dt>
          <dd>
            {plan.witnesses.length === 0 ? t('script.noWitnesses', { reason: plan.noWitnessReason ?? '' }) : plan.witnesses.map((w) => `${w.name} (${w.organisation})`).join(', ')}
            {plan.externalWitnesses && plan.externalWitnesses.length > 0
              ? t('script.external', { names: plan.externalWitnesses.map((p) => `${p.name} (${p.organisation})`).join(', ') })
              : ''}
          </dd>
          <dt>{t('script.custodians')}</dt>
          <dd>{plan.custodians.map((c) => `${c.name} (${c.organisation}, ${mediumText(c.medium)})`).join('; ')}</dd>
        </dl>
        <p className="paper-note script-how">{t('script.how')}</p>
        <table className="script-steps" data-testid="script-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('script.col.step')}</th>
              <th>{t('script.col.time')}</th>
              <th>{t('script.col.initials')}</th>
            </tr>
          </thead>
          <tbody>
            {script.lines.map((l) => (
              <tr key={l.number} data-testid="script-step" data-step={l.stepId} data-number={l.number}>
                <td className="script-n">{l.number}</td>
                <td>
                  <p className="script-heading">{l.heading}</p>
                  <p>{l.does}</p>
                  {l.readAloud ? (
                    <p>
                      <strong>{t('script.readAloud')}</strong> {l.readAloud}
                    </p>
                  ) : null}
                  <p className="script-who">
                    <strong>{t('script.acts')}</strong> {roleLineIn(l.actor, l.acts, lang)}
                    {l.watchers.length > 0 ? (
                      <>
                        {' '}
                        · <strong>{t('script.watch')}</strong> {l.watchers.map((w) => roleLineIn(w.role, w.people, lang)).join('; ')}
                      </>
                    ) : null}
                  </p>
                  {l.witnessSignsOff ? <p className="script-signoff">{t('script.signsOff')}</p> : null}
                  <p className="script-notes">{t('script.notes')} </p>
                </td>
                <td className="script-box" aria-label={t('script.timeBox')} />
                <td className="script-initials">
                  <span>{t('script.admin')}</span>
                  <span>{t('script.witness')}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="script-page script-signatures" data-testid="script-signatures">
        <p className="paper-kicker">{t('script.participants', { label: plan.label })}</p>
        <h2>{t('script.everyoneSigns')}</h2>
        <p className="paper-note">{t('script.bySigning')}</p>
        <table className="script-people">
          <thead>
            <tr>
              <th>{t('script.col.role')}</th>
              <th>{t('script.col.name')}</th>
              <th>{t('script.col.signature')}</th>
              <th>{t('script.col.date')}</th>
            </tr>
          </thead>
          <tbody>
            {everyone.map((p, i) => (
              <tr key={i} data-testid="script-person" data-role={p.role}>
                <td>{ROLE_NAMES_BY_LANGUAGE[lang][p.role].one}</td>
                <td>{p.name === '' ? '' : `${p.name} (${p.organisation})`}</td>
                <td />
                <td />
              </tr>
            ))}
          </tbody>
        </table>
        <p>{t('script.finalHash')}</p>
        <p className="script-hash-boxes" aria-hidden="true">
          {Array.from({ length: 16 }, (_, i) => (
            <span key={i} />
          ))}
        </p>
        <p className="paper-note">{t('script.printed', { at: printedAt() })}</p>
      </section>
    </PrintSheet>
  );
}
