/**
 * Shard material on screen is for reading, never for the clipboard: these handlers cancel copy, cut, drag and the
 * context menu on the element that shows it (CSS `user-select: none` keeps it from being selected in the first place).
 */
const cancel = (e: { preventDefault(): void }): void => e.preventDefault();

export const NO_COPY = {
  onCopy: cancel,
  onCut: cancel,
  onDragStart: cancel,
  onContextMenu: cancel,
} as const;
