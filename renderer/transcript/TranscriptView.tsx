import { expectedFromTranscript, parseWitnessKeyFingerprintInput, signoffsWithKeys, type ExpectedFingerprint } from '../../core/recovery-trust';
import type { VerifyFailure, VerifyOk } from '../../core/transcript';
import { ErrorPanel } from '../components/ErrorPanel';
import { SpokenWords } from '../components/SpokenWords';
import { todoFor } from '../components/errors';
import { formatUtc, type EntryRow, type LoadedTranscript } from './readTranscript';
import { signedSteps } from '../../core/signed-steps';
import { checkpointName, stepName } from '../../core/step-names';
import { transcriptEnd } from '../../core/transcript-status';

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

interface VerdictProps {
  readonly loaded: LoadedTranscript;
  /** Witness key fingerprints the team recorded, as typed (the verify screen). */
  readonly pins?: readonly string[];
  /** 'resume': an interrupted ceremony's transcript, which has no seal yet by nature. */
  readonly mode?: 'verify' | 'resume';
}

/** The typed pins that are key fingerprints (lowercase hex), and how many typed lines are not. */
function parsedPins(typed: readonly string[]): { pins: string[]; bad: number } {
  const pins: string[] = [];
  let bad = 0;
  for (const t of typed) {
    try {
      pins.push(parseWitnessKeyFingerprintInput(t));
    } catch {
      bad++;
    }
  }
  return { pins, bad };
}

/** Where the recorded fingerprint's trust comes from (core/recovery-trust), or null when there is none to give. */
function fingerprintTrust(result: VerifyOk, finalHash: string | undefined, pins: readonly string[]): ExpectedFingerprint | null {
  try {
    return expectedFromTranscript(result, { ...(finalHash === undefined ? {} : { finalHash }), witnessKeys: pins });
  } catch {
    return null;
  }
}

function TrustLine({ trust }: { trust: ExpectedFingerprint }) {
  const pinnedBy = [...new Set(trust.bindingSignoffs.filter((b) => b.pinned).map((b) => `${b.witnessId} at the ${stepName(b.targetKind).toLowerCase()}`))];
  return (
    <p className={trust.verified ? 'ok-line' : 'warn-text'} data-testid="transcript-fingerprint-trust" data-source={trust.source} data-verified={trust.verified}>
      {trust.source === 'final-hash'
        ? '✓ Verified: the file ends at the final hash you typed from the paper record.'
        : trust.source === 'witness-keys'
          ? `✓ Verified: signed off with a witness key you pinned (${pinnedBy.join('; ')}).`
          : trust.source === 'transcript-unfinished'
            ? "Not verified: the ceremony was aborted or did not reach its seal, so nothing typed or pinned vouches for this fingerprint."
            : 'Not verified yet: anyone can write a transcript that checks out. Type the final hash from the paper record above, or the witness key fingerprints the team recorded.'}
    </p>
  );
}

export function TranscriptVerdict({ loaded, pins: typedPins = [], mode = 'verify' }: VerdictProps) {
  const { result } = loaded;
  if (result.ok) {
    // Steps as main's transcript:verify lists them: the sign-off records and signatures are signers, not steps.
    const steps = signedSteps(result);
    const signed = steps.filter((s) => s.witnessIds.length > 0).length;
    const fingerprint = recordedFingerprint(result);
    // Sealed as core/ceremony replays it: the seal with its required sign-offs, nothing else after it, no abort.
    const end = transcriptEnd(result);
    const sealed = end.status === 'sealed';
    const unsealed = mode === 'verify' && !sealed;
    const { pins, bad } = parsedPins(typedPins);
    const keys = new Map<string, { id: string; algorithm: string; keyFingerprint: string; pinned: boolean }>();
    for (const s of signoffsWithKeys(result, pins)) if (!keys.has(s.keyFingerprint)) keys.set(s.keyFingerprint, { id: s.witnessId, algorithm: s.algorithm, keyFingerprint: s.keyFingerprint, pinned: s.pinned });
    const trust = mode === 'verify' ? fingerprintTrust(result, loaded.finalHash, pins) : null;
    return (
      <section
        className={unsealed ? 'summary-warn' : 'summary-ok'}
        data-testid={unsealed ? 'transcript-unsealed' : 'transcript-ok'}
        data-sealed={sealed}
        data-status={end.status}
        role="status"
        aria-labelledby="transcript-ok-title"
      >
        <h2 id="transcript-ok-title">
          {unsealed
            ? end.status === 'aborted'
              ? `Not sealed: the ceremony was aborted at entry ${end.abortSeq ?? ''}`
              : 'Not sealed: the ceremony did not finish, or the file was cut short'
            : sealed && mode === 'verify'
              ? `✓ Every entry checks out, sealed at entry ${end.sealSeq ?? ''}`
              : '✓ Every entry checks out'}
        </h2>
        {unsealed ? (
          <p data-testid="transcript-unsealed-text">
            {end.why} These entries link and their signatures hold, but this is not a finished ceremony&apos;s record. Use the
            sealed transcript from the ceremony&apos;s USB stick.
          </p>
        ) : null}
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
          <dd data-testid="transcript-witness-keys">
            {keys.size === 0 ? (
              'No witness signed any step.'
            ) : (
              <ul className="witness-key-list">
                {[...keys.values()].map((k) => (
                  <li key={k.keyFingerprint} data-testid={`witness-key-${k.id}`} data-pinned={k.pinned}>
                    {k.id} ({k.algorithm}): <span className="mono">{groupHex(k.keyFingerprint.slice(0, 32))}</span>
                    {k.pinned ? ' ✓ pinned' : ''}
                  </li>
                ))}
              </ul>
            )}
            {bad > 0 ? <span className="warn-text"> {bad === 1 ? 'One typed witness key fingerprint is' : `${bad} typed witness key fingerprints are`} not 64 (or 32) hex digits.</span> : null}
          </dd>
          {fingerprint ? (
            <>
              <dt>Key fingerprint</dt>
              <dd className="mono hash" data-testid="transcript-fingerprint" data-hex={fingerprint.hex} aria-label={`Key fingerprint ${fingerprint.display}`}>
                {fingerprint.display}
                <span className="visually-hidden"> (recorded at the {fingerprint.kind} step)</span>
              </dd>
              <dd>
                <SpokenWords hex={fingerprint.hex} testId="transcript-fingerprint-words" what="Key fingerprint" />
              </dd>
            </>
          ) : null}
          <dt>Final hash</dt>
          <dd className="mono hash" data-testid="transcript-head" data-hash={result.headHash} aria-label={`Final hash ${result.headHash}`}>
            {/* Two lines of eight groups, as on the sealed screen and the printed summary. */}
            <span className="hash-line">{groupHex(result.headHash.slice(0, 32))}</span>{' '}
            <span className="hash-line">{groupHex(result.headHash.slice(32))}</span>
          </dd>
          <dd>
            <SpokenWords hex={result.headHash} testId="transcript-head-words" what="Final hash" />
          </dd>
        </dl>
        {trust ? <TrustLine trust={trust} /> : null}
        {loaded.finalHash === undefined ? (
          <p className="error-todo">Compare the final hash with the one written on the paper record: a shorter file also checks out.</p>
        ) : null}
        {fingerprint && mode === 'verify' ? (
          <p className="muted" data-testid="transcript-fingerprint-note">
            A key recovered from this ceremony&apos;s shards must have the key fingerprint above. The recovery screen checks it
            when it is given this file; with the final hash from the paper record, its answer is verified.
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
