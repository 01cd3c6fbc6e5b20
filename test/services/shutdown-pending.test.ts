/**
 * Quitting wipes secrets even while another call waits for good (a token or a drive that never answers, a read that
 * never ends): the ceremony service, the ceremony host in front of it and the recovery service each wipe their
 * secret buffers the moment shutdown() is called, not when the call ahead of it in their queue is over - which may be
 * never.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import { createRecoveryService } from '../../electron/services/recovery/index';
import { createTranscriptStore, type TranscriptStore } from '../../electron/services/transcript-store/index';
import { keyFileCredential } from '../../electron/services/witness/credential';
import { parseSealedWitnessKey, sealWitnessKeySync, unsealWitnessKey } from '../../electron/services/witness/key-file';
import { allZero, cleanTemps, custodianKeys, rig, signAs, signPending, slip39Plan, tempDir, trackingStore, WITNESSES } from './ceremony-harness';
import { slip39Backup } from './recovery-fixtures';

after(cleanTemps);

/** A promise that never settles: a device that never answers. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** Lets every already-queued microtask and I/O callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('shutdown while a call is stuck', () => {
  it('recovery: the shares are wiped at once while a drive listing never answers', async () => {
    const tracked = trackingStore();
    const recovery = createRecoveryService({ secrets: tracked.store, listDrives: never });
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    assert.equal((await recovery.addShard({ text: b.mnemonics[0]![0]! })).outcome, 'accepted');
    assert.ok(tracked.buffers.length > 0 && tracked.buffers.some((x) => !allZero(x.bytes)), 'no secret was held');
    void recovery.driveShards({ mountPoint: '/media/stuck' });
    void recovery.shutdown();
    await settle();
    for (const x of tracked.buffers) assert.ok(allZero(x.bytes), `${x.label} was not wiped while a call was stuck`);
  });

  /** A ceremony whose shards exist, with Bob's USB handoff waiting for good on a write that never answers. */
  async function stuckCeremony(drive: (r: ReturnType<typeof rig>) => Pick<CeremonyHost, 'start' | 'checkAirGap' | 'gatherEntropy' | 'generate' | 'split' | 'status' | 'signOff' | 'handoff'>) {
    const k = await custodianKeys();
    const plan = slip39Plan(k);
    const r = rig({ overrides: { usb: { write: never, read: never, remove: async () => undefined } } });
    for (const w of plan.witnesses) await r.service.registerWitnessSigner(WITNESSES[w.id as keyof typeof WITNESSES]);
    const c = drive(r);
    await c.start({ plan });
    await c.checkAirGap();
    await signPending(c as never);
    await c.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
    await signPending(c as never);
    await c.generate();
    await signPending(c as never);
    await c.split();
    await signPending(c as never);
    assert.ok(r.buffers.some((x) => !allZero(x.bytes)), 'no secret was held');
    void c.handoff({ custodianId: 'bob' });
    await settle();
    return r;
  }

  it('ceremony service: the shards are wiped at once while a USB write never answers', async () => {
    const r = await stuckCeremony((x) => x.service);
    void r.service.shutdown();
    await settle();
    for (const x of r.buffers) assert.ok(allZero(x.bytes), `${x.label} was not wiped while a call was stuck`);
  });

  it('ceremony host: its shutdown reaches the service at once, even while a call of its own waits behind the stuck one', async () => {
    let host: CeremonyHost | undefined;
    const r = await stuckCeremony((x) => {
      // main's host in front of the service (createService hands out this rig's service, whose USB write is stuck)
      host = createCeremonyHost({
        ceremoniesRoot: () => x.dir,
        createService: () => x.service,
        listDrives: async () => [],
        random: x.deps.random,
        clock: () => new Date('2025-03-01T10:00:00.000Z'),
      });
      return host;
    });
    // A call in the host's own queue that waits on the service (which waits on the USB write).
    void host!.witnessKeys();
    await settle();
    void host!.shutdown();
    await settle();
    for (const x of r.buffers) assert.ok(allZero(x.bytes), `${x.label} was not wiped while a call was stuck`);
  });

  it("ceremony service: a witness's key opened for a sign-off stuck on its transcript write is zeroized at once, with the sealed file's bytes", async () => {
    const k = await custodianKeys();
    const dir = tempDir('stuck-signoff');
    // The transcript write answers until `stuck` is set, then never (a drive that stops answering mid-sign-off).
    const inner = createTranscriptStore(dir);
    let stuck = false;
    const store: TranscriptStore = { ...inner, saveTranscript: (t) => (stuck ? never<void>() : inner.saveTranscript(t)) };
    const r = rig({ dir, overrides: { transcriptStore: store } });
    // Wendy's encrypted key file, as main keeps it (sealed); `unseal` keeps a reference to each key it opens.
    const passphrase = 'wendy passphrase';
    const sealed = parseSealedWitnessKey(sealWitnessKeySync('wendy', new Uint8Array(32).fill(7), passphrase));
    const opened: Uint8Array[] = [];
    const credential = keyFileCredential(sealed, async (...args) => {
      const key = await unsealWitnessKey(...args);
      opened.push(key);
      return key;
    });
    await r.service.adoptWitnesses([credential]);
    await r.service.start({ plan: slip39Plan(k) });
    await r.service.checkAirGap();
    stuck = true;
    let failed: unknown;
    void signAs(r.service, 'wendy', { passphrase }).catch((e: unknown) => (failed = e ?? 'failed'));
    // Wait for the state: Wendy's key is open (unsealing stretches her passphrase first), her sign-off waits on the write.
    while (opened.length === 0 && failed === undefined) await settle();
    await settle();
    assert.equal(failed, undefined, "Wendy's sign-off failed instead of waiting on the write");
    assert.ok(!allZero(opened[0]!), "Wendy's key was not held while her sign-off waited");
    void r.service.shutdown();
    await settle();
    for (const key of opened) assert.ok(allZero(key), "Wendy's opened key was not wiped while her sign-off was stuck");
    for (const [name, bytes] of [['ciphertext', sealed.ciphertext], ['nonce', sealed.nonce], ['salt', sealed.kdf.salt]] as const) {
      assert.ok(allZero(bytes), `the sealed key file's ${name} was not wiped while a sign-off was stuck`);
    }
  });
});

