import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeEnvelope, encodeEnvelope, envelopeToText, wipeEnvelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { decodeShare, splitMasterSecret } from '../../core/slip39/index';
import { appendEntry, createTranscript, serializeTranscript } from '../../core/transcript';
import { protectEnvelopeText } from '../../electron/services/protection/index';
import { createRecoveryService, EXPORT_FORMAT, type AddShardResponse, type RecoveryService } from '../../electron/services/recovery/index';
import { allZero, cleanTemps, custodianKeys, tempDir, trackingStore, type Keys } from './ceremony-harness';
import { animatedParts, nodePbkdf2, singleQr, slip39Backup, vssBackup, type Slip39Backup } from './recovery-fixtures';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function rig(): { service: RecoveryService; buffers: { label: string; bytes: Uint8Array }[] } {
  const { store, buffers } = trackingStore();
  return { service: createRecoveryService({ secrets: store }), buffers };
}

function accepted(r: AddShardResponse): Extract<AddShardResponse, { outcome: 'accepted' }> {
  assert.equal(r.outcome, 'accepted', r.outcome === 'rejected' ? `${r.error.code}: ${r.error.message}` : r.outcome);
  return r as Extract<AddShardResponse, { outcome: 'accepted' }>;
}

function rejected(r: AddShardResponse, code: string): Extract<AddShardResponse, { outcome: 'rejected' }> {
  assert.equal(r.outcome, 'rejected', `expected ${code}, got ${r.outcome}`);
  const x = r as Extract<AddShardResponse, { outcome: 'rejected' }>;
  assert.equal(x.error.code, code, x.error.message);
  return x;
}

function isError(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  };
}

/** A minimal, valid (hash-chained) transcript of the ceremony that made `b`. */
function transcriptOf(b: Slip39Backup, options: { label?: string } = {}): string {
  const clock = (() => {
    let t = Date.parse('2025-03-01T10:00:00.000Z');
    return () => new Date((t += 1000));
  })();
  let t = createTranscript(b.ceremonyId, clock);
  t = appendEntry(t, 'plan', { label: options.label ?? 'Treasury seed', scheme: 'slip39', secretType: 'new-seed' });
  t = appendEntry(t, 'generate', { kind: 'seed', lengthBytes: 32, fingerprint: b.fingerprint });
  t = appendEntry(t, 'split', { scheme: 'slip39', fingerprint: b.fingerprint, shareCount: 3, identifier: decodeShare(b.mnemonics[0]![0]!).identifier });
  t = appendEntry(t, 'seal', { fingerprint: b.fingerprint });
  return serializeTranscript(t);
}

/** The word at `index` with a letter added: not a SLIP-39 word, and its first four letters still name the original. */
function typo(mnemonic: string, index: number): { text: string; original: string } {
  const words = mnemonic.split(' ');
  const original = words[index]!;
  words[index] = `${original}q`;
  return { text: words.join(' '), original };
}

