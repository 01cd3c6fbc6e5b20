/**
 * Checks run on every screen saveScreens captures (issue 14, points 1 and 7), at the smallest review size (1366x768):
 * - nothing needed lies below the fold: the screen's primary action (`data-primary`) and what it asks the person to
 *   read or copy (`data-must-see`) are inside the first viewport, and not scrolled out of a box either;
 * - one primary action: at most one visible, enabled button drawn as primary (a `.button` filled with the accent
 *   colour, --accent or --accent-dark when hovered) on the screen (issue 14.5);
 * - the page does not scroll sideways;
 * - no text runs out of its box sideways, and no word is broken across lines ("pro tected");
 * - axe-core finds no serious or critical violation.
 * Failure messages name elements by test id and tag, and quote text only outside the secret areas (shard words, the
 * recovered secret), so a failing run never prints a secret.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Where secrets are drawn: text inside these is never quoted in a message. */
const SECRET_AREAS = '.shard-secret, .secret-value, .secret-view, .paper-secret, [data-secret]';
/** Buttons that may be drawn as the primary action: the page's accent fill then says which are (see layoutProblems). */
const PRIMARY_BUTTONS = ".button:not(:disabled):not([aria-disabled='true'])";
/** Codes, hex and shard text may wrap anywhere; words inside these are not checked for mid-word breaks. */
const CODE_AREAS = '.mono, code, kbd, pre, samp, [data-wrap-anywhere]';

// The few DOM shapes the page function uses (this project's Node compile has no DOM library).
interface Rect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface Element {
  readonly tagName: string;
  readonly parentElement: Element | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): Element | null;
  getBoundingClientRect(): Rect;
  getClientRects(): Iterable<Rect> & { readonly length: number };
  /** Chromium: false for content the person cannot see (e.g. inside a closed <details>, which still has boxes). */
  checkVisibility?(options?: { readonly contentVisibilityAuto?: boolean; readonly visibilityProperty?: boolean }): boolean;
}
interface TextNode {
  readonly textContent: string | null;
  readonly parentElement: Element | null;
}
interface Style {
  readonly display: string;
  readonly visibility: string;
  readonly overflowX: string;
  readonly overflowY: string;
  readonly backgroundColor: string;
  getPropertyValue(name: string): string;
}
interface Window {
  readonly innerHeight: number;
  getComputedStyle(el: Element): Style;
  readonly document: {
    readonly documentElement: Element & { readonly clientWidth: number; readonly scrollWidth: number };
    readonly body: Element;
    querySelectorAll(selector: string): Iterable<Element>;
    createTreeWalker(root: Element, what: number): { nextNode(): TextNode | null };
    createRange(): {
      selectNodeContents(n: TextNode): void;
      setStart(n: TextNode, offset: number): void;
      setEnd(n: TextNode, offset: number): void;
      getClientRects(): Iterable<Rect>;
    };
  };
}

