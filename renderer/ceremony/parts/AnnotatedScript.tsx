import { absentWords, annotatedScript, bagWords, EXCEPTION_SIGNED, scriptTime, STEP_SIGNED, unsignedWords, type AnnotatedException, type AnnotatedSignature } from '../../../core/ceremony-kinds/annotated';
import type { CeremonyKind } from '../../../core/ceremony-kinds/types';
import type { CeremonyPlan } from '../../../core/policy';
import type { VerifyOk } from '../../../core/transcript';
import { SpokenWords } from '../../components/SpokenWords';
import { groupHex } from '../names';
import { PrintSheet, printedAt } from './PrintSheet';

interface Props {
  readonly kind: CeremonyKind;
  readonly plan: CeremonyPlan;
  readonly verified: VerifyOk;
}

/** A witness's signature: of the step itself, or of an exception (the words say which, core's). */
function Signed({ s, of }: { readonly s: AnnotatedSignature; readonly of: 'step' | 'exception' }) {
  return (
    <p className="annotated-signature" data-testid="annotated-signature" data-seq={s.seq} data-of={of}>
      {of === 'step' ? STEP_SIGNED : EXCEPTION_SIGNED} {s.witnessName} · key {s.keyShort} · <strong>signed</strong> <span className="muted">(entry {s.seq})</span>
    </p>
  );
}

/** One exception: its words, time, reason, and the witness's signature or why there is none (core's words). */
function ExceptionBlock({ x }: { readonly x: AnnotatedException }) {
  return (
    <div className="annotated-exception" data-testid="annotated-exception" data-seq={x.seq} data-deviation={x.deviation}>
      <p>
        <strong>Exception: {x.words}</strong> <span className="muted">({scriptTime(x.at)}, entry {x.seq})</span>
      </p>
      <p>Reason: {x.reason}</p>
      {x.signature ? <Signed s={x.signature} of="exception" /> : <p>{unsignedWords(x)}</p>}
    </div>
  );
}

/**
 * Print only: the annotated script, the printed script filled in from the verified transcript (core's
 * annotatedScript, the model `keyshard transcript verify --script` prints as text): each step with the time it was
 * done, who acted, the witness signatures, and the exceptions under it; then everyone signs. The transcript's final
 * hash is at the foot of every page (a table footer repeats on each page the table runs over) and in full, with its
 * words, on the sign-off page, so the paper binds to the file.
 */
export function AnnotatedScript({ kind, plan, verified }: Props) {
  const script = annotatedScript(kind, plan, verified);
  const hashFoot = (
    <tfoot>
      <tr>
        <td colSpan={2} className="summary-page-hash" data-testid="annotated-page-hash">
          Final hash of this ceremony&apos;s transcript: <span className="mono">{groupHex(script.headHash)}</span>
        </td>
      </tr>
    </tfoot>
  );
  return (
    <PrintSheet testId="annotated-script">
      <section className="script-page">
        <p className="paper-kicker">keyshard · {script.kindTitle.toLowerCase()} · annotated script · public record</p>
        <h1>{script.label}</h1>
        <p className="paper-note">
          Ceremony <span className="mono">{script.ceremonyId}</span>. Each step as the transcript records it: when it was done, who acted, the
          witness signatures, and every exception under the step it happened at.
        </p>
        <table className="script-steps annotated-steps" data-testid="annotated-steps">
          <thead>
            <tr>
              <th>#</th>
              <th>Step, when it was done (UTC), who acted, witness signatures and exceptions</th>
            </tr>
          </thead>
          <tbody>
            {script.lines.map((l) => (
              <tr key={l.number} data-testid="annotated-step" data-step={l.stepId} data-number={l.number}>
                <td className="script-n">{l.number}</td>
                <td>
                  <p className="script-heading">{l.heading}</p>
                  <p className="script-who">Acted: {l.acted}</p>
                  {l.entries.length === 0 ? (
                    <p className="script-who" data-testid={l.absentSeq !== null ? 'annotated-absent' : undefined}>
                      {l.absentSeq !== null ? absentWords(l.absentSeq) : l.unrecorded ? 'Not recorded in the transcript: initials on paper.' : 'Not done.'}
                    </p>
                  ) : null}
                  {l.entries.map((e) => (
                    <p key={e.seq} className="annotated-time" data-testid="annotated-time" data-seq={e.seq}>
                      {e.at.slice(11, 19)} · {e.name}
                      {e.bagSerial === null ? null : (
                        <>
                          {' · '}
                          <span data-testid="annotated-bag">{bagWords(e.bagSerial)}</span>
                        </>
                      )}{' '}
                      <span className="muted">(entry {e.seq})</span>
                    </p>
                  ))}
                  {l.notes.map((n) => (
                    <p key={n} className="annotated-note" data-testid="annotated-note">
                      <strong>Note:</strong> {n}
                    </p>
                  ))}
                  {/* The step's own sign-offs before its exceptions, each exception with its own signature. */}
                  {l.signatures.map((s) => (
                    <Signed key={s.seq} s={s} of="step" />
                  ))}
                  {l.exceptions.map((x) => (
                    <ExceptionBlock key={x.seq} x={x} />
                  ))}
                </td>
              </tr>
            ))}
            {script.abort ? (
              <tr data-testid="annotated-abort">
                <td />
                <td>
                  <strong>Aborted</strong> after step {script.abort.afterNumber ?? '—'} ({scriptTime(script.abort.at)}): {script.abort.reason}
                  {script.abort.exception ? <ExceptionBlock x={script.abort.exception} /> : <p>No exception recorded for the abort.</p>}
                </td>
              </tr>
            ) : null}
            {script.other.map((e) => (
              <tr key={e.seq} data-testid="annotated-other">
                <td />
                <td>
                  {scriptTime(e.at)} · {e.name} (entry {e.seq})
                </td>
              </tr>
            ))}
          </tbody>
          {hashFoot}
        </table>
      </section>
      <section className="script-page script-signatures" data-testid="annotated-signatures">
        <p className="paper-kicker">keyshard · {script.label} · participants&apos; sign-off</p>
        <h2>Everyone present signs</h2>
        <p className="paper-note">By signing, each person says the ceremony ran as this script and its exceptions record.</p>
        <table className="script-people">
          <thead>
            <tr>
              <th>Role</th>
              <th>Name</th>
              <th>Signature</th>
              <th>Date</th>
            </tr>
          </thead>
          <tbody>
            {script.participants.map((p, i) => (
              <tr key={i} data-testid="annotated-person" data-role={p.role}>
                <td>{p.roleName}</td>
                <td>{p.name === '' ? '' : `${p.name} (${p.organisation})`}</td>
                <td />
                <td />
              </tr>
            ))}
          </tbody>
        </table>
        <div className="final-hash-print">
          <p>Final hash of the transcript ({verified.entries.length} entries):</p>
          <p className="mono paper-fingerprint" data-testid="annotated-final-hash" data-hash={script.headHash}>
            <span className="hash-line">{groupHex(script.headHash.slice(0, 32))}</span>
            <span className="hash-line">{groupHex(script.headHash.slice(32))}</span>
          </p>
          <SpokenWords hex={script.headHash} testId="annotated-final-hash-words" what="Final hash" />
        </div>
        <p className="paper-note">
          Printed {printedAt()}. The same script as text: keyshard transcript verify transcript.json --script.
        </p>
      </section>
    </PrintSheet>
  );
}
