/**
 * The files the signing and custody screens hand to main by a choice in main's own dialog, never read here: a
 * witness's key file (main opens it with the passphrase typed for that one signature) and where a transcript is saved
 * (main writes it, never over an existing file). The lifecycle screens choose files the same way.
 */
import { type ReactNode, useId, useState } from 'react';
import { ChooseFileButton, type ChosenFile } from '../components/ChooseFileButton';
import type { W } from './parts';

/** Main's dialog did not open: said under the button, nothing else changes. */
function DialogProblem({ w, testId }: { w: W; testId: string }) {
  return (
    <p className="hint" role="alert" data-testid={`${testId}-dialog-problem`}>
      {w('save.dialog.problem')}
    </p>
  );
}

/** A witness's own act for one signature: their key file, chosen in main's dialog, and its passphrase typed unseen. */
export function WitnessKeyAct({ w, busy, label, onAct, testId }: { w: W; busy: boolean; label: string; onAct: (act: { keyFilePath: string; passphrase: string }) => Promise<boolean>; testId: string }) {
  const [keyFile, setKeyFile] = useState<ChosenFile | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState(false);
  const passId = useId();
  return (
    <div className="witness-act" data-testid={testId}>
      <div className="actions">
        <ChooseFileButton
          purpose="witness-key"
          label={w('signoff.keyFile')}
          variant="secondary"
          testId={`${testId}-key-file`}
          onChosen={(f) => {
            setProblem(false);
            setKeyFile(f);
          }}
          onError={() => setProblem(true)}
        />
        {keyFile ? <span data-testid={`${testId}-key-file-name`}>{`${w('signoff.keyFile.loaded')}: ${keyFile.name}`}</span> : null}
      </div>
      {problem ? <DialogProblem w={w} testId={testId} /> : null}
      <div className="field">
        <label htmlFor={passId}>{w('signoff.passphrase')}</label>
        <input id={passId} type="password" className="passphrase-input" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} autoComplete="off" spellCheck={false} data-testid={`${testId}-passphrase`} />
      </div>
      <div className="actions">
        <button
          type="button"
          className="button"
          data-primary
          disabled={busy || keyFile === null || passphrase === ''}
          data-testid={`${testId}-sign`}
          onClick={async () => {
            // The passphrase is cleared after each try, right or wrong: it is typed again for the next signature.
            if (keyFile !== null) await onAct({ keyFilePath: keyFile.path, passphrase });
            setPassphrase('');
          }}
        >
          {label}
        </button>
      </div>
    </div>
  );
}

/** Witnesses for the plan: each key file chosen in main's dialog (main reads their ids and public keys at the start). */
export function WitnessFilesChooser({ w, files, onChange, testId, loadedTestId }: { w: W; files: readonly ChosenFile[]; onChange: (files: ChosenFile[]) => void; testId: string; loadedTestId: string }) {
  const [problem, setProblem] = useState(false);
  return (
    <div className="field">
      <span className="label">{w('setup.witnesses')}</span>
      <ChooseFileButton
        purpose="witness-key"
        label={w('setup.witness.add')}
        variant="secondary"
        testId={testId}
        onChosen={(f) => {
          setProblem(false);
          if (!files.some((x) => x.path === f.path)) onChange([...files, f]);
        }}
        onError={() => setProblem(true)}
      />
      {files.length > 0 ? <span data-testid={loadedTestId}> {files.map((x) => x.name).join(', ')}</span> : null}
      {problem ? <DialogProblem w={w} testId={testId} /> : null}
    </div>
  );
}

/**
 * "Save the transcript": a new file named in main's save dialog; main writes the record there. A name already taken is
 * refused by main (FILE_EXISTS, shown by the screen's error panel) and the person chooses again.
 */
export function SaveTranscript({ w, suggestedName, onSave, testId, leave }: { w: W; suggestedName: string; onSave: (path: string) => Promise<{ name: string } | null>; testId: string; leave: (primary: boolean) => ReactNode }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState(false);
  // The one primary action until the record is on the stick; then leaving the screen is.
  const primary = saved === null;
  return (
    <div data-testid={testId}>
      <div className="actions">
        <ChooseFileButton
          purpose="transcript-file"
          label={w('sealed.save')}
          suggestedName={suggestedName}
          variant={primary ? 'primary' : 'secondary'}
          testId={`${testId}-choose`}
          onChosen={async (f) => {
            setProblem(false);
            const r = await onSave(f.path);
            if (r !== null) setSaved(r.name);
          }}
          onError={() => setProblem(true)}
        />
        {leave(!primary)}
      </div>
      {saved !== null ? (
        <p className="hint" data-testid={`${testId}-saved`}>
          {w('save.saved', { name: saved })}
        </p>
      ) : null}
      {problem ? <DialogProblem w={w} testId={testId} /> : null}
    </div>
  );
}
