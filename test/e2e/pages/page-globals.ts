/**
 * The few browser globals the ceremony specs use inside page functions. The test project type-checks without the DOM
 * library (it is Node code), so page functions cast `globalThis` to this shape. Types only: page functions are
 * serialized into the page and cannot import anything at run time.
 */
export interface PageElement {
  querySelector(selector: string): PageElement | null;
  dispatchEvent(event: unknown): boolean;
  getAttribute(name: string): string | null;
}

export interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; activeElement: PageElement | null };
  getComputedStyle(element: unknown): { userSelect: string };
  getSelection(): { toString(): string } | null;
  Event: new (type: string, init: { bubbles: boolean; cancelable: boolean }) => { readonly defaultPrevented: boolean };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: unknown): void; disconnect(): void };
  performance: { now(): number };
  setTimeout(callback: () => void, ms: number): number;
  requestAnimationFrame(callback: (time: number) => void): number;
  print: () => void;
  __printed: number;
}
