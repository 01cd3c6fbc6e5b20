// keyshard custody drill --transcript-out: a quorum drill's own transcript (kind quorum-drill, issue 17.1) that cites
// the key ceremony, is signed by a witness, verifies in transcript verify and holds no share.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkDrillTranscript } from '../../core/drill/transcript';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { appendEntry, createTranscript, parseTranscript, serializeTranscript, verifyTranscript, type VerifyOk } from '../../core/transcript';
import { createCustodyCommands } from '../../electron/cli/commands/custody';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { runCommands } from '../helpers/cli';
import { CUSTODIANS, custodyCeremony } from '../helpers/custody-fixture';
import { tickingClock } from '../helpers/lifecycle-fixture';

const PASSPHRASE = 'correct horse battery';
const dir = mkdtempSync(join(tmpdir(), 'keyshard-drill-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const commands = [...createCustodyCommands({ env: { WITNESS_PASS: PASSPHRASE }, now: tickingClock('2026-12-07T13:00:00.000Z') }), ...transcriptCommands];
const run = (argv: string[]) => runCommands(commands, argv);

describe('keyshard custody drill --transcript-out', () => {
  it('writes a sealed quorum-drill transcript, signed by the witness, that verifies and holds no share', async () => {
    const c = custodyCeremony('slip39', 51);
    const transcript = join(dir, 'kc.json');
    writeFileSync(transcript, serializeTranscript(c.file));
    const files = c.shards.map((b, i) => {
      const f = join(dir, `${CUSTODIANS[i]}.ks`);
      writeFileSync(f, `${envelopeToText(decodeEnvelope(b))}\n`);
      return f;
    });
    const keyFile = join(dir, 'wendy.key');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', new Uint8Array(32).fill(3), PASSPHRASE, { logN: 14 }));
    const out = join(dir, 'drill.json');
    const r = await run(['custody', 'drill', '--json', '--transcript', transcript, '--final-hash', c.transcript.headHash, '--transcript-out', out, '--witness-key', keyFile, '--witness-passphrase-env', 'WITNESS_PASS', files[0]!, files[1]!]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { fingerprint: string; transcript: { file: string; finalHash: string } };
    assert.equal(result.fingerprint, c.fingerprint);
    const v = await run(['transcript', 'verify', out, '--final-hash', result.transcript.finalHash, '--json']);
    assert.equal(v.code, 0, v.stderr);
    const summary = JSON.parse(v.stdout) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
    assert.deepEqual([summary.ceremonyKind, summary.sealed], ['quorum-drill', true]);
    assert.deepEqual(summary.signoffs.filter((s) => s.witnesses.length > 0).map((s) => s.kind), ['quorum-drill', 'seal']);
    const text = readFileSync(out, 'utf8');
    for (const b of c.shards) assert.equal(text.includes(envelopeToText(decodeEnvelope(b)).slice(10, 40)), false);
    // A re-chained file whose drill names another fingerprint fails the content check at that entry.
    const t = parseTranscript(text);
    let forged = createTranscript(t.ceremonyId, tickingClock());
    // A forger re-chains without the witness's signatures (they would no longer hold).
    const kept = t.entries.filter((e) => e.kind !== 'signoff');
    for (const e of kept) forged = appendEntry(forged, e.kind, (e.kind === 'quorum-drill' ? { ...(e.data as object), fingerprint: '0'.repeat(64) } : e.data) as never, { at: e.at });
    const check = checkDrillTranscript(verifyTranscript(forged) as VerifyOk);
    assert.equal(!check.ok && check.firstBadSeq, kept.findIndex((e) => e.kind === 'quorum-drill') + 1);
    // --witness-key without --transcript-out is a usage error.
    assert.equal((await run(['custody', 'drill', '--transcript', transcript, '--witness-key', keyFile, files[0]!, files[1]!])).code, 2);
  });
});
