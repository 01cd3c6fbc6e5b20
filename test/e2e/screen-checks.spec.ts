/**
 * The checks saveScreens runs on every screen (screen-checks.ts) catch what they are for: a page built with each fault
 * is reported, and the same page without it is not. The pages are written here, so each fault is known.
 */
import { expect, test } from './fixtures';
import { accessibilityProblems, layoutProblems } from './screen-checks';

const PAGE = (body: string): string => `<!doctype html><html lang="en"><head><title>check</title>
<style>body{margin:0;font:16px sans-serif} .box{width:200px} .col{width:120px}</style></head>
<body><main><h1>Check</h1>${body}</main></body></html>`;

test('the layout check finds a needed thing below the fold, sideways scrolling, text out of its box and a word broken mid-word', async ({ launch }) => {
  const { page } = await launch({ viewport: { width: 1366, height: 768 } });

  await page.setContent(PAGE(`<p>Fine text in a wide box.</p><button data-primary>Go</button><ol data-must-see><li>word</li></ol>`));
  expect(await layoutProblems(page)).toEqual([]);

  await page.setContent(PAGE(`<div style="height:900px"></div><button data-primary data-testid="go">Go</button>`));
  expect(await layoutProblems(page)).toEqual([expect.stringMatching(/^the primary action button\[go\] is outside the first 1366x768 view/)]);

  await page.setContent(PAGE(`<div style="height:900px"></div><ol data-must-see data-testid="words"><li>word</li></ol>`));
  expect(await layoutProblems(page)).toEqual([expect.stringMatching(/^content to read ol\[words\] is outside/)]);

  // In view on the page, but scrolled out of its own box.
  await page.setContent(PAGE(`<div data-testid="pane" style="height:100px;overflow:auto"><div style="height:300px"></div><button data-primary>Go</button></div>`));
  expect(await layoutProblems(page)).toEqual([expect.stringMatching(/^the primary action button in \[pane\] is cut off by div\[pane\]/)]);

  await page.setContent(PAGE(`<div style="width:1985px">wide</div>`));
  expect(await layoutProblems(page)).toContain('the page scrolls sideways: 1985 px wide in a 1366 px window');

  await page.setContent(PAGE(`<div class="box" data-testid="box">/media/usb/a_very_long_folder_name_without_spaces/shard_file.json</div>`));
  expect(await layoutProblems(page)).toEqual([expect.stringMatching(/^text "\/media\/usb\/a_very_long.*runs out of its box div\[box\]/)]);

  await page.setContent(PAGE(`<p class="col" data-testid="p" style="word-break:break-all">The shard file is protected by a key</p>`));
  expect(await layoutProblems(page)).toEqual([expect.stringMatching(/^a word is broken across lines in p\[p\]: "/)]);
  // The same text where words may wrap only between words: no problem.
  await page.setContent(PAGE(`<p class="col">The shard file is protected by a key</p>`));
  expect(await layoutProblems(page)).toEqual([]);
  // A file name may break where it must (it has no word boundary); the words around it stay whole.
  await page.setContent(PAGE(`<p class="col" style="overflow-wrap:anywhere">File keyshard1e5b5be6277b5e017f147b95e5808871.txt is protected</p>`));
  expect(await layoutProblems(page)).toEqual([]);
  // Codes may break anywhere, and text in secret areas is never quoted.
  await page.setContent(PAGE(`<p class="col mono" style="word-break:break-all">abcdefabcdefabcdefabcdef</p>`));
  expect(await layoutProblems(page)).toEqual([]);
  await page.setContent(PAGE(`<div class="box shard-secret" data-testid="secret">academicacademicacademicacademicacademic</div>`));
  expect(await layoutProblems(page)).toEqual(['text (secret text) runs out of its box div[secret] (box 0 to 200 px)']);
});

test('the layout check finds more than one visible primary button, and counts only filled, enabled, shown ones', async ({ launch }) => {
  const { page } = await launch({ viewport: { width: 1366, height: 768 } });
  // The app's way of drawing buttons (styles.css, in short): the primary is filled with the accent colour.
  const styles = `<style>:root{--accent:#1d4ed8;--accent-dark:#153a9f} .button{background:var(--accent);color:#fff} .button:hover{background:var(--accent-dark)}
.button.secondary,.button.quiet,.button.danger,.turned .button{background:#fff;color:#000} .button:disabled,.button[aria-disabled='true']{background:#d9d9d9;color:#505a5f}</style>`;
  const three = `<button class="button" data-testid="a">Continue</button><button class="button" data-testid="b">Check</button><label class="button" data-testid="c">Choose</label>`;
  await page.setContent(PAGE(styles + three));
  expect(await layoutProblems(page)).toEqual(['3 primary buttons are visible (one per screen; make the others secondary): button[a], button[b], label[c]']);
  // Hovered, a primary's fill is the dark shade: it still counts.
  await page.getByTestId('a').hover();
  expect(await layoutProblems(page)).toEqual(['3 primary buttons are visible (one per screen; make the others secondary): button[a], button[b], label[c]']);
  // One primary; the others outlined (by class or by the screen's state), quiet, danger, disabled or hidden: no problem.
  await page.setContent(
    PAGE(`${styles}<div class="turned"><button class="button">Outlined by the screen's state</button></div><button class="button">Continue</button>
<button class="button secondary">Check</button><button class="button quiet">Later</button><button class="button danger">Abort</button><button class="button" disabled>Recover</button><button class="button" aria-disabled="true">Sign</button>
<button class="button" style="display:none">Hidden</button><details><summary>More</summary><button class="button">Inside</button></details>`),
  );
  expect(await layoutProblems(page)).toEqual([]);
});

test('the accessibility check reports serious and critical axe-core violations only', async ({ launch }) => {
  const { page } = await launch({ viewport: { width: 1366, height: 768 } });
  await page.setContent(PAGE(`<p>Fine.</p><label>Name <input></label><button>Go</button>`));
  expect(await accessibilityProblems(page)).toEqual([]);
  // A button without a name (critical) and grey on white text (serious).
  await page.setContent(PAGE(`<button data-testid="x"></button><p style="color:#bbb;background:#fff">faint</p>`));
  const found = await accessibilityProblems(page);
  expect(found).toEqual([expect.stringMatching(/^axe button-name \(critical\)/), expect.stringMatching(/^axe color-contrast \(serious\)/)]);
});
