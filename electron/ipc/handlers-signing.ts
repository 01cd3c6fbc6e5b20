/**
 * The service calls behind the signing, signer and custody channels (contract-signing.ts). A witness signs with their
 * own act each time: main opens their key file with the passphrase for that one signature and wipes the key after.
 */
import { KeyshardError } from '../../core/errors';
import type { RandomSource } from '../../core/random';
import { softwareEd25519Signer, type WitnessSigner } from '../../core/transcript';
import { runCustodyCheck } from '../services/custody/index';
import { createDrillSession, type DrillSession } from '../services/custody/drill';
import { createHeldShardSlot, type HeldShardSlot } from '../services/custody/held-shard';
import { type DeviceShardDeps, deviceShardReader, isDeviceShardInput } from '../services/recovery/sources';
import { createSignerSession, createSigningCoordinator, saveTranscriptFile, type SignerSession, type SigningCoordinator } from '../services/signing/index';
import { loadWitnessKeyFile } from '../services/witness/index';
import { parseSealedWitnessKey, unsealWitnessKey, type SealedWitnessKey } from '../services/witness/key-file';
import type { ChannelName } from './channels';
import type { ServicesOf } from './handlers-domains';

export interface SigningHost {
  readonly coordinator: SigningCoordinator;
  readonly signer: SignerSession;
  readonly clock: () => Date;
  /** The last custody check's or quorum drill's sealed transcript (public), kept so the screen can save it to a file. */
  readonly custody: { last: { ceremonyId: string; text: string; finalHash: string } | null };
  /** The quorum drill under way: its shards stay in main until the drill rebuilds and wipes them. */
  readonly drill: DrillSession;
  /** The custody check's shard read off a stick or token, until the check takes (and wipes) it. */
  readonly held: HeldShardSlot;
}

/** `devices`: the chosen PKCS#11 module, the drive lister and the opener, as refresh/repair read shards off devices. */
export function createSigningHost(deps: { readonly clock: () => Date; readonly random: RandomSource; readonly devices?: DeviceShardDeps }): SigningHost {
  const readDevice = deviceShardReader(deps.devices ?? {});
  return {
    coordinator: createSigningCoordinator({ clock: deps.clock }),
    signer: createSignerSession({ random: deps.random, readDevice }),
    clock: deps.clock,
    custody: { last: null },
    drill: createDrillSession({ clock: deps.clock, readDevice }),
    held: createHeldShardSlot({ readDevice }),
  };
}

type SigningChannel = Extract<ChannelName, `signing:${string}` | `signer:${string}` | `custody:${string}`>;

type WitnessAct = { keyFileText: string; passphrase: string } | { keyFilePath: string; passphrase: string };

/** The witness's key file: read by main from the path chosen in its dialog, or given as text. */
async function sealedKeyOf(act: { keyFileText: string } | { keyFilePath: string }): Promise<SealedWitnessKey> {
  return 'keyFilePath' in act ? loadWitnessKeyFile(act.keyFilePath) : parseSealedWitnessKey(act.keyFileText);
}

async function withWitness<T>(act: WitnessAct, use: (signer: WitnessSigner) => Promise<T>): Promise<T> {
  const sealed = await sealedKeyOf(act);
  try {
    const secretKey = await unsealWitnessKey(sealed, act.passphrase);
    try {
      return await use(softwareEd25519Signer(sealed.witnessId, secretKey));
    } finally {
      secretKey.fill(0);
    }
  } finally {
    sealed.ciphertext.fill(0);
  }
}

function messageBytes(m: { text: string } | { hex: string }): Uint8Array {
  if ('text' in m) return new TextEncoder().encode(m.text);
  return Uint8Array.from(m.hex.toLowerCase().match(/../g)!.map((h) => parseInt(h, 16)));
}

