import { useT } from '../i18n';
import { TextField } from './formKit';
import { blankPerson, type PersonForm } from './planForm';
import type { SectionProps } from './types';

/**
 * Who runs the ceremony and who watches from outside (optional): the printed script and each step's "acts" and
 * "watch" lines name them. The witnesses above are the internal witnesses, who sign each step off.
 */
export function RolesSection({ form, update }: SectionProps) {
  const t = useT();
  const setAdmin = (patch: Partial<PersonForm>) => update((f) => ({ ...f, administrator: { ...f.administrator, ...patch } }));
  const setExternal = (i: number, patch: Partial<PersonForm>) =>
    update((f) => ({ ...f, externalWitnesses: f.externalWitnesses.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  return (
    <fieldset id="section-roles" tabIndex={-1} data-testid="section-roles">
      <legend>{t('plan.roles.legend')}</legend>
      <p className="muted">{t('plan.roles.lead')}</p>
      <div className="row">
        <TextField path="administrator.name" label={t('plan.roles.admin')} value={form.administrator.name} onChange={(v) => setAdmin({ name: v })} />
        <TextField path="administrator.organisation" label={t('plan.field.organisation')} value={form.administrator.organisation} onChange={(v) => setAdmin({ organisation: v })} />
      </div>
      {form.externalWitnesses.map((p, i) => {
        const f = `externalWitnesses[${i}]`;
        const name = p.name.trim() === '' ? t('plan.roles.external', { n: i + 1 }) : t('plan.roles.externalNamed', { name: p.name.trim() });
        return (
          <div className="card" key={p.key} data-testid={`external-witness-${i}`}>
            <div className="card-head">
              <h3>{name}</h3>
              <button
                type="button"
                className="button danger small"
                data-testid={`remove-external-witness-${i}`}
                onClick={() => update((x) => ({ ...x, externalWitnesses: x.externalWitnesses.filter((q) => q.key !== p.key) }))}
              >
                {p.name.trim() ? t('plan.remove', { name: p.name.trim() }) : t('plan.roles.removeExternal', { n: i + 1 })}
              </button>
            </div>
            <div className="row">
              <TextField path={`${f}.name`} label={t('plan.field.name')} value={p.name} onChange={(v) => setExternal(i, { name: v })} />
              <TextField path={`${f}.organisation`} label={t('plan.field.organisation')} value={p.organisation} onChange={(v) => setExternal(i, { organisation: v })} />
            </div>
          </div>
        );
      })}
      <button
        type="button"
        className="button secondary"
        data-testid="add-external-witness"
        onClick={() => update((f) => ({ ...f, externalWitnesses: [...f.externalWitnesses, blankPerson()] }))}
      >
        {t('plan.roles.addExternal')}
      </button>
    </fieldset>
  );
}
