import { useId, useRef } from 'react';

interface Props {
  readonly label: string;
  readonly accept: string;
  readonly onFile: (file: File) => void;
  readonly testId: string;
  readonly variant?: 'primary' | 'secondary';
}

/**
 * A file input that looks like a big button and works from the keyboard (Enter or Space opens the chooser). The input
 * stays in the tab order (visually hidden) so tests and assistive technology reach the real control.
 */
export function FilePicker({ label, accept, onFile, testId, variant = 'primary' }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="file-picker">
      <input
        id={id}
        ref={input}
        type="file"
        accept={accept}
        aria-label={label}
        data-testid={testId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) onFile(file);
          // Let the same file be chosen again after an error is fixed.
          e.currentTarget.value = '';
        }}
      />
      <label htmlFor={id} className={variant === 'primary' ? 'button' : 'button secondary'}>
        {label}
      </label>
    </span>
  );
}
