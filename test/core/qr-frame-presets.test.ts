/**
 * The decode benchmark's frame presets: `harsh` is exactly the set every earlier run used, `issue` the same frames made
 * milder (never harder) in each category's hard parameters. And over both sets, the scan pipeline with every fallback
 * and no budget returns no text other than the one the frame shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURST_LENGTH, CATEGORIES, FRAME_PRESETS, categoryFrame, frameSpec, sourceTexts } from '../../bench/frames/generate';
import { createNodeScanPipeline } from '../../electron/services/qr-scan';

const texts = sourceTexts();

test('the harsh preset is the default set; the issue preset shows the same codes, each degradation no harder', () => {
  for (const category of CATEGORIES) {
    for (let index = 0; index < 16; index++) {
      const harsh = frameSpec(category, index, texts, 1, FRAME_PRESETS.harsh);
      assert.deepEqual(harsh, frameSpec(category, index, texts, 1));
      const issue = frameSpec(category, index, texts, 1, FRAME_PRESETS.issue);
      assert.deepEqual(issue, frameSpec(category, index, texts, 1, FRAME_PRESETS.issue), 'seeded: the same spec every time');
      assert.equal(issue.text, harsh.text);
      assert.ok(issue.noiseSigma <= harsh.noiseSigma || category !== 'noise');
      assert.ok(issue.blurSigma / issue.modulePx <= harsh.blurSigma / harsh.modulePx + 1e-9 || category !== 'blur');
      assert.ok(issue.modulePx >= harsh.modulePx || category !== 'small');
      assert.ok(issue.paper - issue.ink >= harsh.paper - harsh.ink || category !== 'contrast');
      assert.ok(issue.lightMin >= harsh.lightMin || category !== 'light');
      if (harsh.jpegQuality > 0) assert.ok(issue.jpegQuality === 0 || issue.jpegQuality >= harsh.jpegQuality);
    }
  }
  assert.ok(FRAME_PRESETS.issue.severity < 1 && FRAME_PRESETS.issue.webcamSeverity < 1);
});

test('over both frame sets, the scan pipeline returns the text the frame shows or nothing', async () => {
  // One frame of each burst (the others show the same sheet), every category, both presets; no budget, so every
  // fallback gets its chance to misread.
  let read = 0;
  let frames = 0;
  for (const preset of [FRAME_PRESETS.harsh, FRAME_PRESETS.issue]) {
    const pipeline = await createNodeScanPipeline();
    for (const category of CATEGORIES) {
      for (let index = 0; index < (category === 'webcam' ? 40 : 20); index += BURST_LENGTH) {
        const f = categoryFrame(category, index, 1, texts, preset);
        const { text } = pipeline.scan({ ...f.frame, format: 'gray' });
        frames++;
        if (text !== null) {
          assert.equal(text, f.text, `${preset.name} ${category} ${index}: wrong text`);
          read++;
        }
      }
    }
  }
  assert.ok(read > frames / 2, `read ${read} of ${frames}`);
});
