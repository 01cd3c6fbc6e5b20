/**
 * Small form controls for the plan screen. Each control is labelled, owns one or more plan field paths (as core names
 * them, e.g. `custodians[1].name`), and shows the problems core reports for those paths right under its label once the
 * person has left the field or tried to save. Test ids are the field paths themselves.
 */
import { createContext, useContext, useId } from 'react';
import { domIdOf } from './check';
import type { FormProblem } from './problemWords';

export interface ProblemView {
  /** Problems for exactly these paths that should be shown now (`always`: even before the field was touched). */
  problemsAt(paths: readonly string[], always?: boolean): FormProblem[];
  touch(path: string): void;
}

/** Core writes problems as clauses ("the label is empty; write it in."); shown alone they start with a capital. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export const ProblemContext = createContext<ProblemView>({ problemsAt: () => [], touch: () => {} });

function ProblemText({ problems, path }: { problems: FormProblem[]; path: string }) {
  if (problems.length === 0) return null;
  return (
    <span id={`${domIdOf(path)}-problem`} data-testid={`problem-${path}`}>
      {problems.map((p, i) => (
        <span key={i} className="problem">
          {sentence(p.message)}
        </span>
      ))}
    </span>
  );
}

interface FieldProps {
  readonly path: string;
  readonly label: string;
  readonly hint?: string;
  /** Extra field paths whose problems belong here too. */
  readonly alsoPaths?: readonly string[];
  readonly narrow?: boolean;
}

function useFieldProblems(path: string, alsoPaths: readonly string[] = []) {
  const view = useContext(ProblemContext);
  const problems = view.problemsAt([path, ...alsoPaths]);
  return { problems, touch: () => view.touch(path) };
}

export function TextField(props: FieldProps & { value: string; onChange: (v: string) => void; multiline?: boolean; placeholder?: string }) {
  const { path, label, hint, value, onChange, multiline, placeholder, narrow } = props;
  const { problems, touch } = useFieldProblems(path, props.alsoPaths);
  const id = domIdOf(path);
  const hintId = useId();
  const describedBy = [hint ? hintId : '', problems.length ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    'data-testid': path,
    'aria-invalid': problems.length > 0 || undefined,
    'aria-describedby': describedBy,
    placeholder,
    onBlur: touch,
    spellCheck: false,
  };
  return (
    <div className={`field${problems.length ? ' has-problem' : ''}${narrow ? ' narrow' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ProblemText problems={problems} path={path} />
      {multiline ? (
        <textarea {...common} onChange={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <input type="text" autoComplete="off" {...common} onChange={(e) => onChange(e.currentTarget.value)} />
      )}
    </div>
  );
}

export function NumberField(props: FieldProps & { value: string; onChange: (v: string) => void; min?: number; max?: number }) {
  const { path, label, hint, value, onChange, min, max } = props;
  const { problems, touch } = useFieldProblems(path, props.alsoPaths);
  const id = domIdOf(path);
  const hintId = useId();
  const describedBy = [hint ? hintId : '', problems.length ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field narrow${problems.length ? ' has-problem' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ProblemText problems={problems} path={path} />
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={value}
        data-testid={path}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={describedBy}
        onBlur={touch}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    </div>
  );
}

export function SelectField<V extends string>(
  props: FieldProps & { value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void },
) {
  const { path, label, hint, value, options, onChange } = props;
  const { problems, touch } = useFieldProblems(path, props.alsoPaths);
  const id = domIdOf(path);
  const hintId = useId();
  const describedBy = [hint ? hintId : '', problems.length ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${problems.length ? ' has-problem' : ''}${props.narrow ? ' narrow' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <ProblemText problems={problems} path={path} />
      <select
        id={id}
        value={value}
        data-testid={path}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={describedBy}
        onBlur={touch}
        onChange={(e) => onChange(e.currentTarget.value as V)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group of radio buttons (arrow keys move between them, as browsers do for one name). */
export function RadioGroup<V extends string>(
  props: FieldProps & { value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void },
) {
  const { path, label, hint, value, options, onChange } = props;
  const { problems, touch } = useFieldProblems(path, props.alsoPaths);
  const name = useId();
  const id = domIdOf(path);
  return (
    <div className={`field${problems.length ? ' has-problem' : ''}`} role="radiogroup" aria-labelledby={`${id}-label`} id={id}>
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      {hint ? <span className="hint">{hint}</span> : null}
      <ProblemText problems={problems} path={path} />
      <div className="choice-row">
        {options.map((o) => (
          <label key={o.value} className="radio">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              data-testid={`${path}=${o.value}`}
              onBlur={touch}
              onChange={() => onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </div>
  );
}

/**
 * Problems for a whole section that no single control owns (e.g. "nobody holds share 3"). `always` shows them at
 * once: used where a problem can only come from something the person just did (share assignment).
 */
export function SectionProblems({ paths, testId, always = false }: { paths: readonly string[]; testId: string; always?: boolean }) {
  const view = useContext(ProblemContext);
  const problems = view.problemsAt(paths, always);
  if (problems.length === 0) return null;
  return (
    <div className="field has-problem" data-testid={testId}>
      {problems.map((p, i) => (
        <span key={i} className="problem">
          {sentence(p.message)}
        </span>
      ))}
    </div>
  );
}
