interface Props {
  /** 0..1 */
  readonly fraction: number;
  readonly label: string;
  readonly testId: string;
  readonly complete?: boolean;
}

export function ProgressBar({ fraction, label, testId, complete = false }: Props) {
  const percent = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div
      className={`progress${complete ? ' complete' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid={testId}
      data-fraction={fraction.toFixed(3)}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
