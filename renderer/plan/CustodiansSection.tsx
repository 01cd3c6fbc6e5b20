import { HANDOFF_MEDIA, type HandoffMedium } from '../../core/policy';
import { RadioGroup, SectionProblems, SelectField, TextField } from './formKit';
import { blankCustodian, fillAssignment, MEDIUM_LABELS, shareSlots, type CustodianForm, type FileProtection, type PlanForm } from './planForm';
import type { SectionProps } from './types';

const MEDIA = HANDOFF_MEDIA.map((m) => ({ value: m, label: MEDIUM_LABELS[m] }));

export function custodianName(c: CustodianForm, index: number): string {
  return c.name.trim() || `Custodian ${index + 1}`;
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
  const slots = shareSlots(form);
  const set = (i: number, patch: Partial<CustodianForm>) =>
    update((f) => ({ ...f, custodians: f.custodians.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));
  return (
    <fieldset id="section-custodians" tabIndex={-1} data-testid="section-custodians">
      <legend>3. Custodians</legend>
      <p className="muted">The people who will each keep a share, and how each share reaches them.</p>
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
                Remove {custodianName(c, i)}
              </button>
            </div>
            <div className="row">
              <TextField path={`${p}.name`} label="Name" value={c.name} onChange={(v) => set(i, { name: v })} alsoPaths={[`${p}.id`]} />
              <TextField path={`${p}.organisation`} label="Organisation" value={c.organisation} onChange={(v) => set(i, { organisation: v })} />
              <TextField path={`${p}.location`} label="Location" hint="City or site, e.g. Zurich" value={c.location} onChange={(v) => set(i, { location: v })} />
            </div>
            <SelectField<HandoffMedium>
              path={`${p}.medium`}
              label="Handoff"
              value={c.medium}
              options={MEDIA}
              alsoPaths={[`${p}.protection`]}
              onChange={(v) => set(i, { medium: v })}
            />
            {c.medium === 'usb' ? (
              <>
                <RadioGroup<FileProtection>
                  path={`${p}.protection.type`}
                  label="Encrypt the file to"
                  value={c.fileProtection}
                  options={[
                    { value: 'age', label: 'An age recipient' },
                    { value: 'openpgp', label: 'An OpenPGP public key' },
                  ]}
                  onChange={(v) => set(i, { fileProtection: v })}
                />
                {c.fileProtection === 'age' ? (
                  <TextField
                    path={`${p}.protection.recipient`}
                    label="age recipient"
                    hint="The public recipient, from age-keygen -y: starts with age1"
                    value={c.ageRecipient}
                    onChange={(v) => set(i, { ageRecipient: v })}
                  />
                ) : (
                  <TextField
                    path={`${p}.protection.publicKeyArmored`}
                    label="OpenPGP public key"
                    hint="Paste the output of gpg --armor --export (the public key only)."
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
                label="Token label (optional)"
                hint="The label of this custodian's HSM token, so the right token is used."
                value={c.tokenLabel}
                onChange={(v) => set(i, { tokenLabel: v })}
              />
            ) : null}
            {c.medium === 'screen-qr' || c.medium === 'paper' ? (
              <p className="muted">
                {c.medium === 'screen-qr'
                  ? 'The shard is shown on this screen for the custodian to scan or copy; it is not encrypted.'
                  : 'The shard is printed for the custodian; it is not encrypted.'}
              </p>
            ) : null}
            <p data-testid={`custodian-${i}-holds`}>
              <strong>Holds:</strong> {holds.length ? holds.join(', ') : 'no share yet (assign one in section 4)'}
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
        Add a custodian
      </button>
    </fieldset>
  );
}
