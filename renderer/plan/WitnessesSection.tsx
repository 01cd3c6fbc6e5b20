import { domIdOf } from './check';
import { useT } from '../i18n';
import { SectionProblems, TextField } from './formKit';
import { custodianName } from './CustodiansSection';
import { blankWitness, type WitnessForm } from './planForm';
import type { SectionProps } from './types';

export function WitnessesSection({ form, update }: SectionProps) {
  const t = useT();
  const set = (i: number, patch: Partial<WitnessForm>) =>
    update((f) => ({ ...f, witnesses: f.witnesses.map((w, j) => (j === i ? { ...w, ...patch } : w)) }));
  return (
    <fieldset id="section-witnesses" tabIndex={-1} data-testid="section-witnesses">
      <legend>{t('plan.witnesses.legend')}</legend>
      <p className="muted">{t('plan.witnesses.lead')}</p>
      {form.witnesses.map((w, i) => {
        const p = `witnesses[${i}]`;
        const name = w.name.trim() || t('plan.witness.numbered', { n: i + 1 });
        return (
          <div className="card" key={w.id} data-testid={`witness-${i}`}>
            <div className="card-head">
              <h3>{name}</h3>
              <button
                type="button"
                className="button danger small"
                data-testid={`remove-witness-${i}`}
                onClick={() => update((f) => ({ ...f, witnesses: f.witnesses.filter((x) => x.id !== w.id) }))}
              >
                {t('plan.remove', { name })}
              </button>
            </div>
            <div className="row">
              <TextField path={`${p}.name`} label={t('plan.field.name')} value={w.name} onChange={(v) => set(i, { name: v })} alsoPaths={[`${p}.id`]} />
              <TextField path={`${p}.organisation`} label={t('plan.field.organisation')} value={w.organisation} onChange={(v) => set(i, { organisation: v })} />
            </div>
            <div className="field" role="group" aria-labelledby={`${domIdOf(p)}-observes`} id={domIdOf(`${p}.observes`)}>
              <span className="label" id={`${domIdOf(p)}-observes`}>
                {t('plan.witness.observes')}
              </span>
              <SectionProblems paths={[`${p}.observes`]} testId={`problem-${p}.observes`} />
              <div className="choice-row">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={w.observesAll}
                    data-testid={`${p}.observes=all`}
                    onChange={(e) => set(i, { observesAll: e.currentTarget.checked })}
                  />
                  {t('plan.witness.observesAll')}
                </label>
                {w.observesAll
                  ? null
                  : form.custodians.map((c, ci) => (
                      <label className="checkbox" key={c.id}>
                        <input
                          type="checkbox"
                          checked={w.observes.includes(c.id)}
                          data-testid={`${p}.observes=${c.id}`}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            set(i, { observes: on ? [...w.observes, c.id] : w.observes.filter((x) => x !== c.id) });
                          }}
                        />
                        {custodianName(c, ci)}
                      </label>
                    ))}
              </div>
            </div>
          </div>
        );
      })}
      <button
        type="button"
        className="button secondary"
        data-testid="add-witness"
        onClick={() => update((f) => ({ ...f, witnesses: [...f.witnesses, blankWitness([...f.custodians, ...f.witnesses])] }))}
      >
        {t('plan.witnesses.add')}
      </button>
      {form.witnesses.length === 0 ? (
        <TextField
          path="noWitnessReason"
          label={t('plan.witnesses.noneWhy')}
          hint={t('plan.witnesses.noneWhy.hint')}
          multiline
          value={form.noWitnessReason}
          onChange={(v) => update((f) => ({ ...f, noWitnessReason: v }))}
        />
      ) : null}
      <SectionProblems paths={['witnesses']} testId="problem-witnesses" />
    </fieldset>
  );
}
