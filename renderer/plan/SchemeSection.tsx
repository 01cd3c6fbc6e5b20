import { NumberField, RadioGroup, SectionProblems } from './formKit';
import { CURVE_LABELS, fillAssignment, toInt, type PlanForm, type SchemeChoice } from './planForm';
import type { SectionProps } from './types';

const SCHEMES: readonly { value: SchemeChoice; label: string }[] = [
  { value: 'slip39', label: 'SLIP-39 shares (words), in groups' },
  { value: 'vss', label: 'Verifiable shares for signers (FROST)' },
];

/** Changing counts adds or removes shares: drop assignments of shares that are gone, give new ones to idle custodians. */
function withCounts(f: PlanForm): PlanForm {
  return { ...f, assignment: fillAssignment(f) };
}

function keyCurveOf(form: PlanForm): PlanForm['ciphersuite'] | null {
  if (form.secretType === 'new-key') return form.keyCurve;
  if (form.secretType === 'import' && form.importKind !== 'seed') return form.importKind;
  return null;
}

function quorumSentence(form: PlanForm): string | null {
  if (form.schemeType === 'vss') {
    const t = toInt(form.vssThreshold);
    const n = toInt(form.vssShares);
    return Number.isInteger(t) && Number.isInteger(n) ? `Signing or recovery needs ${t} of the ${n} signers.` : null;
  }
  const gt = toInt(form.groupThreshold);
  if (form.groups.length === 1) {
    const g = form.groups[0];
    const t = toInt(g?.memberThreshold ?? '');
    const n = toInt(g?.memberCount ?? '');
    return Number.isInteger(t) && Number.isInteger(n) ? `Recovery needs ${t} of the ${n} shares.` : null;
  }
  return Number.isInteger(gt) ? `Recovery needs ${gt} of the ${form.groups.length} groups, each with enough of its own shares.` : null;
}

export function SchemeSection({ form, update }: SectionProps) {
  const curve = keyCurveOf(form);
  const sentence = quorumSentence(form);
  return (
    <fieldset id="section-scheme" tabIndex={-1} data-testid="section-scheme">
      <legend>2. How it is split</legend>
      <RadioGroup
        path="scheme.type"
        label="Scheme"
        value={form.schemeType}
        options={SCHEMES}
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
            label="Groups needed to recover"
            hint="With one group, leave this at 1."
            value={form.groupThreshold}
            min={1}
            max={16}
            onChange={(v) => update((f) => ({ ...f, groupThreshold: v }))}
          />
          {form.groups.map((g, i) => (
            <div className="card" key={i} data-testid={`group-${i}`}>
              <div className="card-head">
                <h3>{form.groups.length === 1 ? 'The shares' : `Group ${i + 1}`}</h3>
                {form.groups.length > 1 ? (
                  <button
                    type="button"
                    className="button danger small"
                    data-testid={`remove-group-${i}`}
                    onClick={() => update((f) => withCounts({ ...f, groups: f.groups.filter((_, j) => j !== i) }))}
                  >
                    Remove group {i + 1}
                  </button>
                ) : null}
              </div>
              <div className="row">
                <NumberField
                  path={`scheme.groups[${i}].memberCount`}
                  label="Shares made"
                  value={g.memberCount}
                  min={1}
                  max={16}
                  onChange={(v) => update((f) => withCounts({ ...f, groups: f.groups.map((x, j) => (j === i ? { ...x, memberCount: v } : x)) }))}
                />
                <NumberField
                  path={`scheme.groups[${i}].memberThreshold`}
                  label="Shares needed"
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
            Add a group
          </button>
        </>
      ) : (
        <>
          <p data-testid="vss-ciphersuite">
            Ciphersuite: <strong>{curve ? CURVE_LABELS[curve] : 'choose a signing key in section 1'}</strong> (follows the key).
          </p>
          <div className="row">
            <NumberField
              path="scheme.shares"
              label="Signers (shares made)"
              value={form.vssShares}
              min={2}
              max={255}
              onChange={(v) => update((f) => withCounts({ ...f, vssShares: v }))}
            />
            <NumberField
              path="scheme.threshold"
              label="Signers needed"
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
