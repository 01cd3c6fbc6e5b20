import { domIdOf } from './check';
import { useT } from '../i18n';
import { SectionProblems } from './formKit';
import { custodianName } from './CustodiansSection';
import { assignInOrder, shareSlots } from './planForm';
import type { SectionProps } from './types';

export function AssignmentSection({ form, update }: SectionProps) {
  const t = useT();
  const slots = shareSlots(form);
  const wraps = slots.length > form.custodians.length && form.custodians.length > 0;
  return (
    <fieldset id="section-assignment" tabIndex={-1} data-testid="section-assignment">
      <legend>{t('plan.assign.legend')}</legend>
      {slots.length === 0 ? (
        <p className="muted">{t('plan.assign.countsFirst')}</p>
      ) : (
        <table className="assignment-table">
          <thead>
            <tr>
              <th scope="col">{t('plan.assign.share')}</th>
              <th scope="col">{t('plan.assign.heldBy')}</th>
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
                    <option value="">{t('plan.assign.nobody')}</option>
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
          {t('plan.assign.inOrder')}
        </button>
        <span id="assign-in-order-what" className="muted small" data-testid="assign-in-order-what">
          {t(wraps ? 'plan.assign.inOrder.whatWrap' : 'plan.assign.inOrder.what')} {t('plan.assign.inOrder.change')}
        </span>
      </div>
      <div id={domIdOf('custodians')} tabIndex={-1}>
        <SectionProblems paths={['custodians']} testId="problem-custodians" always />
      </div>
    </fieldset>
  );
}
