import { HANDOFF_MEDIA, type HandoffMedium } from '../../core/policy';
import { t as tNow, useT } from '../i18n';
import { RadioGroup, SectionProblems, SelectField, TextField } from './formKit';
import { blankCustodian, fillAssignment, shareSlots, type CustodianForm, type FileProtection, type PlanForm } from './planForm';
import type { SectionProps } from './types';


/** The name typed in, or "Custodian 2" (in the language shown now). */
export function custodianName(c: CustodianForm, index: number): string {
  return c.name.trim() || tNow('plan.custodian.numbered', { n: index + 1 });
}

function removeCustodian(f: PlanForm, id: string): PlanForm {
  const next: PlanForm = {
    ...f,
    custodians: f.custodians.filter((c) => c.id !== id),
    witnesses: f.witnesses.map((w) => ({ ...w, observes: w.observes.filter((x) => x !== id) })),
  };
  return { ...next, assignment: fillAssignment(next) };
}

export function CustodiansSection({ form, update }: SectionProps) {
  const t = useT();
  const slots = shareSlots(form);
  const set = (i: number, patch: Partial<CustodianForm>) =>
    update((f) => ({ ...f, custodians: f.custodians.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));
  return (
    <fieldset id="section-custodians" tabIndex={-1} data-testid="section-custodians">
      <legend>{t('plan.custodians.legend')}</legend>
      <p className="muted">{t('plan.custodians.lead')}</p>
      {form.custodians.map((c, i) => {
        const p = `custodians[${i}]`;
        const holds = slots.filter((s) => form.assignment[s.key] === c.id).map((s) => s.label);
        return (
          <div className="card" key={c.id} data-testid={`custodian-${i}`}>
            <div className="card-head">
              <h3>{custodianName(c, i)}</h3>
              <button
                type="button"
                className="button danger small"
                data-testid={`remove-custodian-${i}`}
                onClick={() => update((f) => removeCustodian(f, c.id))}
              >
                {t('plan.remove', { name: custodianName(c, i) })}
              </button>
            </div>
            <div className="row">
              <TextField path={`${p}.name`} label={t('plan.field.name')} value={c.name} onChange={(v) => set(i, { name: v })} alsoPaths={[`${p}.id`]} />
              <TextField path={`${p}.organisation`} label={t('plan.field.organisation')} value={c.organisation} onChange={(v) => set(i, { organisation: v })} />
              <TextField path={`${p}.location`} label={t('plan.field.location')} hint={t('plan.field.location.hint')} value={c.location} onChange={(v) => set(i, { location: v })} />
            </div>
            <SelectField<HandoffMedium>
              path={`${p}.medium`}
              label={t('plan.custodian.medium')}
              value={c.medium}
              options={HANDOFF_MEDIA.map((m) => ({ value: m, label: t(`plan.medium.${m}`) }))}
              alsoPaths={[`${p}.protection`]}
              onChange={(v) => set(i, { medium: v })}
            />
            {c.medium === 'usb' ? (
              <>
                <RadioGroup<FileProtection>
                  path={`${p}.protection.type`}
                  label={t('plan.custodian.encryptTo')}
                  value={c.fileProtection}
                  options={[
                    { value: 'age', label: t('plan.custodian.age') },
                    { value: 'openpgp', label: t('plan.custodian.openpgp') },
                  ]}
                  onChange={(v) => set(i, { fileProtection: v })}
                />
                {c.fileProtection === 'age' ? (
                  <TextField
                    path={`${p}.protection.recipient`}
                    label={t('plan.custodian.ageRecipient')}
                    hint={t('plan.custodian.ageRecipient.hint')}
                    value={c.ageRecipient}
                    onChange={(v) => set(i, { ageRecipient: v })}
                  />
                ) : (
                  <TextField
                    path={`${p}.protection.publicKeyArmored`}
                    label={t('plan.custodian.openpgpKey')}
                    hint={t('plan.custodian.openpgpKey.hint')}
                    multiline
                    value={c.openpgpPublicKey}
                    onChange={(v) => set(i, { openpgpPublicKey: v })}
                  />
                )}
              </>
            ) : null}
            {c.medium === 'pkcs11' ? (
              <TextField
                path={`${p}.protection.tokenLabel`}
                label={t('plan.custodian.tokenLabel')}
                hint={t('plan.custodian.tokenLabel.hint')}
                value={c.tokenLabel}
                onChange={(v) => set(i, { tokenLabel: v })}
              />
            ) : null}
            {c.medium === 'screen-qr' || c.medium === 'paper' ? (
              <p className="muted">
                {c.medium === 'screen-qr'
                  ? t('plan.custodian.screenNote')
                  : t('plan.custodian.paperNote')}
              </p>
            ) : null}
            <p data-testid={`custodian-${i}-holds`}>
              <strong>{t('plan.custodian.holds')}</strong> {holds.length ? holds.join(', ') : t('plan.custodian.holdsNone')}
            </p>
            <SectionProblems paths={[`${p}.shares`]} testId={`problem-${p}.shares`} always />
          </div>
        );
      })}
      <button
        type="button"
        className="button secondary"
        data-testid="add-custodian"
        onClick={() =>
          update((f) => {
            const next = { ...f, custodians: [...f.custodians, blankCustodian([...f.custodians, ...f.witnesses])] };
            return { ...next, assignment: fillAssignment(next) };
          })
        }
      >
        {t('plan.custodians.add')}
      </button>
    </fieldset>
  );
}
