import { createPortal } from 'react-dom';

interface Props {
  readonly testId: string;
  readonly children: React.ReactNode;
}

/**
 * A print-only layout, rendered next to the app (a child of <body>, not inside it): on screen it is hidden; when
 * printing, the app is hidden and only this sheet goes to paper (styles.css, `@media print`). Main prints the page
 * (`window.print()`); the tests print it to PDF.
 */
export function PrintSheet({ testId, children }: Props) {
  return createPortal(
    <div className="print-sheet" data-testid={testId}>
      {children}
    </div>,
    document.body,
  );
}

/** "2025-03-01 10:00 UTC" for printed pages. */
export function printedAt(date = new Date()): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
