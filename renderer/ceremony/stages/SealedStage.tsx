import { useEffect, useMemo, useState } from 'react';
import type { VerifyOk } from '../../../core/transcript';
import { hrefOf } from '../../app/routes';
import { ErrorPanel } from '../../components/ErrorPanel';
import { FilePicker } from '../../components/FilePicker';
import { ScreenTitle } from '../../components/Shell';
import { MAX_TRANSCRIPT_BYTES, verifyText, type LoadedTranscript } from '../../transcript/readTranscript';
import { TranscriptVerdict } from '../../transcript/TranscriptView';
import type { StageProps } from '../context';
import { dirOf } from '../names';
import { CeremonySummary } from '../parts/CeremonySummary';

/** "Treasury seed 2025" -> "treasury-seed-2025". */
function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'ceremony';
}

/**
 * The end: the final hash, large, to be written on paper; the transcript file checked in this window against that
 * hash, a copy to save (download), and a printable summary made from the verified transcript.
 */
export function SealedStage({ status, plan }: Pick<StageProps, 'status'> & { readonly plan: StageProps['plan'] | null }) {
  const head = status.transcript.headHash ?? '';
  const [loaded, setLoaded] = useState<(LoadedTranscript & { text: string }) | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const ok: VerifyOk | null = loaded?.result.ok ? loaded.result : null;
  const url = useMemo(() => (ok && loaded ? URL.createObjectURL(new Blob([loaded.text], { type: 'application/json' })) : null), [ok, loaded]);
  useEffect(() => () => (url === null ? undefined : URL.revokeObjectURL(url)), [url]);

  const open = async (file: File): Promise<void> => {
    setTooLarge(file.size > MAX_TRANSCRIPT_BYTES);
    if (file.size > MAX_TRANSCRIPT_BYTES) return setLoaded(null);
    const text = await file.text();
    setLoaded({ ...verifyText(file.name, text, head), text });
  };

  const groups = head.match(/.{1,4}/g) ?? [];
  return (
    <>
      <ScreenTitle>The ceremony is sealed</ScreenTitle>
      <p className="lead">Write the final hash on the paper record now; each witness checks it group by group. Anyone can later check the transcript against it.</p>
      <figure className="final-hash" data-testid="final-hash" data-hash={head} aria-label={`Final hash ${head}`}>
        <ol className="fingerprint-groups hash-groups">
          {groups.map((g, i) => (
            <li key={i}>
              <span className="fingerprint-n" aria-hidden="true">
                {i + 1}
              </span>
              <span className="fingerprint-g">{g}</span>
            </li>
          ))}
        </ol>
      </figure>
      <section className="panel" data-testid="transcript-export">
        <h2>The transcript</h2>
        <p>
          keyshard wrote it to <span className="mono" data-testid="transcript-path">{status.transcript.path}</span> ({status.transcript.entries} entries), next to the
          plan in <span className="mono">{dirOf(status.transcript.path)}</span>. Choose that file: keyshard checks it against the final hash,
          then you can save a copy (for the ceremony&apos;s USB stick) and print the summary.
        </p>
        <div className="actions top">
          <FilePicker label="Choose the transcript file" accept=".json,application/json" onFile={(f) => void open(f)} testId="sealed-transcript-file" />
        </div>
        {tooLarge ? (
          <ErrorPanel title="This file is too large to be a transcript" testId="sealed-too-large" error={{ code: 'TRANSCRIPT_FORMAT', message: 'The chosen file is far larger than any transcript.', todo: `Choose ${status.transcript.path}.` }} />
        ) : null}
        {loaded ? <TranscriptVerdict loaded={loaded} /> : null}
        {ok && url ? (
          <div className="actions">
            <a className="button" href={url} download={`${slug(plan?.label ?? status.label ?? '')}.transcript.json`} data-testid="transcript-download">
              Save a copy of the transcript (JSON)
            </a>
            {plan ? (
              <button type="button" className="button secondary" onClick={() => window.print()} data-testid="print-summary">
                Print the ceremony summary
              </button>
            ) : (
              <p className="muted">To print the summary, this window needs the ceremony&apos;s plan file (above).</p>
            )}
          </div>
        ) : null}
      </section>
      <div className="actions">
        <a className="button secondary" href={hrefOf('start')} data-testid="sealed-home">
          Back to the start screen
        </a>
      </div>
      {ok && plan ? <CeremonySummary plan={plan} status={status} verified={ok} /> : null}
    </>
  );
}
