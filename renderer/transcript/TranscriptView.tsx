import type { VerifyFailure, VerifyOk } from '../../core/transcript';
import { ErrorPanel } from '../components/ErrorPanel';
import { todoFor } from '../components/errors';
import { formatUtc, type EntryRow, type LoadedTranscript } from './readTranscript';
import { signedSteps } from '../../core/signed-steps';
import { checkpointName, stepName } from '../../core/step-names';

const MEANING: Readonly<Record<VerifyFailure['code'], string>> = {
  TRANSCRIPT_TAMPERED: 'An entry was changed, removed, inserted or reordered after keyshard wrote it, so the record cannot be trusted from that entry on.',
  TRANSCRIPT_SIGNATURE: 'A witness sign-off does not hold: its signature is wrong, or it was made with a key the plan does not list.',
  TRANSCRIPT_FORMAT: 'The file is not laid out the way keyshard wrote it, or it is not a keyshard transcript at all.',
};

/** "cfc04fbc..." -> "cfc0 4fbc ...": easier to compare with the paper record, group by group. */
export function groupHex(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The key's fingerprint as the transcript records it (the last split, else generate / import entry): what a recovery
 * team compares the recovered key with. Null when the ceremony got no further than planning.
 */
export function recordedFingerprint(result: VerifyOk): { hex: string; display: string; kind: string } | null {
  for (const kind of ['split', 'generate', 'import']) {
    const entry = [...result.entries].reverse().find((e) => e.kind === kind);
    const data = entry?.data;
    const hex = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['fingerprint'] : undefined;
    if (typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex)) {
      return { hex, display: (hex.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' '), kind };
    }
  }
  return null;
}

/** The "Signed by" cell of a witness's signature or sign-off record: which entry or step, and who. */
function signsText(row: EntryRow, rows: readonly EntryRow[]): string {
  if (row.signOff) return `${row.signOff.witness} signs off ${checkpointName(row.signOff.checkpoint)}`;
  if (!row.signs) return '';
  const target = rows[row.signs.seq - 1];
  return `Signs entry ${row.signs.seq}${target ? ` (${stepName(target.kind)})` : ''} as ${row.signs.witness}`;
}

/** Witness ids that signed each entry, from the sign-off rows before `limit` (only those are verified). */
function signersByEntry(rows: readonly EntryRow[], limit: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    if (r.position >= limit || !r.signs) continue;
    const list = out.get(r.signs.seq) ?? [];
    if (!list.includes(r.signs.witness)) list.push(r.signs.witness);
    out.set(r.signs.seq, list);
  }
  return out;
}

export function TranscriptVerdict({ loaded }: { loaded: LoadedTranscript }) {
  const { result } = loaded;
  if (result.ok) {
    // Steps as main's transcript:verify lists them: the sign-off records and signatures are signers, not steps.
    const steps = signedSteps(result);
    const signed = steps.filter((s) => s.witnessIds.length > 0).length;
    const fingerprint = recordedFingerprint(result);
    return (
      <section className="summary-ok" data-testid="transcript-ok" role="status" aria-labelledby="transcript-ok-title">
        <h2 id="transcript-ok-title">✓ Every entry checks out</h2>
        <dl className="kv">
          <dt>File</dt>
          <dd>{loaded.fileName}</dd>
          <dt>Ceremony</dt>
          <dd data-testid="transcript-ceremony">{result.ceremonyId}</dd>
          <dt>Entries</dt>
          <dd data-testid="transcript-count">
            {result.entries.length} entries, {signed} of {steps.length} steps signed by a witness
          </dd>
          <dt>Witness keys</dt>
          <dd>
            {result.witnessesPinned
              ? `Checked against the ${result.witnesses.length === 1 ? 'key' : `${result.witnesses.length} keys`} the plan lists`
              : 'Not listed in the plan, so any key was accepted'}
          </dd>
          {fingerprint ? (
            <>
              <dt>Key fingerprint</dt>
              <dd className="mono hash" data-testid="transcript-fingerprint" data-hex={fingerprint.hex} aria-label={`Key fingerprint ${fingerprint.display}`}>
                {fingerprint.display}
                <span className="visually-hidden"> (recorded at the {fingerprint.kind} step)</span>
              </dd>
            </>
          ) : null}
          <dt>Final hash</dt>
          <dd className="mono hash" data-testid="transcript-head" data-hash={result.headHash} aria-label={`Final hash ${result.headHash}`}>
            {/* Two lines of eight groups, as on the sealed screen and the printed summary. */}
            <span className="hash-line">{groupHex(result.headHash.slice(0, 32))}</span>{' '}
            <span className="hash-line">{groupHex(result.headHash.slice(32))}</span>
          </dd>
        </dl>
        <p className="error-todo">Compare the final hash with the one written on the paper record: a shorter file also checks out.</p>
        {fingerprint ? (
          <p className="muted" data-testid="transcript-fingerprint-note">
            A key recovered from this ceremony&apos;s shards must have the key fingerprint above; the recovery screen checks it
            when it is given this file.
          </p>
        ) : null}
      </section>
    );
  }
  const where =
    result.firstBadSeq === null
      ? 'The problem is with the file as a whole, not one entry.'
      : `Entry ${result.firstBadSeq} is the first broken link; the entries before it check out.`;
  return (
    <ErrorPanel
      title="This transcript does not verify"
      testId="transcript-error"
      error={{ code: result.code, message: `${where} ${result.reason}`, todo: todoFor(result.code) }}
      focus
    >
      <p>What this means: {MEANING[result.code]}</p>
    </ErrorPanel>
  );
}

export function TranscriptEntries({ loaded }: { loaded: LoadedTranscript }) {
  const { result, rows } = loaded;
  if (rows.length === 0) return null;
  const firstBad = result.ok ? null : result.firstBadSeq;
  const verifiedBefore = result.ok ? Infinity : (firstBad ?? 0);
  const signers = result.ok
    ? new Map(result.signoffs.map((s) => [s.seq, s.witnesses.map((w) => w.id)]))
    : signersByEntry(rows, verifiedBefore);
  return (
    <table className="entries" data-testid="transcript-entries">
      <caption className="visually-hidden">Transcript entries</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Step</th>
          <th scope="col">Time</th>
          <th scope="col">Signed by</th>
          <th scope="col">Check</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const state = result.ok ? 'ok' : r.position === firstBad ? 'bad' : r.position < verifiedBefore ? 'ok' : 'unchecked';
          const who = r.kind === 'signoff' || r.kind === 'sign-off' ? signsText(r, rows) : (signers.get(r.position) ?? []).join(', ') || '—';
          const rowsOut = [
            <tr key={r.position} className={state} data-testid={`entry-${r.position}`} data-state={state}>
              <td>{r.position}</td>
              <td data-kind={r.kind}>{stepName(r.kind)}</td>
              <td>{formatUtc(r.at)}</td>
              <td>{who}</td>
              <td className="check" aria-label={state === 'ok' ? 'checks out' : state === 'bad' ? 'broken' : 'not checked'}>
                {state === 'ok' ? '✓' : state === 'bad' ? '✗' : '–'}
              </td>
            </tr>,
          ];
          if (state === 'bad' && !result.ok) {
            rowsOut.push(
              <tr key={`${r.position}-detail`} className="bad-detail" data-testid="entry-bad-detail">
                <td colSpan={5}>
                  <strong>First broken entry.</strong> {MEANING[result.code]} Entries after it are not checked.
                </td>
              </tr>,
            );
          }
          return rowsOut;
        })}
      </tbody>
    </table>
  );
}
