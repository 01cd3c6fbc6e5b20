/**
 * Brings the next thing to do into view when it becomes the next thing: its region as far as it fits, then the
 * control itself for sure, which takes the focus without a second jump. For screens taller than a laptop's.
 */
export function bringIntoView(region: HTMLElement | null, target: HTMLElement | null): void {
  region?.scrollIntoView({ block: 'nearest' });
  target?.scrollIntoView({ block: 'nearest' });
  target?.focus({ preventScroll: true });
}