export function signingServices(host: SigningHost | undefined): ServicesOf<SigningChannel> {
  const h = (): SigningHost => host ?? (() => { throw new KeyshardError('INTERNAL', 'Threshold signing is not available in this window. Restart keyshard; if it keeps happening, report it.'); })();
  return {
    'signing:start': async (r) => {
      const witnesses: { id: string; algorithm: 'ed25519'; publicKey: string }[] = [];
      const files = [...(r.witnessKeyFiles ?? []).map((keyFileText) => ({ keyFileText })), ...(r.witnessKeyPaths ?? []).map((keyFilePath) => ({ keyFilePath }))];
      for (const file of files) {
        const sealed = await sealedKeyOf(file);
        sealed.ciphertext.fill(0);
        if (witnesses.some((w) => w.id === sealed.witnessId)) throw new KeyshardError('WITNESS_KEY', `Two key files are of witness "${sealed.witnessId}". Give each witness's own key file once.`);
        witnesses.push({ id: sealed.witnessId, algorithm: sealed.algorithm, publicKey: sealed.publicKeyHex });
      }
      return h().coordinator.start({
        transcriptText: r.transcriptText,
        ...(r.finalHash === undefined ? {} : { finalHash: r.finalHash }),
        message: messageBytes(r.message),
        label: r.label ?? 'Threshold signature',
        witnesses,
      });
    },
    'signing:status': () => h().coordinator.status(),
    'signing:add-commitment': (r) => h().coordinator.addCommitment(r.urParts),
    'signing:make-request': () => h().coordinator.makeRequest(),
    'signing:add-share': (r) => h().coordinator.addShare(r.urParts),
    'signing:aggregate': () => h().coordinator.aggregate(),
    'signing:seal': () => h().coordinator.seal(),
    'signing:sign-off': (r) => withWitness(r, (signer) => h().coordinator.signOff(signer)),
    'signing:abort': (r) => h().coordinator.abort(r.reason),
    'signing:transcript': () => {
      const s = h().coordinator.status();
      if (s === null) throw new KeyshardError('CEREMONY_TRANSITION', 'No signing has been started on this laptop.');
      return { ceremonyId: s.ceremonyId, text: h().coordinator.transcriptText() };
    },
    // Sealed or aborted (or still under way): the record as it stands, as the CLI would write it.
    'signing:save-transcript': async (r) => {
      const s = h().coordinator.status();
      if (s === null) throw new KeyshardError('CEREMONY_TRANSITION', 'No signing has been started on this laptop, so there is no transcript to save.');
      const saved = await saveTranscriptFile(r.path, h().coordinator.transcriptText());
      return { ...saved, ceremonyId: s.ceremonyId, finalHash: s.finalHash };
    },
    'signer:load-shard': (r) => (isDeviceShardInput(r) ? h().signer.readShard(r) : h().signer.loadShard(r)),
    'signer:commit': () => h().signer.commit(),
    'signer:read-request': (r) => h().signer.readRequest(r.urParts),
    'signer:sign': () => h().signer.sign(),
    'signer:clear': () => h().signer.clear(),
    'signer:status': () => h().signer.status(),
    'custody:read-shard': (r) => h().held.read(r),
    'custody:clear-shard': () => h().held.clear(),
    'custody:check': async (r) => {
      // A held shard is taken only once the witness's key opened: a wrong passphrase leaves it held for another try.
      const run = (witness?: WitnessSigner) =>
        runCustodyCheck(
          {
            transcriptText: r.transcriptText,
            ...(r.finalHash === undefined ? {} : { finalHash: r.finalHash }),
            shard: 'held' in r.shard ? { envelope: h().held.take() } : r.shard,
            ...(witness === undefined ? {} : { witness }),
            ...(r.extensions === undefined ? {} : { extensions: r.extensions }),
          },
          h().clock,
        );
      const out = r.witness === undefined ? await run() : await withWitness(r.witness, (w) => run(w));
      const rc = out.receipt;
      h().custody.last = { ceremonyId: rc.ceremonyId, text: out.transcriptText, finalHash: out.finalHash };
      return {
        ceremonyId: rc.ceremonyId,
        custodianId: rc.custodianId,
        label: rc.label,
        scheme: rc.scheme,
        shardFingerprint: rc.shardFingerprint,
        checkedAgainst: rc.checkedAgainst,
        result: rc.result,
        source: rc.source,
        keyCeremonyFinalHash: rc.transcriptFinalHash,
        signedBy: out.signed?.witness.id ?? null,
        transcriptText: out.transcriptText,
        finalHash: out.finalHash,
        extension: rc.extension === undefined ? null : { ceremonyId: rc.extension.ceremonyId, finalHash: rc.extension.finalHash, group: rc.extension.group + 1, member: rc.extension.member + 1 },
      };
    },
    'custody:save-transcript': async (r) => {
      const last = h().custody.last;
      if (last === null) throw new KeyshardError('CEREMONY_TRANSITION', 'No custody check or quorum drill has been made on this laptop since it started, so there is no transcript to save. Check a shard or run a drill first.');
      return { ...(await saveTranscriptFile(r.path, last.text)), ceremonyId: last.ceremonyId, finalHash: last.finalHash };
    },
    'custody:drill-start': (r) => h().drill.start({ transcriptText: r.transcriptText, ...(r.finalHash === undefined ? {} : { finalHash: r.finalHash }), ...(r.extensions === undefined ? {} : { extensions: r.extensions }) }),
    'custody:drill-add-shard': (r) => (isDeviceShardInput(r) ? h().drill.readShard(r) : h().drill.addShard(r)),
    'custody:drill-run': async (r) => {
      const run = (witness?: WitnessSigner) => h().drill.run({ ...(r.passphrase === undefined ? {} : { passphrase: r.passphrase }), ...(witness === undefined ? {} : { witness }) });
      // The witness's key is opened before the rebuild: a wrong passphrase leaves the shards in for another try.
      const out = r.witness === null ? await run() : await withWitness(r.witness, (w) => run(w));
      h().custody.last = { ceremonyId: out.drillId, text: out.transcriptText, finalHash: out.finalHash };
      return out;
    },
    'custody:drill-clear': () => h().drill.clear(),
    'custody:drill-status': () => h().drill.status(),
  };
}
