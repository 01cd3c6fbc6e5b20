/** Start screen, keyboard-only navigation, the bridge to main, and the no-network guard itself. */
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

test('the start screen offers the four things keyshard does, first one focused', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await expect(page.getByTestId('screen-title')).toHaveText('What do you want to do?');
  await expect(page.getByTestId('screen-purpose')).toContainText('Offline key ceremonies');
  for (const id of ['start-new', 'start-resume', 'start-recover', 'start-verify']) await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.getByTestId('start-new')).toBeFocused();
  // Base type is at least 18px.
  const base = await page.evaluate(() => {
    const g = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string }; document: { body: unknown } };
    return Number.parseFloat(g.getComputedStyle(g.document.body).fontSize);
  });
  expect(base).toBeGreaterThanOrEqual(18);
  await saveScreens(page, 'start');
});

test('every screen is reached and left with the keyboard alone', async ({ app }) => {
  await app.open('');
  const { page } = app;
  const order = [
    { id: 'start-new', title: 'Plan the ceremony' },
    { id: 'start-resume', title: 'Resume a ceremony' },
    { id: 'start-recover', title: 'Recover a key' },
    { id: 'start-verify', title: 'Verify a transcript' },
  ];
  for (const [i, target] of order.entries()) {
    await expect(page.getByTestId('start-new')).toBeFocused();
    for (let k = 0; k < i; k++) await page.keyboard.press('Tab');
    await expect(page.getByTestId(target.id)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('screen-title')).toHaveText(target.title);
    // Back home: one Shift+Tab from where the screen put focus (its title, or its first control) reaches the
    // header's "Start screen" link; on a screen with a step list, a second one: the list is a tab stop of its own
    // (it scrolls on a laptop screen, so the keyboard must reach it; d729bf1).
    await page.keyboard.press('Shift+Tab');
    if ((await page.getByTestId('step-list').count()) > 0) {
      await expect(page.getByTestId('step-list')).toBeFocused();
      await page.keyboard.press('Shift+Tab');
    }
    await expect(page.getByTestId('nav-home')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('screen-title')).toHaveText('What do you want to do?');
  }
});

test('focus is always visible: a thick ring on the focused control', async ({ app }) => {
  await app.open('');
  const { page } = app;
  await page.keyboard.press('Tab');
  const ring = await page.getByTestId('start-resume').evaluate((el) => {
    const s = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
    return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth) };
  });
  expect(ring.style).toBe('solid');
  expect(ring.width).toBeGreaterThanOrEqual(3);
});

test('window.keyshard reaches the real IPC handlers: validated answers and refusals', async ({ app }) => {
  await app.open('');
  const answers = await app.page.evaluate(async () => {
    const ks = (globalThis as unknown as { keyshard: { invoke(c: unknown, r?: unknown): Promise<unknown> } }).keyshard;
    return {
      info: await ks.invoke('app:info'),
      badRequest: await ks.invoke('app:info', { extra: 1 }),
      unknown: await ks.invoke('shell:open', 'https://example.com'),
      allow: await ks.invoke('camera:allow'),
    };
  });
  expect(answers.info).toMatchObject({ ok: true, value: { name: 'keyshard', production: true } });
  expect(answers.badRequest).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(answers.unknown).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  expect(answers.allow).toMatchObject({ ok: true, value: { allowed: true } });
  expect(app.camera.isAllowed()).toBe(true);
  // Unknown channels stop at the bridge: they never reach a handler.
  expect(app.ipcCalls).toEqual(['app:info', 'app:info', 'shell:open', 'camera:allow']);
});

test('the no-network guard notices a request that leaves the machine', async ({ app }) => {
  await app.open('');
  await app.page.evaluate(() => fetch('http://127.0.0.1:9/probe').catch(() => null));
  const foreign = app.takeForeignRequests();
  expect(foreign).toEqual(['http://127.0.0.1:9/probe']);
});

test('an unknown route says so and leads back', async ({ app }) => {
  await app.open('no-such-screen');
  await expect(app.page.getByTestId('not-found')).toContainText('no-such-screen');
  await saveScreens(app.page, 'not-found');
  await app.page.getByRole('link', { name: 'Go to the start screen' }).click();
  await expect(app.page.getByTestId('screen-title')).toHaveText('What do you want to do?');
});

test('the shared building blocks: secret banner, error panel, step list with custodians', async ({ app }) => {
  await app.open('components');
  const { page } = app;
  await expect(page.getByTestId('secret-banner')).toContainText('Only Bruno Keller should look at the screen now.');
  await expect(page.getByTestId('error-panel')).toHaveAttribute('data-code', 'USB_NO_SPACE');
  await expect(page.getByTestId('error-panel-todo')).toContainText('What to do:');
  await expect(page.getByTestId('step-handoff')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('step-split')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-seal')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('step-custodian-a')).toContainText('Alice Meier');
  await saveScreens(page, 'components');
});

test('About this build: the bundle hashes to read aloud, or a plain warning when the app runs from sources', async ({ launch }) => {
  const build = { renderer: 'a783d7d78c46be900ce3ccfa3148ef57e49eadaa69aa14ea870ac140b3c4afef', main: '5749259f0d7efcc9241511ad1ab43ff5a72c07b481322ec9db0981f671372e52' };
  const attested = await launch({
    deps: { appInfo: () => ({ name: 'keyshard', version: '1.2.3', platform: 'linux', arch: 'x64', production: true, build }) },
  });
  await attested.open('');
  const { page } = attested;
  await page.getByTestId('about-build').locator('summary').click();
  await expect(page.getByTestId('about-renderer-short')).toHaveText('A783 D7D7 8C46 BE90');
  await expect(page.getByTestId('about-main-short')).toHaveText('5749 259F 0D7E FCC9');
  await expect(page.getByTestId('about-build')).toContainText(build.renderer);
  await expect(page.getByTestId('about-build')).toContainText('keyshard 1.2.3');
  await saveScreens(page, 'start-about-build');

  const fromSources = await launch();
  await fromSources.open('');
  await fromSources.page.getByTestId('about-build').locator('summary').click();
  await expect(fromSources.page.getByTestId('about-no-build')).toContainText('Development build');
});