/** Problems with what the first view shows and how text is laid out; [] when the screen is fine. */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ secretAreas, codeAreas, primaryButtons }) => {
      const w = globalThis as unknown as Window;
      const doc = w.document;
      const vw = doc.documentElement.clientWidth;
      const vh = w.innerHeight;
      const problems: string[] = [];
      const px = (n: number): number => Math.round(n);

      const name = (el: Element): string => {
        const own = el.getAttribute('data-testid');
        const tag = el.tagName.toLowerCase();
        if (own) return `${tag}[${own}]`;
        const holder = el.parentElement?.closest('[data-testid]');
        return holder ? `${tag} in [${holder.getAttribute('data-testid')}]` : tag;
      };
      const quote = (el: Element, text: string): string => (el.closest(secretAreas) ? '(secret text)' : JSON.stringify(text.trim().slice(0, 40)));
      const shown = (el: Element): boolean => {
        const r = el.getBoundingClientRect();
        return el.getClientRects().length > 0 && w.getComputedStyle(el).visibility !== 'hidden' && r.width > 1 && r.height > 1;
      };
      const clips = (el: Element): boolean => {
        const s = w.getComputedStyle(el);
        return s.overflowX !== 'visible' || s.overflowY !== 'visible';
      };

      // One primary action per screen: a second solid button makes the person choose which is "the" next step. What
      // counts is what is drawn: a button filled with the accent colour (hovered: its dark shade).
      const rootStyle = w.getComputedStyle(doc.documentElement);
      const fills = new Set(
        ['--accent', '--accent-dark'].map((v) => {
          const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(rootStyle.getPropertyValue(v).trim());
          return hex === null ? '' : `rgb(${hex.slice(1).map((h) => parseInt(h, 16)).join(', ')})`;
        }),
      );
      const primaries = [...doc.querySelectorAll(primaryButtons)].filter(
        (el) => shown(el) && el.checkVisibility?.({ contentVisibilityAuto: true, visibilityProperty: true }) !== false && fills.has(w.getComputedStyle(el).backgroundColor),
      );
      if (primaries.length > 1) problems.push(`${primaries.length} primary buttons are visible (one per screen; make the others secondary): ${primaries.map(name).join(', ')}`);

      const root = doc.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);

      // Needed things: inside the window as first seen, and not hidden in a box scrolled elsewhere.
      for (const el of doc.querySelectorAll('[data-primary], [data-must-see]')) {
        if (!shown(el)) continue;
        const what = el.hasAttribute('data-must-see') ? 'content to read' : 'the primary action';
        const r = el.getBoundingClientRect();
        if (r.top < -0.5 || r.left < -0.5 || r.bottom > vh + 0.5 || r.right > vw + 0.5) {
          problems.push(`${what} ${name(el)} is outside the first ${vw}x${vh} view (${px(r.left)},${px(r.top)} to ${px(r.right)},${px(r.bottom)})`);
          continue;
        }
        for (let a = el.parentElement; a !== null && a !== doc.body; a = a.parentElement) {
          if (!clips(a)) continue;
          const b = a.getBoundingClientRect();
          if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5 || r.left < b.left - 0.5 || r.right > b.right + 0.5) {
            problems.push(`${what} ${name(el)} is cut off by ${name(a)}`);
            break;
          }
        }
      }

      // Text: each text node within the box that lays it out (its nearest non-inline ancestor), words whole.
      const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
      const range = doc.createRange();
      const reported = new Set<Element>();
      for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const parent = n.parentElement;
        if (parent === null || text.trim() === '' || !shown(parent)) continue;
        if (parent.closest('script, style, noscript, option, svg')) continue;
        let box: Element = parent;
        while (box.parentElement !== null && w.getComputedStyle(box).display.startsWith('inline')) box = box.parentElement;
        range.selectNodeContents(n);
        const lines = [...range.getClientRects()].filter((r) => r.width > 0);
        const b = box.getBoundingClientRect();
        if (!reported.has(box) && lines.some((r) => r.right > b.right + 1 || r.left < b.left - 1)) {
          reported.add(box);
          problems.push(`text ${quote(parent, text)} runs out of its box ${name(box)} (box ${px(b.left)} to ${px(b.right)} px)`);
        }
        if (lines.length < 2 || parent.closest(codeAreas)) continue;
        // Words are runs of letters between spaces or hyphens; a token with digits, slashes or dots in it (a file name,
        // a path, a code) may break where it must.
        words: for (const token of text.matchAll(/\S+/g)) {
          const bare = token[0].replace(/^[("'‘“]+|[)"'’”.,;:!?…]+$/gu, '');
          if (!/^\p{L}[\p{L}'’-]*$/u.test(bare)) continue;
          for (const part of bare.matchAll(/\p{L}{2,}/gu)) {
            const at = token.index + token[0].indexOf(bare) + part.index;
            range.setStart(n, at);
            range.setEnd(n, at + part[0].length);
            const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (tops.size > 1) {
              problems.push(`a word is broken across lines in ${name(box)}: ${quote(parent, part[0])}`);
              break words;
            }
          }
        }
      }
      return problems;
    },
    { secretAreas: SECRET_AREAS, codeAreas: CODE_AREAS, primaryButtons: PRIMARY_BUTTONS },
  );
}

/** axe-core's serious and critical violations: rule, impact, and where (CSS selectors, never the element's text). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `axe ${v.id} (${v.impact}): ${v.help}; at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`);
}