describe('recovery service: SLIP-39', () => {
  it('recovers from envelope texts one at a time, reports duplicates and progress, matches the fingerprint, shows the secret only on request', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service, buffers } = rig();
    const st = await service.start({ expectedFingerprint: b.fingerprint.toUpperCase() });
    assert.equal(st.phase, 'collecting');
    assert.equal(st.expected?.source, 'fingerprint');

    const first = accepted(await service.addShard({ text: b.texts[0]![1]! }));
    assert.deepEqual(first.shard, { number: 1, source: 'envelope', custodianLabel: 'Custodian 1-2', custodianIndex: 1, group: 1, member: 2 });
    assert.deepEqual(first.progress.groups, [{ group: 1, have: 1, threshold: 2, needed: 1, complete: false }]);
    assert.deepEqual(first.progress.sentences, ['Shares: 1 more needed (1 of 2 in hand).']);
    assert.equal(first.progress.canFinish, false);

    const again = await service.addShard({ text: b.texts[0]![1]!.toLowerCase() });
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.progress.shards, 1);

    // Not enough yet: BELOW_THRESHOLD, and nothing in hand is lost.
    await assert.rejects(service.finish(), isError('BELOW_THRESHOLD'));
    assert.equal((await service.status()).shards.length, 1);

    const second = accepted(await service.addShard({ text: b.texts[0]![2]! }));
    assert.equal(second.progress.canFinish, true);
    assert.equal((await service.status()).ceremonyId, b.ceremonyId);

    const done = await service.finish();
    assert.equal(done.verdict, 'verified');
    assert.equal(done.source, 'fingerprint');
    assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
    assert.equal(done.recovered.kind, 'seed');
    assert.match(done.recovered.xpub ?? '', /^xpub/);
    assert.ok(!JSON.stringify(done).includes(b.secretHex), 'the finish response holds the secret');
    assert.ok(!JSON.stringify(await service.status()).includes(b.secretHex), 'the status holds the secret');
    await assert.rejects(service.export({ kind: 'display', reveal: false as unknown as true }), isError('INVALID_ARGUMENT'));
    const shown = await service.export({ kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' && shown.secretHex, b.secretHex);

    // The shares were wiped after combining; the result is wiped by clear.
    const cleared = await service.clear();
    assert.equal(cleared.buffers, 1);
    assert.ok(buffers.length >= 3, 'buffers.length >= 3');
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
    assert.equal((await service.status()).phase, 'idle');
    await assert.rejects(service.export({ kind: 'display', reveal: true }), isError('RECOVERY_STATE'));
  });

  it('typed words: a wrong word is rejected with its position and suggestion, leaves the pile alone, and the corrected share is accepted; per-group progress', async () => {
    const b = slip39Backup(2, [
      { threshold: 2, count: 3 },
      { threshold: 2, count: 2 },
      { threshold: 1, count: 1 },
    ]);
    const { service } = rig();
    await service.start({ expectedFingerprint: b.fingerprint });
    accepted(await service.addShard({ text: b.mnemonics[0]![0]! }));

    const bad = typo(b.mnemonics[1]![0]!, 6);
    const r = rejected(await service.addShard({ text: bad.text }), 'SLIP39_WORD');
    assert.equal(r.error.details?.['position'], 7);
    assert.equal(r.error.details?.['suggestion'], bad.original);
    assert.match(r.error.message, /word 7 is not a SLIP-39 word/);
    assert.equal(r.progress.shards, 1, 'a rejected share changes nothing in hand');

    // A valid word in the wrong place fails the checksum, and core names the suspect position.
    const words = b.mnemonics[1]![0]!.split(' ');
    const swapped = [...words];
    swapped[9] = words[9] === 'academic' ? 'acid' : 'academic';
    const c = rejected(await service.addShard({ text: swapped.join(' ') }), 'SLIP39_CHECKSUM');
    assert.equal(c.error.details?.['suspectPosition'], 10);

    const fixed = accepted(await service.addShard({ text: b.mnemonics[1]![0]! }));
    assert.deepEqual(
      fixed.progress.groups.map((g) => [g.group, g.have, g.threshold, g.needed, g.complete]),
      [
        [1, 1, 2, 1, false],
        [2, 1, 2, 1, false],
        [3, 0, null, null, false],
      ],
    );
    assert.deepEqual(fixed.progress.sentences, ['Group 1: 1 more needed (1 of 2 in hand).', 'Group 2: 1 more needed (1 of 2 in hand).', 'Group 3: no shards yet.']);
    assert.match(fixed.progress.summary, /2 of 3 groups must be complete and 0 are: 2 more groups needed/);
    await assert.rejects(service.finish(), (e: unknown) => {
      assert.ok(e instanceof KeyshardError && e.code === 'BELOW_THRESHOLD', 'e instanceof KeyshardError && e.code === \'BELOW_THRESHOLD\'');
      assert.match(e.message, /Group 1 needs 1 more share/);
      return true;
    });

    accepted(await service.addShard({ text: b.mnemonics[2]![0]! }));
    const p = accepted(await service.addShard({ text: b.mnemonics[0]![2]! })).progress;
    assert.equal(p.groupsComplete, 2);
    assert.equal(p.canFinish, true);
    const done = await service.finish();
    assert.equal(done.verdict, 'verified');
    assert.equal(done.shardsUsed, 4);
    const shown = await service.export({ kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' && shown.secretHex, b.secretHex);
    await service.clear();
  });

  it('refuses shards of another ceremony, of another key, and words of another backup; nothing in hand changes', async () => {
    const a = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service } = rig();
    await service.start();
    accepted(await service.addShard({ text: a.texts[0]![0]! }));
    const wrongCeremony = rejected(await service.addShard({ text: other.texts[0]![1]! }), 'SHARES_MISMATCH');
    assert.equal(wrongCeremony.error.details?.['reason'], 'ceremony');
    assert.match(wrongCeremony.error.message, /another ceremony/);
    const wrongWords = rejected(await service.addShard({ text: other.mnemonics[0]![1]! }), 'SHARES_MISMATCH');
    assert.match(wrongWords.error.message, /identifier differs/);
    assert.equal(wrongWords.progress.shards, 1);

    // With an expected fingerprint, a shard of another key is refused before anything else.
    await service.start({ expectedFingerprint: a.fingerprint });
    const wrongKey = rejected(await service.addShard({ text: other.texts[0]![0]! }), 'SHARES_MISMATCH');
    assert.equal(wrongKey.error.details?.['reason'], 'fingerprint');
    assert.equal((await service.status()).shards.length, 0);
    accepted(await service.addShard({ text: a.texts[0]![2]! }));
    accepted(await service.addShard({ text: a.texts[0]![0]! }));
    assert.equal((await service.finish()).verdict, 'verified');
    await service.clear();
  });

  it('reads a single QR code, a complete multi-part UR payload, and refuses an incomplete one', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service } = rig();
    await service.start();
    const parts = animatedParts(b.binaries[0]![0]!);
    assert.ok(parts.length > 2, 'parts.length > 2');
    const partial = rejected(await service.addShard({ urParts: parts.slice(0, -1) }), 'QR_INCOMPLETE');
    assert.match(partial.error.message, /1 of \d+ parts are still missing/);
    rejected(await service.addShard({ text: parts[0]! }), 'QR_INCOMPLETE');
    rejected(await service.addShard({ text: 'UR:BYTES/NOT-A-CODE' }), 'QR_FORMAT');
    const fromParts = accepted(await service.addShard({ urParts: [...parts].reverse() }));
    assert.equal(fromParts.shard.source, 'qr');
    const fromSingle = accepted(await service.addShard({ text: singleQr(b.binaries[0]![1]!) }));
    assert.equal(fromSingle.shard.member, 2);
    const done = await service.finish();
    assert.equal(done.verdict, 'unverified');
    assert.equal(done.expected?.source, 'shards');
    await service.clear();
  });

  it('opens protected files (age, OpenPGP, base64) with the custodian key; a wrong key or a bare encrypted text is refused', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service } = rig();
    await service.start({ expectedFingerprint: b.fingerprint });
    const ageFile = (await protectEnvelopeText(b.texts[0]![0]!, { kind: 'age', recipient: k.age.recipient })).data as string;
    const pgpFile = (await protectEnvelopeText(b.texts[0]![1]!, { kind: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored })).data as string;

    const wrongKey = rejected(await service.addShard({ file: { text: ageFile }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } }), 'ENVELOPE_DECRYPT');
    assert.equal(wrongKey.progress.shards, 0);
    const bare = rejected(await service.addShard({ text: ageFile }), 'ENVELOPE_DECRYPT');
    assert.equal(bare.error.details?.['reason'], 'needs-key');

    const fromAge = accepted(await service.addShard({ file: { base64: Buffer.from(ageFile).toString('base64') }, openingKey: { kind: 'age', identity: k.age.identity } }));
    assert.equal(fromAge.shard.source, 'protected-file');
    accepted(await service.addShard({ file: { text: pgpFile }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } }));
    assert.equal((await service.finish()).verdict, 'verified');
    await service.clear();
  });

  it('a fingerprint mismatch says so, exports nothing, and zeroizes every buffer', async () => {
    const a = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service, buffers } = rig();
    // Typed words carry no fingerprint, so they are accepted; the combination tells.
    await service.start({ expectedFingerprint: other.fingerprint });
    accepted(await service.addShard({ text: a.mnemonics[0]![0]! }));
    accepted(await service.addShard({ text: a.mnemonics[0]![1]! }));
    const done = await service.finish();
    assert.equal(done.verdict, 'mismatch');
    assert.equal(done.exportable, false);
    assert.equal(done.recovered.fingerprint.hex, a.fingerprint);
    assert.match(done.message, /is NOT the expected/);
    assert.equal((await service.status()).phase, 'failed');
    assert.ok(buffers.length >= 2, 'buffers.length >= 2');
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
    await assert.rejects(service.export({ kind: 'display', reveal: true }), isError('RECOVERY_STATE'));
    await assert.rejects(service.addShard({ text: a.mnemonics[0]![2]! }), isError('RECOVERY_STATE'));
  });

  it('a combination that fails (shares of two backups with the same identifier) zeroizes everything', async () => {
    // Two splits whose random source starts with the same two bytes share the identifier, so each share is accepted;
    // only the digest check at combination time tells them apart.
    const sameId = () => {
      let first = true;
      return (n: number): Uint8Array => {
        if (first && n === 2) {
          first = false;
          return Uint8Array.of(0x12, 0x34);
        }
        return new Uint8Array(randomBytes(n));
      };
    };
    const seed = new Uint8Array(randomBytes(32));
    const a = splitMasterSecret(Uint8Array.from(seed), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random: sameId(), pbkdf2: nodePbkdf2, iterationExponent: 0 });
    const b = splitMasterSecret(Uint8Array.from(seed), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random: sameId(), pbkdf2: nodePbkdf2, iterationExponent: 0 });
    const { service, buffers } = rig();
    await service.start();
    accepted(await service.addShard({ text: a[0]![0]! }));
    accepted(await service.addShard({ text: b[0]![1]! }));
    await assert.rejects(service.finish(), isError('SLIP39_DIGEST'));
    assert.equal((await service.status()).phase, 'failed');
    assert.equal(buffers.length, 2);
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
  });

  it('clear zeroizes the shares in hand', async () => {
    const b = slip39Backup(1, [{ threshold: 3, count: 5 }]);
    const { service, buffers } = rig();
    await service.start();
    accepted(await service.addShard({ text: b.texts[0]![0]! }));
    accepted(await service.addShard({ text: b.mnemonics[0]![3]! }));
    assert.equal(buffers.length, 2);
    assert.ok(buffers.every((x) => !allZero(x.bytes)), 'the shares are held');
    assert.equal((await service.clear()).buffers, 2);
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
    assert.equal((await service.status()).shards.length, 0);
  });

  it('takes the fingerprint, ceremony and split facts from a verified transcript; refuses a tampered one', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const other = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const text = transcriptOf(b);
    const { service } = rig();
    const st = await service.start({ transcriptText: text });
    assert.equal(st.ceremonyId, b.ceremonyId);
    assert.equal(st.label, 'Treasury seed');
    assert.equal(st.scheme, 'slip39');
    assert.equal(st.secretKind, 'seed');
    assert.equal(st.expected?.fingerprint.hex, b.fingerprint);
    assert.equal(st.expected?.source, 'transcript-unsigned');
    assert.equal(st.expected?.verified, false);

    rejected(await service.addShard({ text: other.texts[0]![0]! }), 'SHARES_MISMATCH');
    const words = rejected(await service.addShard({ text: other.mnemonics[0]![0]! }), 'SHARES_MISMATCH');
    assert.equal(words.error.details?.['reason'], 'identifier');
    accepted(await service.addShard({ text: b.mnemonics[0]![0]! }));
    accepted(await service.addShard({ text: b.texts[0]![2]! }));
    const done = await service.finish();
    assert.equal(done.verdict, 'unverified');
    assert.equal(done.expected?.source, 'transcript-unsigned');

    await assert.rejects(service.start({ transcriptText: text.replace('Treasury seed', 'Treasury seeD') }), isError('TRANSCRIPT_TAMPERED'));
    await assert.rejects(service.start({ transcriptText: text, expectedFingerprint: other.fingerprint }), isError('INVALID_ARGUMENT'));
    await service.clear();
  });

  it('writes the recovered secret only encrypted, never over an existing file', async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service } = rig();
    await service.start({ expectedFingerprint: b.fingerprint });
    accepted(await service.addShard({ text: b.texts[0]![0]! }));
    accepted(await service.addShard({ text: b.texts[0]![1]! }));
    await service.finish();
    const dir = tempDir('recovery-export');
    const path = join(dir, 'recovered.age');
    const out = await service.export({ kind: 'encrypted-file', path, recipient: { kind: 'age', recipient: k.age.recipient } });
    assert.equal(out.kind === 'encrypted-file' && out.bytes, readFileSync(path).length);
    const fileText = readFileSync(path, 'utf8');
    assert.ok(!fileText.includes(b.secretHex), 'the file holds the secret in the clear');
    const opened = JSON.parse(await decryptAge(fileText)) as Record<string, unknown>;
    assert.equal(opened['format'], EXPORT_FORMAT);
    assert.equal(opened['secretHex'], b.secretHex);
    assert.equal(opened['fingerprint'], b.fingerprint);
    assert.equal(opened['ceremonyId'], b.ceremonyId);

    const taken = join(dir, 'taken.asc');
    writeFileSync(taken, 'already here');
    await assert.rejects(service.export({ kind: 'encrypted-file', path: taken, recipient: { kind: 'openpgp', publicKeyArmored: k.pgp.publicKeyArmored } }), isError('FILE_EXISTS'));
    assert.equal(readFileSync(taken, 'utf8'), 'already here');
    await assert.rejects(service.export({ kind: 'encrypted-file', path: 'relative.age', recipient: { kind: 'age', recipient: k.age.recipient } }), isError('INVALID_ARGUMENT'));
    assert.ok(!existsSync('relative.age'), '!existsSync(\'relative.age\')');
    await service.clear();
  });
});

