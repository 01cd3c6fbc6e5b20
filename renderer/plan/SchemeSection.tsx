import { useI18n, type T } from '../i18n';
import { NumberField, RadioGroup, SectionProblems } from './formKit';
import { CURVE_LABELS, fillAssignment, toInt, type PlanForm, type SchemeChoice } from './planForm';
import type { SectionProps } from './types';

const SCHEMES = [
  { value: 'slip39', key: 'plan.scheme.slip39' },
  { value: 'vss', key: 'plan.scheme.vss' },
] as const satisfies readonly { value: SchemeChoice; key: string }[];

/** Changing counts adds or removes shares: drop assignments of shares that are gone, give new ones to idle custodians. */
function withCounts(f: PlanForm): PlanForm {
  return { ...f, assignment: fillAssignment(f) };
}

function keyCurveOf(form: PlanForm): PlanForm['ciphersuite'] | null {
  if (form.secretType === 'new-key') return form.keyCurve;
  if (form.secretType === 'import' && form.importKind !== 'seed') return form.importKind;
  return null;
}

function quorumSentence(form: PlanForm, t: T): string | null {
  if (form.schemeType === 'vss') {
    const th = toInt(form.vssThreshold);
    const n = toInt(form.vssShares);
    return Number.isInteger(th) && Number.isInteger(n) ? t('plan.scheme.quorumVss', { t: th, n }) : null;
  }
  const gt = toInt(form.groupThreshold);
  if (form.groups.length === 1) {
    const g = form.groups[0];
    const th = toInt(g?.memberThreshold ?? '');
    const n = toInt(g?.memberCount ?? '');
    return Number.isInteger(th) && Number.isInteger(n) ? t('plan.scheme.quorumShares', { t: th, n }) : null;
  }
  return Number.isInteger(gt) ? t('plan.scheme.quorumGroups', { t: gt, n: form.groups.length }) : null;
}

export function SchemeSection({ form, update }: SectionProps) {
  const { t, rich } = useI18n();
  const curve = keyCurveOf(form);
  const sentence = quorumSentence(form, t);
  return (
    <fieldset id="section-scheme" tabIndex={-1} data-testid="section-scheme">
      <legend>{t('plan.scheme.legend')}</legend>
      <RadioGroup
        path="scheme.type"
        label={t('plan.scheme.type')}
        value={form.schemeType}
        options={SCHEMES.map((c) => ({ value: c.value, label: t(c.key) }))}
        onChange={(v) =>
          update((f) => {
            // FROST splits a signing key: choosing it turns a seed plan into a new-key plan rather than leaving an error.
            const next: PlanForm = v === 'vss' && f.secretType === 'new-seed' ? { ...f, schemeType: v, secretType: 'new-key' } : { ...f, schemeType: v };
            return withCounts(next);
          })
        }
      />
      {form.schemeType === 'slip39' ? (
        <>
          <NumberField
            path="scheme.groupThreshold"
            label={t('plan.scheme.groupThreshold')}
            hint={t('plan.scheme.groupThreshold.hint')}
            value={form.groupThreshold}
            min={1}
            max={16}
            onChange={(v) => update((f) => ({ ...f, groupThreshold: v }))}
          />
          {form.groups.map((g, i) => (
            <div className="card" key={i} data-testid={`group-${i}`}>
              <div className="card-head">
                <h3>{form.groups.length === 1 ? t('plan.scheme.theShares') : t('plan.scheme.group', { n: i + 1 })}</h3>
                {form.groups.length > 1 ? (
                  <button
                    type="button"
                    className="button danger small"
                    data-testid={`remove-group-${i}`}
                    onClick={() => update((f) => withCounts({ ...f, groups: f.groups.filter((_, j) => j !== i) }))}
                  >
                    {t('plan.scheme.removeGroup', { n: i + 1 })}
                  </button>
                ) : null}
              </div>
              <div className="row">
                <NumberField
                  path={`scheme.groups[${i}].memberCount`}
                  label={t('plan.scheme.sharesMade')}
                  value={g.memberCount}
                  min={1}
                  max={16}
                  onChange={(v) => update((f) => withCounts({ ...f, groups: f.groups.map((x, j) => (j === i ? { ...x, memberCount: v } : x)) }))}
                />
                <NumberField
                  path={`scheme.groups[${i}].memberThreshold`}
                  label={t('plan.scheme.sharesNeeded')}
                  value={g.memberThreshold}
                  min={1}
                  max={16}
                  onChange={(v) => update((f) => ({ ...f, groups: f.groups.map((x, j) => (j === i ? { ...x, memberThreshold: v } : x)) }))}
                />
              </div>
            </div>
          ))}
          <button
            type="button"
            className="button secondary"
            data-testid="add-group"
            disabled={form.groups.length >= 16}
            onClick={() => update((f) => ({ ...f, groups: [...f.groups, { memberThreshold: '2', memberCount: '3' }] }))}
          >
            {t('plan.scheme.addGroup')}
          </button>
        </>
      ) : (
        <>
          <p data-testid="vss-ciphersuite">
            {rich('plan.scheme.ciphersuite', { suite: <strong>{curve ? CURVE_LABELS[curve] : t('plan.scheme.ciphersuiteNone')}</strong> })}
          </p>
          <div className="row">
            <NumberField
              path="scheme.shares"
              label={t('plan.scheme.signers')}
              value={form.vssShares}
              min={2}
              max={255}
              onChange={(v) => update((f) => withCounts({ ...f, vssShares: v }))}
            />
            <NumberField
              path="scheme.threshold"
              label={t('plan.scheme.signersNeeded')}
              value={form.vssThreshold}
              min={2}
              onChange={(v) => update((f) => ({ ...f, vssThreshold: v }))}
            />
          </div>
        </>
      )}
      {sentence ? (
        <p className="lead" data-testid="quorum-sentence">
          {sentence}
        </p>
      ) : null}
      <SectionProblems paths={['scheme.groups', 'scheme.ciphersuite', 'scheme.type']} testId="problem-scheme" />
    </fieldset>
  );
}
