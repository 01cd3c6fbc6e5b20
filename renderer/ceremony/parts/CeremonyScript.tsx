import { ceremonyScript, KEY_CEREMONY, roleLine, ROLE_NAMES, type Person } from '../../../core/ceremony-kinds';
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
  const script = ceremonyScript(KEY_CEREMONY, plan);
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
        <p className="paper-kicker">keyshard · {script.kindTitle.toLowerCase()} script · to be read aloud and initialled</p>
        <h1>{plan.label}</h1>
        <dl className="paper-facts">
          <dt>Secret</dt>
          <dd>{secretSentence(plan)}</dd>
          <dt>Split</dt>
          <dd>{schemeSentence(plan)}</dd>
          <dt>Plan SHA-256</dt>
          <dd className="mono" data-testid="script-plan-digest">
            {groupHex(digest)}
          </dd>
          <dt>Administrator</dt>
          <dd>{plan.administrator ? `${plan.administrator.name} (${plan.administrator.organisation})` : 'Not named in the plan: write the name here ____________________'}</dd>
          <dt>Witnesses</dt>
          <dd>
            {plan.witnesses.length === 0 ? `None: ${plan.noWitnessReason ?? ''}` : plan.witnesses.map((w) => `${w.name} (${w.organisation})`).join(', ')}
            {plan.externalWitnesses && plan.externalWitnesses.length > 0 ? `; external: ${plan.externalWitnesses.map((p) => `${p.name} (${p.organisation})`).join(', ')}` : ''}
          </dd>
          <dt>Custodians</dt>
          <dd>{plan.custodians.map((c) => `${c.name} (${c.organisation}, ${mediumText(c.medium)})`).join('; ')}</dd>
        </dl>
        <p className="paper-note script-how">
          The administrator reads each step aloud, then does it; the screen shows the same step number. A witness writes the time and every
          person named at the step initials it. Anything that does not go as written (a step repeated, an override, someone absent): note it
          under the step and have a witness initial the note.
        </p>
        <table className="script-steps" data-testid="script-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>Step</th>
              <th>Time</th>
              <th>Initials</th>
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
                      <strong>Read aloud:</strong> {l.readAloud}
                    </p>
                  ) : null}
                  <p className="script-who">
                    <strong>Acts:</strong> {roleLine(l.actor, l.acts)}
                    {l.watchers.length > 0 ? (
                      <>
                        {' '}
                        · <strong>Watch:</strong> {l.watchers.map((w) => roleLine(w.role, w.people)).join('; ')}
                      </>
                    ) : null}
                  </p>
                  {l.witnessSignsOff ? <p className="script-signoff">A witness signs this step off in keyshard before it goes on.</p> : null}
                  <p className="script-notes">Notes: </p>
                </td>
                <td className="script-box" aria-label="time" />
                <td className="script-initials">
                  <span>Admin</span>
                  <span>Witness</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="script-page script-signatures" data-testid="script-signatures">
        <p className="paper-kicker">keyshard · {plan.label} · participants</p>
        <h2>Everyone present signs</h2>
        <p className="paper-note">By signing, each person says the ceremony ran as this script and its notes record.</p>
        <table className="script-people">
          <thead>
            <tr>
              <th>Role</th>
              <th>Name</th>
              <th>Signature</th>
              <th>Date and time</th>
            </tr>
          </thead>
          <tbody>
            {everyone.map((p, i) => (
              <tr key={i} data-testid="script-person" data-role={p.role}>
                <td>{ROLE_NAMES[p.role].one}</td>
                <td>{p.name === '' ? '' : `${p.name} (${p.organisation})`}</td>
                <td />
                <td />
              </tr>
            ))}
          </tbody>
        </table>
        <p>Final hash of the transcript, as shown when the ceremony is sealed (16 groups of 4):</p>
        <p className="script-hash-boxes" aria-hidden="true">
          {Array.from({ length: 16 }, (_, i) => (
            <span key={i} />
          ))}
        </p>
        <p className="paper-note">
          Printed {printedAt()} from the plan with the SHA-256 above. Check the transcript with “keyshard transcript verify transcript.json”:
          its final hash must be the one written here.
        </p>
      </section>
    </PrintSheet>
  );
}