/** age files made here hold a JSON document, not a shard text, so openProtected (which insists on KS1) cannot be used. */
async function decryptAge(armored: string): Promise<string> {
  const { Decrypter, armor } = await import('age-encryption');
  const d = new Decrypter();
  d.addIdentity(k.age.identity);
  return new TextDecoder().decode(await d.decrypt(armor.decode(armored)));
}

describe('recovery service: verifiable shares (FROST)', () => {
  it('checks each share against its commitments, refuses a forged one, recovers the group key', async () => {
    const b = vssBackup(3, 5);
    const { service, buffers } = rig();
    await service.start({ expectedFingerprint: b.fingerprint });
    const one = accepted(await service.addShard({ text: b.texts[4]! }));
    assert.equal(one.shard.signer, 5);
    assert.deepEqual(one.progress.sentences, ['Shares: 2 more needed (1 of 3 in hand).']);
    assert.equal((await service.addShard({ text: b.texts[4]! })).outcome, 'duplicate');

    // Same envelope, checksum and all, but the signing share of signer 2 swapped for signer 3's: it must not verify.
    const env = decodeEnvelope(b.binaries[1]!);
    const payload = Uint8Array.from(env.payload);
    payload.set(Buffer.from(b.signingShares[2]!, 'hex'), 4 + 32);
    const forged = encodeEnvelope({ ...env, payload });
    wipeEnvelope(env);
    const f = rejected(await service.addShard({ text: envelopeToText(decodeEnvelope(forged)) }), 'VSS_SHARE_INVALID');
    assert.equal(f.progress.shards, 1);

    accepted(await service.addShard({ urParts: animatedParts(b.binaries[0]!) }));
    const p = accepted(await service.addShard({ text: b.texts[2]! })).progress;
    assert.equal(p.canFinish, true);
    const done = await service.finish();
    assert.equal(done.verdict, 'verified');
    assert.equal(done.recovered.scheme, 'vss');
    assert.equal(done.recovered.kind, 'ed25519');
    assert.equal(done.recovered.publicKey, b.commitments[0]);
    const shown = await service.export({ kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' && shown.secretHex, b.secretHex);
    await service.shutdown();
    for (const x of buffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);
  });

  it('refuses SLIP-39 words in a VSS recovery and shares of another deal', async () => {
    const b = vssBackup(2, 3);
    const other = vssBackup(2, 3);
    const words = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const { service } = rig();
    await service.start();
    accepted(await service.addShard({ text: b.texts[0]! }));
    assert.equal(rejected(await service.addShard({ text: words.mnemonics[0]![0]! }), 'SHARES_MISMATCH').error.details?.['reason'], 'scheme');
    assert.equal(rejected(await service.addShard({ text: other.texts[1]! }), 'SHARES_MISMATCH').error.details?.['reason'], 'ceremony');
    await service.clear();
  });
});
