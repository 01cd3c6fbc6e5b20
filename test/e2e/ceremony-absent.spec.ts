/**
 * A custodian absent at the handoffs (issue 13.5): the administrator marks Alice absent on the handoff list, types
 * the reason and Wendy signs the exception with her passphrase. Alice's handoff is deferred, not skipped: Bob and Carol
 * take their shards, and the ceremony stays at the handoffs (no test recovery) until Alice comes and takes hers. The
 * transcript holds the exception under Alice's handoff with Wendy's signature as the next entry.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { witnessPassphrase } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-absent-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REASON = 'Alice is stuck on a train outside Bern; she comes after lunch.';

test('Alice absent: a signed exception on the handoff list, her handoff waits, the others go on; nothing passes the handoffs until she takes her shard', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  await c.runToHandoffs(writePlanFile(dir, smallPlan()), (r) => app.open(r));

  await page.getByTestId('handoff-absent-alice').click();
  const panel = page.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'custodian-absent');
  await expect(page.getByTestId('exception-cause')).toContainText('Alice Meier is not here');
  await expect(page.getByTestId('exception-record')).toBeDisabled();
  await page.getByTestId('exception-reason').fill(REASON);
  await page.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'handoff-absent-form');
  await page.getByTestId('exception-record').click();
  await expect(panel).toHaveCount(0);
  const alice = page.getByTestId('handoff-row-alice');
  await expect(alice).toHaveAttribute('data-state', 'absent');
  await expect(alice).toContainText('absent: their shard waits for them');
  await expect(page.getByTestId('handoff-absent-alice')).toHaveCount(0);
  // The step list says it too, in words.
  await expect(page.getByTestId('step-custodian-alice')).toContainText('Alice Meier (absent)');
  await saveScreens(page, 'handoff-absent-recorded');

  const shardWords = new Map<string, string[]>();
  const handOver = async (id: string, name: string): Promise<void> => {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const w = await c.shardWords();
    shardWords.set(id, w);
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    await c.fillWords(w);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff();
  };
  await handOver('bob', 'Bob Keller');
  await handOver('carol', 'Carol Rossi');
  // Everyone else holds a shard; the ceremony still waits at the handoffs, for Alice alone.
  await c.expectStage('handoff');
  await expect(page.locator('[data-testid^="handoff-choose-"]')).toHaveCount(1);
  await expect(page.getByTestId('handoff-choose-alice')).toBeVisible();
  await expect(alice).toHaveAttribute('data-state', 'absent');
  await saveScreens(page, 'handoff-absent-waiting');

  // Alice comes: her handoff goes as usual, and then the test recovery.
  await handOver('alice', 'Alice Meier');
  await c.expectStage('test-recovery');

  // The running ceremony's transcript, in its folder under the backend's ceremonies folder.
  const root = app.backend.ceremoniesRoot;
  const folder = readdirSync(root).map((d) => join(root, d)).find((d) => existsSync(join(d, 'transcript.json')));
  expect(folder, `a ceremony folder with transcript.json under ${root}`).toBeDefined();
  const v = verifyTranscriptText(readFileSync(join(folder!, 'transcript.json'), 'utf8'));
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const ex = v.entries.filter((e) => e.kind === 'exception' && (e.data as { deviation?: unknown }).deviation === 'custodian-absent');
  expect(ex).toHaveLength(1);
  expect(ex[0]!.data).toEqual({ stepId: 'handoff', custodianId: 'alice', deviation: 'custodian-absent', reason: REASON, witnessId: 'wendy' });
  expect(v.entries[ex[0]!.seq]!.kind).toBe('signoff');
  // Bob's and Carol's handoffs come after the exception; Alice's after theirs.
  const handoffs = v.entries.filter((e) => e.kind === 'handoff').map((e) => [(e.data as { custodianId: string }).custodianId, e.seq > ex[0]!.seq]);
  expect(handoffs).toEqual([
    ['bob', true],
    ['carol', true],
    ['alice', true],
  ]);
});
