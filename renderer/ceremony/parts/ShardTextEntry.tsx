import { useId, useState } from 'react';

const NONE: readonly number[] = [];

interface Props {
  readonly testId?: string;
  /** Character groups main reported as different (1-based, as printed). */
  readonly differs?: readonly number[];
  /** Groups the shard text has, when known (for the live count). */
  readonly expectedGroups?: number;
  readonly onChange: (text: string) => void;
  readonly autoFocus?: boolean;
}

/** Groups of four characters in a typed shard text (without the KS1 prefix), for the live count. */
export function groupsIn(text: string): number {
  const body = text.replace(/\s+/g, '').toUpperCase().replace(/^KS1/, '');
  return Math.ceil(body.length / 4);
}

/**
 * SECRET input: a verifiable share's text typed back from paper ("KS1 ABCD EFGH ..."), spaces and line breaks as
 * printed or not at all. The count of groups shows as it is typed; groups main found different are named.
 */
export function ShardTextEntry({ testId = 'shard-text-entry', differs = NONE, expectedGroups, onChange, autoFocus = true }: Props) {
  const [text, setText] = useState('');
  const id = useId();
  const groups = groupsIn(text);
  return (
    <div className="field shard-text-entry">
      <label htmlFor={id}>The shard text, exactly as printed (spaces and line breaks do not matter)</label>
      <p className="word-count" role="status" data-testid={`${testId}-count`}>
        {groups} {expectedGroups !== undefined ? `of ${expectedGroups} ` : ''}groups of four typed
        {differs.length > 0 ? <strong className="problem-inline">; differing: group {differs.join(', ')}</strong> : null}
      </p>
      <textarea
        id={id}
        className="mono shard-text-input"
        rows={6}
        autoFocus={autoFocus}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        value={text}
        aria-invalid={differs.length > 0 || undefined}
        data-testid={testId}
        onChange={(e) => {
          setText(e.currentTarget.value);
          onChange(e.currentTarget.value);
        }}
      />
    </div>
  );
}
