/**
 * A final hash typed from the paper record: its 64 hex digits, or its 20 words to read aloud. Main reads either
 * (core/recovery-trust parseFinalHashInput: the words stand for the first 128 bits and a wrong word is named by its
 * position), so the field only says both are taken; it adds no line, so no form grows.
 */
import { useT } from '../i18n';

interface Props {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly id?: string;
}

export function FinalHashInput({ value, onChange, testId, id }: Props) {
  const t = useT();
  return (
    <input
      {...(id === undefined ? {} : { id })}
      type="text"
      className="mono"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      placeholder={t('finalHash.placeholder')}
      spellCheck={false}
      autoComplete="off"
      data-testid={testId}
    />
  );
}
