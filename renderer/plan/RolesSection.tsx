import { TextField } from './formKit';
import { blankPerson, type PersonForm } from './planForm';
import type { SectionProps } from './types';

/**
 * Who runs the ceremony and who watches from outside (optional): the printed script and each step's "acts" and
 * "watch" lines name them. The witnesses above are the internal witnesses, who sign each step off.
 */
export function RolesSection({ form, update }: SectionProps) {
  const setAdmin = (patch: Partial<PersonForm>) => update((f) => ({ ...f, administrator: { ...f.administrator, ...patch } }));
  const setExternal = (i: number, patch: Partial<PersonForm>) =>
    update((f) => ({ ...f, externalWitnesses: f.externalWitnesses.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  return (
    <fieldset id="section-roles" tabIndex={-1} data-testid="section-roles">
      <legend>6. Roles at the ceremony (optional)</legend>
      <p className="muted">
        The ceremony administrator reads the script and works this machine; the witnesses above check each step. External witnesses watch
        and initial the printed script.
      </p>
      <div className="row">
        <TextField path="administrator.name" label="Ceremony administrator" value={form.administrator.name} onChange={(v) => setAdmin({ name: v })} />
        <TextField path="administrator.organisation" label="Organisation" value={form.administrator.organisation} onChange={(v) => setAdmin({ organisation: v })} />
      </div>
      {form.externalWitnesses.map((p, i) => {
        const f = `externalWitnesses[${i}]`;
        const name = p.name.trim() === '' ? `External witness ${i + 1}` : `External witness: ${p.name.trim()}`;
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
                Remove {p.name.trim() || `external witness ${i + 1}`}
              </button>
            </div>
            <div className="row">
              <TextField path={`${f}.name`} label="Name" value={p.name} onChange={(v) => setExternal(i, { name: v })} />
              <TextField path={`${f}.organisation`} label="Organisation" value={p.organisation} onChange={(v) => setExternal(i, { organisation: v })} />
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
        Add an external witness
      </button>
    </fieldset>
  );
}
