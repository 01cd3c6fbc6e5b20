/**
 * Share extensions' sealed transcripts given beside a SLIP-39 key ceremony's (issue 17): the custody check, the quorum
 * drill and a later extension read extended members from them. Each file is chosen like the key ceremony's transcript
 * and has its own final hash field, typed from that extension's paper record (without it, its members are at most
 * "unverified"). The same file chosen twice is kept once.
 */
import type { Dispatch, SetStateAction } from 'react';
import { FilePicker } from './FilePicker';
import { FinalHashInput } from './FinalHashInput';

export interface ExtensionFile {
  readonly name: string;
  readonly text: string;
  readonly finalHash: string;
}

/** What main's custody:check, custody:drill-start and extend:start take for the files given. */
export function extensionsRequest(files: readonly ExtensionFile[]): { transcriptText: string; finalHash?: string }[] {
  return files.map((x) => ({ transcriptText: x.text, ...(x.finalHash.trim() === '' ? {} : { finalHash: x.finalHash.trim() }) }));
}

interface Props {
  readonly files: readonly ExtensionFile[];
  readonly setFiles: Dispatch<SetStateAction<ExtensionFile[]>>;
  /** The field's words: what to give, the button, and each file's final hash label ({name} filled in). */
  readonly label: string;
  readonly addLabel: string;
  readonly hashLabel: (name: string) => string;
  /** The picker's test id; the field is `${testId}s`, the hash fields `${testId}-hash-N`. */
  readonly testId: string;
  /** The label's class where the form's other labels are bold ('label'). */
  readonly labelClass?: string;
}

export function ExtensionFiles({ files, setFiles, label, addLabel, hashLabel, testId, labelClass }: Props) {
  return (
    <div className="field" data-testid={`${testId}s`} data-count={files.length}>
      <span className={labelClass}>{label}</span>{' '}
      <FilePicker
        label={addLabel}
        accept=".json,application/json"
        testId={testId}
        variant="secondary"
        onFile={async (f) => {
          const text = await f.text();
          setFiles((xs) => (xs.some((x) => x.text === text) ? xs : [...xs, { name: f.name, text, finalHash: '' }]));
        }}
      />
      {files.map((x, i) => (
        <label className="stacked" key={x.name + String(i)}>
          {hashLabel(x.name)}
          <FinalHashInput value={x.finalHash} onChange={(v) => setFiles((xs) => xs.map((y, j) => (j === i ? { ...y, finalHash: v } : y)))} testId={`${testId}-hash-${i + 1}`} />
        </label>
      ))}
    </div>
  );
}
