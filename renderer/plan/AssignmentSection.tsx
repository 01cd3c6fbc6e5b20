import { domIdOf } from './check';
import { SectionProblems } from './formKit';
import { custodianName } from './CustodiansSection';
import { assignInOrder, shareSlots } from './planForm';
import type { SectionProps } from './types';

export function AssignmentSection({ form, update }: SectionProps) {
  const slots = shareSlots(form);
  return (
    <fieldset id="section-assignment" tabIndex={-1} data-testid="section-assignment">
      <legend>4. Who holds which share</legend>
      {slots.length === 0 ? (
        <p className="muted">Set the number of shares in section 2 first.</p>
      ) : (
        <table className="assignment-table">
          <thead>
            <tr>
              <th scope="col">Share</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  <label htmlFor={domIdOf(`assign-${s.key}`)}>{s.label}</label>
                </th>
                <td>
                  <select
                    id={domIdOf(`assign-${s.key}`)}
                    data-testid={`assign-${s.key}`}
                    value={form.assignment[s.key] ?? ''}
                    onChange={(e) => {
                      const holder = e.currentTarget.value;
                      update((f) => ({ ...f, assignment: { ...f.assignment, [s.key]: holder } }));
                    }}
                  >
                    <option value="">— nobody yet —</option>
                    {form.custodians.map((c, i) => (
                      <option key={c.id} value={c.id}>
                        {custodianName(c, i)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button
          type="button"
          className="button secondary"
          data-testid="assign-in-order"
          disabled={slots.length === 0 || form.custodians.length === 0}
          onClick={() => update((f) => ({ ...f, assignment: assignInOrder(f) }))}
          aria-describedby="assign-in-order-what"
        >
          Give the shares to the custodians in turn
        </button>
        <span id="assign-in-order-what" className="muted small" data-testid="assign-in-order-what">
          Fills the table above: the first share to the first custodian, the second to the second, and so on
          {slots.length > form.custodians.length && form.custodians.length > 0 ? ', starting again at the first custodian when the custodians run out' : ''}.
          You can still change any row.
        </span>
      </div>
      <div id={domIdOf('custodians')} tabIndex={-1}>
        <SectionProblems paths={['custodians']} testId="problem-custodians" always />
      </div>
    </fieldset>
  );
}
