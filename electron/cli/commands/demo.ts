/**
 * `keyshard demo --out DIR`: a whole 3-of-5 ceremony, headless, with throwaway keys, through the same ceremony
 * service the app runs (electron/services/ceremony). What it writes (paths relative to DIR):
 *
 *   shards/   one file per custodian: `<id>.ks` (envelope text, for paper and screen custodians), and under the USB
 *             shard file names (`keyshard-<ceremony>-c<index>.age` armored age, `.asc` OpenPGP) for USB custodians
 *   keys/     the throwaway keys: an age identity file (`age -d -i`), an armored OpenPGP private key (`gpg --import`),
 *             and the two witnesses' Ed25519 key files
 *   qr/       a PNG of each unprotected shard's QR code (animated codes as numbered frames)
 *   plan.json, transcript.json, summary.json
 *
 * summary.json: {"fingerprint","transcript":"transcript.json","shards":[{"custodian","file","protection","key"?}],"qr":[...],"finalHash",
 *                "witnesses":[{"id","key","passphrase"}]} (the witnesses' encrypted key files and their throwaway passphrases)
 *                With --lifecycle also "lifecycle" (electron/cli/demo-lifecycle.ts): the ceremony's ed25519 verifiable shares
 *                refreshed, one share repaired, and "keyshard" signed by FROST with a quorum of the refreshed shares, each
 *                with its sealed transcript (refresh-transcript.json, repair-transcript.json, signing-transcript.json).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { softwareEd25519Signer } from '../../../core/transcript';
import { createPlan, type CeremonyPlan, type Custodian, type PlanDraft } from '../../../core/policy';
import { MAX_ITERATION_EXPONENT } from '../../../core/slip39/constants';
import { DEFAULT_ITERATION_EXPONENT } from '../../../core/slip39/index';
import { givenBackBytes, shardDisplay } from '../../../core/shard-display';
import { checkAirGap } from '../../services/airgap/index';
import { createCeremonyService, type AirGapPort, type CeremonyService, type HandoffView, type ShardResponse } from '../../services/ceremony/index';
import { ageIdentityFile, dropEarlyOpenPgpHelpers, generateAgeIdentity, generateOpenPgpKey, openProtected, startOpenPgpHelpersEarly, type OpeningKey } from '../../services/protection/index';
import { renderQrPng } from '../../services/qr-image';
import { MIN_SCRYPT_LOG_N, parseSealedWitnessKey, sealWitnessKey, unsealWitnessKey } from '../../services/witness/key-file';
import type { ParsedArgs } from '../args';
import { LIFECYCLE_TRANSCRIPTS, type LifecycleSummary, ceremonyShares, runLifecycleDemo } from '../demo-lifecycle';
import type { CliCommand } from '../command';
import { useOneShotCurveTables } from '../curve-tables';
import type { CliIo } from '../io';

export type DemoScheme = 'slip39' | 'vss';

export interface DemoSummary {
  readonly fingerprint: string;
  readonly transcript: string;
  readonly shards: { readonly custodian: string; readonly file: string; readonly protection: 'none' | 'age' | 'openpgp' | 'pkcs11'; readonly key?: string }[];
  readonly qr: string[];
  /** The transcript's final hash: what the paper record keeps, and what `recover --final-hash` checks. */
  readonly finalHash: string;
  /** The witnesses' encrypted key files and the throwaway passphrases that open them (a real witness keeps theirs to themselves). */
  readonly witnesses: { readonly id: string; readonly key: string; readonly passphrase: string }[];
  /** With --lifecycle: refresh, repair and FROST signing of a throwaway ed25519 verifiable key (issue 17). */
  readonly lifecycle?: LifecycleSummary;
}

export interface DemoOptions {
  readonly out: string;
  readonly scheme?: DemoScheme;
  /** Progress lines (plain sentences); nothing when omitted. */
  readonly print?: (line: string) => void;
  /** Default: the real air-gap check of this machine. */
  readonly airgap?: AirGapPort;
  /** Also refresh, repair and FROST-sign with a throwaway ed25519 verifiable key (summary.json "lifecycle"). */
  readonly lifecycle?: boolean;
  /** SLIP-39's PBKDF2 iteration exponent (0..15; 10000 << e iterations). Default: keyshard's own (DEFAULT_ITERATION_EXPONENT). */
  readonly iterationExponent?: number;
}

const nodeRandom = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** What a previous demo leaves in its directory; only these may be replaced. */
const DEMO_ENTRIES = new Set(['shards', 'keys', 'qr', 'plan.json', 'transcript.json', 'summary.json', ...Object.values(LIFECYCLE_TRANSCRIPTS)]);

const CUSTODIANS: readonly { id: string; name: string; organisation: string; location: string; medium: Custodian['medium']; protection: 'none' | 'age' | 'openpgp' }[] = [
  { id: 'alice', name: 'Alice', organisation: 'Acme', location: 'Zurich', medium: 'paper', protection: 'none' },
  { id: 'bob', name: 'Bob', organisation: 'Globex', location: 'Geneva', medium: 'usb', protection: 'age' },
  { id: 'carol', name: 'Carol', organisation: 'Initech', location: 'Basel', medium: 'usb', protection: 'openpgp' },
  { id: 'dan', name: 'Dan', organisation: 'Umbrella', location: 'Bern', medium: 'screen-qr', protection: 'none' },
  { id: 'erin', name: 'Erin', organisation: 'Hooli', location: 'Lugano', medium: 'paper', protection: 'none' },
];
const WITNESSES = [
  { id: 'wendy', name: 'Wendy', organisation: 'Notary Office' },
  { id: 'victor', name: 'Victor', organisation: 'Audit Ltd' },
];
const THRESHOLD = 3;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** An empty or new DIR, or one holding a previous demo (which is cleared); anything else is refused. */
async function prepareOut(out: string, print: (line: string) => void): Promise<void> {
  let names: string[];
  try {
    const info = await stat(out);
    if (!info.isDirectory()) throw usage(`--out ${out} is a file, not a directory. Give a new or empty directory.`);
    names = await readdir(out);
  } catch (e) {
    if (e instanceof KeyshardError) throw e;
    if ((e as { code?: unknown }).code !== 'ENOENT') throw usage(`--out ${out} cannot be read. Give a new or empty directory you may write to.`);
    await mkdir(out, { recursive: true });
    return;
  }
  if (names.length === 0) return;
  const previous = names.every((n) => DEMO_ENTRIES.has(n)) && (names.includes('summary.json') || names.includes('plan.json'));
  if (!previous) {
    throw usage(
      `${out} is not empty and does not hold a previous keyshard demo, so the demo will not write into it. ` +
        'Give a new or empty directory (e.g. --out demo-out), or move the files in it elsewhere first.',
    );
  }
  print(`${out} holds a previous demo; replacing it.`);
  for (const n of names) await rm(join(out, n), { recursive: true, force: true });
}

function planDraft(scheme: DemoScheme, keys: { ageRecipient: string; pgpPublicKey: string }): PlanDraft {
  return {
    label: `keyshard demo (${scheme === 'slip39' ? 'SLIP-39' : 'FROST ed25519'}, throwaway keys)`,
    secret: scheme === 'slip39' ? { type: 'new-seed', bits: 256 } : { type: 'new-key', curve: 'ed25519' },
    scheme:
      scheme === 'slip39'
        ? { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: THRESHOLD, memberCount: CUSTODIANS.length }] }
        : { type: 'vss', ciphersuite: 'ed25519', threshold: THRESHOLD, shares: CUSTODIANS.length },
    custodians: CUSTODIANS.map((c, i) => ({
      id: c.id,
      name: c.name,
      organisation: c.organisation,
      location: c.location,
      medium: c.medium,
      protection:
        c.protection === 'age'
          ? { type: 'age', recipient: keys.ageRecipient }
          : c.protection === 'openpgp'
            ? { type: 'openpgp', publicKeyArmored: keys.pgpPublicKey }
            : { type: 'none' },
      shares: [scheme === 'slip39' ? { group: 0, member: i } : { signer: i + 1 }],
    })),
    witnesses: WITNESSES.map((w) => ({ ...w, observes: 'all' as const })),
  };
}

function mediumWords(c: Custodian): string {
  if (c.medium === 'usb') return `USB drive, ${c.protection.type === 'age' ? 'age' : 'OpenPGP'}`;
  return c.medium === 'paper' ? 'paper' : 'screen QR';
}

/** Runs the demo; returns the summary (also written to DIR/summary.json). */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const print = options.print ?? (() => {});
  const scheme = options.scheme ?? 'slip39';
  const out = resolve(options.out);
  const rel = (p: string): string => relative(out, p).split('\\').join('/');
  await prepareOut(out, print);
  const dirs = { shards: join(out, 'shards'), keys: join(out, 'keys'), qr: join(out, 'qr') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });

  const exponent = scheme === 'slip39' ? `SLIP-39, PBKDF2 iteration exponent ${options.iterationExponent ?? DEFAULT_ITERATION_EXPONENT}` : 'FROST (VSS, ed25519)';
  print(`keyshard demo: a ${THRESHOLD}-of-${CUSTODIANS.length} ${exponent} ceremony with throwaway keys, in ${out}`);

  // Throwaway keys: the custodians' (to open their protected shards) and the witnesses' (to sign checkpoints).
  const keyFiles = {
    age: join(dirs.keys, 'bob-age-identity.txt'),
    pgp: join(dirs.keys, 'carol-openpgp-secret-key.asc'),
    witness: (id: string) => join(dirs.keys, `witness-${id}.json`),
  };
  // The witnesses' throwaway keys. The ceremony signs with them as the demo holds them, through the service's
  // in-process signers (registerWitnessSigner): no key file is opened, so no passphrase is stretched for it, and each
  // sign-off still goes through the service's whole check (the key pinned in the plan, eligibility, the fingerprint
  // typed back, the signature verified before it is recorded). For the reader they are also written as encrypted key
  // files like real ones, with throwaway passphrases the summary gives (the lifecycle signs with one of these files).
  // Sealing them (scrypt on libuv's pool) runs beside the ceremony; it is awaited before the summary, and before the
  // keys are zeroized.
  const witnessKeys = new Map(WITNESSES.map((w) => [w.id, nodeRandom(32)]));
  const witnessPassphrases = new Map(WITNESSES.map((w) => [w.id, `demo-${bytesToHex(nodeRandom(6))}`]));
  const sealing = Promise.all(
    WITNESSES.map(async (w) => {
      const text = await sealWitnessKey(w.id, witnessKeys.get(w.id)!, witnessPassphrases.get(w.id)!, { logN: MIN_SCRYPT_LOG_N });
      await writeFile(keyFiles.witness(w.id), text, { mode: 0o600 });
    }),
  );
  // A failed seal is reported where it is awaited (before the summary), never as an unhandled rejection.
  sealing.catch(() => undefined);
  const wipeWitnessKeys = async (): Promise<void> => {
    await sealing.catch(() => undefined);
    for (const key of witnessKeys.values()) key.fill(0);
  };
  let age: Awaited<ReturnType<typeof generateAgeIdentity>>;
  let pgp: Awaited<ReturnType<typeof generateOpenPgpKey>>;
  try {
    age = await generateAgeIdentity();
    pgp = await generateOpenPgpKey('Carol (keyshard demo)');
    await writeFile(keyFiles.age, ageIdentityFile(age.identity, age.recipient), { mode: 0o600 });
    await writeFile(keyFiles.pgp, pgp.privateKeyArmored, { mode: 0o600 });
  } catch (e) {
    await wipeWitnessKeys();
    throw e;
  }
  print(`Throwaway keys: ${[keyFiles.age, keyFiles.pgp, ...WITNESSES.map((w) => keyFiles.witness(w.id))].map(rel).join(', ')}`);
  print(`Throwaway witness key passphrases: ${WITNESSES.map((w) => `${w.id} ${witnessPassphrases.get(w.id) ?? ''}`).join(', ')}`);
  const openingKeys: Record<string, OpeningKey> = {
    bob: { kind: 'age', identity: age.identity },
    carol: { kind: 'openpgp', privateKeyArmored: pgp.privateKeyArmored },
  };

  const clock = (): Date => new Date();
  const plan: CeremonyPlan = createPlan(planDraft(scheme, { ageRecipient: age.recipient, pgpPublicKey: pgp.publicKeyArmored }), clock);
  const service: CeremonyService = createCeremonyService({
    clock,
    random: nodeRandom,
    airgap: options.airgap ?? { check: () => checkAirGap() },
    transcriptDir: out,
    ...(options.iterationExponent === undefined ? {} : { slip39: { iterationExponent: options.iterationExponent } }),
    usb: {
      write: async ({ fileName, data }) => {
        const location = join(dirs.shards, fileName);
        await writeFile(location, data, { mode: 0o600 });
        return { location };
      },
      read: async ({ location }) => new Uint8Array(await readFile(location)),
      remove: ({ location }) => rm(location, { force: true }),
    },
  });

  const witnessNames = new Map(WITNESSES.map((w) => [w.id, w.name]));
  const signAll = async (): Promise<void> => {
    const signed: string[] = [];
    for (;;) {
      const so = (await service.status()).signOff;
      const next = so?.eligible.find((w) => !so.signedBy.includes(w));
      if (so === null || next === undefined) break;
      // As at a real ceremony, the fingerprint read aloud is typed back (the in-process signers ask no passphrase).
      await service.signOff({ witnessId: next, fingerprint: so.confirm.display });
      signed.push(witnessNames.get(next) ?? next);
    }
    if (signed.length > 0) print(`  signed off by ${signed.join(' and ')}`);
  };

  const summaryShards: DemoSummary['shards'][number][] = [];
  const qrFiles: string[] = [];
  // --lifecycle: this ceremony's shares, opened from the files it wrote, refreshed, repaired and used to sign.
  const lifecycleOf = async (files: DemoSummary['shards'][number][]): Promise<LifecycleSummary> => {
    if (scheme !== 'vss') throw new KeyshardError('INVALID_ARGUMENT', 'The lifecycle refreshes a verifiable ceremony\'s shares: run the demo with --scheme vss.');
    const { shares, commitments } = await ceremonyShares(files.map((f) => ({ path: join(out, f.file), key: openingKeys[f.custodian] ?? { kind: 'none' } })));
    // The first witness signs off the lifecycle's checkpoints too, with her key file and passphrase (throwaway).
    const witness = WITNESSES[0]!;
    const sealed = parseSealedWitnessKey(await readFile(keyFiles.witness(witness.id), 'utf8'));
    const secretKey = await unsealWitnessKey(sealed, witnessPassphrases.get(witness.id) ?? '');
    try {
      const airgap = await (options.airgap ?? { check: () => checkAirGap() }).check();
      return await runLifecycleDemo(nodeRandom, { out, transcript: 'transcript.json', shares, commitments, airgap, witness: softwareEd25519Signer(witness.id, secretKey) }, print);
    } finally {
      secretKey.fill(0);
      sealed.ciphertext.fill(0);
      for (const s of shares) s.signingShare.fill(0);
    }
  };
  try {
    // Each OpenPGP USB shard is encrypted and read back in a helper process apiece: start both now, so their start
    // (Node loading openpgp.js) runs beside the steps before the handoff instead of being waited for at it.
    startOpenPgpHelpersEarly(2 * plan.custodians.filter((c) => c.medium === 'usb' && c.protection.type === 'openpgp').length);
    for (const w of WITNESSES) await service.registerWitnessSigner(softwareEd25519Signer(w.id, witnessKeys.get(w.id)!));
    // Both witnesses sign every checkpoint.
    const signOffs = { 'airgap-check': 'all', generate: 'all', import: 'all', split: 'all', confirm: 'all', 'test-recovery': 'all', destroy: 'all', seal: 'all' } as const;
    await service.start({ plan, signOffs });
    print(`Plan: ${plan.custodians.map((c) => `${c.name} (${mediumWords(c)})`).join(', ')}; witnesses ${WITNESSES.map((w) => w.name).join(' and ')}. Written to plan.json.`);

    const air = await service.checkAirGap();
    if (air.passed) {
      print('Air gap: no network interface other than loopback is up.');
    } else {
      const up = air.interfacesUp.join(', ') || 'a network interface';
      print(`Air gap: this machine is online (${up} up). A real ceremony stops here; the demo goes on with an override by ${WITNESSES[0]!.name}, recorded in the transcript.`);
      await service.checkAirGap({ override: { witnessId: WITNESSES[0]!.id, reason: `keyshard demo with throwaway keys on a networked machine (${up} up)` } });
    }
    await signAll();

    const entropy = await service.gatherEntropy();
    print(`Entropy: ${entropy.sources.join(', ')}.`);
    const gen = await service.generate();
    print(`Generated ${scheme === 'slip39' ? 'a 256-bit seed' : 'an ed25519 signing key'}. Fingerprint: ${gen.fingerprint.display}`);
    await signAll();
    const split = await service.split();
    print(
      `Split into ${split.shardCount} shards, any ${THRESHOLD} recover it (${split.identifier === undefined ? `FROST commitments, group key ${split.commitments?.[0] ?? ''}` : `SLIP-39 identifier ${split.identifier}`}). Fingerprint: ${split.fingerprint.display}`,
    );
    await signAll();

    for (const c of plan.custodians) {
      const view: HandoffView = await service.handoff({ custodianId: c.id });
      let confirmLine: string;
      if (c.medium === 'usb') {
        const file = view.files[0]!;
        summaryShards.push({ custodian: c.id, file: rel(file.location), protection: c.protection.type === 'age' ? 'age' : 'openpgp', key: rel(c.protection.type === 'age' ? keyFiles.age : keyFiles.pgp) });
        await service.confirm({ custodianId: c.id, method: 'read-back-usb', openingKeys: [openingKeys[c.id]!] });
        confirmLine = `${rel(file.location)} (${file.protection === 'age' ? 'age' : 'OpenPGP'}-encrypted; opens with ${rel(c.protection.type === 'age' ? keyFiles.age : keyFiles.pgp)}), confirmed by reading the file back and opening it`;
      } else {
        // The CLI is the custodians' screen here: it makes the shard's text forms from the bytes, as the window does.
        const shard = shardDisplay(view.shards[0]!.envelope, view.shards[0]!.qrOptions);
        const file = join(dirs.shards, `${c.id}.ks`);
        await writeFile(file, `${shard.envelopeText}\n`, { mode: 0o600 });
        summaryShards.push({ custodian: c.id, file: rel(file), protection: 'none' });
        const pngs: string[] = [];
        for (const [i, frame] of shard.qr.frames.entries()) {
          const png = join(dirs.qr, shard.qr.frames.length === 1 ? `${c.id}.png` : `${c.id}-${String(i + 1).padStart(2, '0')}.png`);
          await writeFile(png, await renderQrPng(frame, { errorCorrectionLevel: shard.qr.errorCorrectionLevel }), { mode: 0o600 });
          pngs.push(rel(png));
        }
        qrFiles.push(...pngs);
        let response: ShardResponse;
        if (c.medium === 'screen-qr') {
          response = givenBackBytes({ qrTexts: [...shard.qr.frames] });
          confirmLine = `${rel(file)} and ${pngs.join(', ')}, confirmed by scanning the QR code`;
        } else {
          // Paper: typed back from what was written (the words for SLIP-39, the shard text otherwise).
          const written = (await readFile(file, 'utf8')).trim();
          response = givenBackBytes(shard.words !== undefined ? { words: shard.words.join(' ') } : { text: written });
          confirmLine = `${rel(file)} and ${pngs.join(', ')}, confirmed by typing ${shard.words !== undefined ? `the ${shard.words.length} words` : 'the shard text'} back`;
        }
        await service.confirm({ custodianId: c.id, method: c.medium === 'screen-qr' ? 'scan-qr' : 'type-back', responses: [response] });
      }
      print(`Handed ${c.name} their shard (${mediumWords(c)}): ${confirmLine}.`);
      await signAll();
      // The receipt is a step of the script: main refuses the next handoff (and the test recovery) without it.
      await service.receipt({ custodianId: c.id });
      print(`Recorded ${c.name}'s receipt of their shard.`);
    }

    // A random quorum gives its shards back from the files written above.
    const ids = plan.custodians.map((c) => c.id);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const quorum = plan.custodians.filter((c) => ids.slice(0, THRESHOLD).includes(c.id));
    const responses = [];
    for (const c of quorum) {
      const entry = summaryShards.find((s) => s.custodian === c.id)!;
      const data = await readFile(join(out, entry.file));
      const text = await openProtected(new Uint8Array(data), openingKeys[c.id] ?? { kind: 'none' });
      responses.push({ custodianId: c.id, shards: [givenBackBytes({ text }, 'read')] });
    }
    const rec = await service.testRecovery({ responses });
    print(
      `Test recovery from ${quorum.map((c) => c.name).join(', ')} (their shard files): fingerprint ${rec.recovered.display} ${rec.fingerprintMatch ? 'matches' : 'DOES NOT MATCH'}.`,
    );
    if (!rec.fingerprintMatch) throw new KeyshardError('INTERNAL', 'The test recovery did not give the generated fingerprint. The demo stops here; please report this.');
    await signAll();

    const destroyed = await service.destroy({ confirmed: true });
    print(`Destroyed the secret in memory: ${destroyed.buffers} buffers zeroized (${destroyed.items.join(', ')}).`);
    await signAll();
    await service.seal();
    print('Sealing the transcript.');
    await signAll();
    const status = await service.status();
    if (status.phase !== 'sealed') throw new KeyshardError('INTERNAL', 'The demo ceremony did not seal. Please report this.');
    print(`Sealed. Transcript: transcript.json (${status.transcript.entries} entries). Final hash: ${status.transcript.headHash ?? ''}`);
    // The witnesses' key files are written (the lifecycle reads one) before the summary names them.
    await sealing;

    const summary: DemoSummary = {
      fingerprint: gen.fingerprint.hex,
      transcript: 'transcript.json',
      shards: summaryShards,
      qr: qrFiles,
      finalHash: status.transcript.headHash ?? '',
      witnesses: WITNESSES.map((w) => ({ id: w.id, key: rel(keyFiles.witness(w.id)), passphrase: witnessPassphrases.get(w.id) ?? '' })),
      ...(options.lifecycle === true ? { lifecycle: await lifecycleOf(summaryShards) } : {}),
    };
    await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    const shown = isAbsolute(options.out) ? out : options.out;
    // Commands that work as written, from the keyshard folder (npx finds the command there).
    const at = (p: string) => join(shown, p);
    const finalHash = summary.finalHash;
    const ageShard = summaryShards.find((s) => s.protection === 'age');
    const pgpShard = summaryShards.find((s) => s.protection === 'openpgp');
    const keyFlags = [`--identity ${at(rel(keyFiles.age))}`, `--gpg-key ${at(rel(keyFiles.pgp))}`].join(' ');
    print(`Summary: summary.json. Check it yourself:`);
    print(`  npx keyshard transcript verify ${at('transcript.json')} --final-hash ${finalHash}`);
    if (ageShard !== undefined) print(`  npx keyshard shard open --identity ${at(rel(keyFiles.age))} ${at(ageShard.file)}`);
    if (pgpShard !== undefined) print(`  npx keyshard shard open --gpg-key ${at(rel(keyFiles.pgp))} ${at(pgpShard.file)}`);
    print(`  npx keyshard recover ${keyFlags} --transcript ${at('transcript.json')} --final-hash ${finalHash} ${at('shards')}`);
    // A custody check: one custodian's shard against the transcript alone (its handoff recorded the shard fingerprint).
    const plainShard = summaryShards.find((s) => s.protection === 'none');
    if (plainShard !== undefined) print(`  npx keyshard custody check --transcript ${at('transcript.json')} --final-hash ${finalHash} ${at(plainShard.file)}`);
    if (ageShard !== undefined) print(`  age -d -i ${at(rel(keyFiles.age))} ${at(ageShard.file)}`);
    if (summary.lifecycle !== undefined) for (const name of Object.values(summary.lifecycle.transcripts)) print(`  npx keyshard transcript verify ${at(name)}`);
    return summary;
  } catch (e) {
    // Whatever failed, nothing secret stays in memory; the transcript records the abort when it can.
    await service.abort({ reason: 'the demo failed' }).catch(() => undefined);
    throw e;
  } finally {
    dropEarlyOpenPgpHelpers();
    await service.shutdown();
    await wipeWitnessKeys();
  }
}

/** `--iteration-exponent E`: a whole number the SLIP-39 share format can carry (4 bits), and only for SLIP-39. */
function parseIterationExponent(value: string | undefined, scheme: DemoScheme): number | undefined {
  if (value === undefined) return undefined;
  if (scheme !== 'slip39') throw usage('--iteration-exponent applies to SLIP-39 shares only; leave it out with --scheme vss.');
  if (!/^[0-9]{1,2}$/.test(value.trim()) || Number(value.trim()) > MAX_ITERATION_EXPONENT) {
    throw usage(`--iteration-exponent must be a whole number from 0 to ${MAX_ITERATION_EXPONENT} (got "${value}"). Leave it out for keyshard's default, ${DEFAULT_ITERATION_EXPONENT}.`);
  }
  return Number(value.trim());
}

export const demoCommand: CliCommand = {
  group: 'demo',
  action: '',
  summary: 'run a whole 3-of-5 ceremony with throwaway keys and write everything it makes to a directory',
  help: [
    'Usage: keyshard demo --out DIR [--scheme slip39|vss] [--iteration-exponent E] [--lifecycle] [--json]',
    '',
    'Runs a complete ceremony headless, through the same ceremony service as the app, with throwaway keys:',
    '5 custodians (paper, screen QR, USB with age, USB with OpenPGP), 2 witnesses signing every checkpoint, an',
    'air-gap check (overridden and recorded when this machine is online), entropy, generation, split, handoff and',
    'confirmation of each shard, a test recovery from a random quorum of 3, destruction of the secret, and the seal.',
    '',
    'Writes into DIR: shards/ (.ks envelope text, .age, .asc), keys/ (the throwaway keys that open the protected',
    'shards, and the witnesses\' keys), qr/*.png, plan.json, transcript.json and summary.json:',
    '  {"fingerprint","transcript":"transcript.json","shards":[{"custodian","file","protection","key"}],"qr":[...]}',
    'DIR must be new, empty, or hold a previous demo (which is replaced).',
    '',
    '  --out DIR        where to write (required)',
    '  --scheme S       slip39 (a 256-bit seed, default) or vss (a FROST ed25519 key)',
    '  --iteration-exponent E',
    `                   SLIP-39 only: the shares' PBKDF2 iteration exponent, 0 to ${MAX_ITERATION_EXPONENT} (10000 << E iterations;`,
    `                   default ${DEFAULT_ITERATION_EXPONENT}, as the app). 0 is the cheapest the SLIP-39 format allows`,
    '  --lifecycle      also refresh the ceremony\'s shares (--scheme vss, the default with --lifecycle), repair one\n'+
    '                   lost share and sign "keyshard" by FROST with a quorum of the refreshed shares, each with its\n'+
    `                   sealed transcript (${Object.values(LIFECYCLE_TRANSCRIPTS).join(', ')}); summary.json gains "lifecycle":\n`+
    '                   {"ciphersuite","groupPublicKey","oldShares","newShares","repaired","message","signature","transcripts"}',
    '  --json           print only summary.json on stdout',
  ].join('\n'),
  options: { values: ['out', 'scheme', 'iteration-exponent'], booleans: ['json', 'lifecycle'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const out = args.values.get('out');
    if (out === undefined || out.trim() === '') throw usage('--out DIR is required: the directory the demo writes into. Run with --help to see the usage.');
    const lifecycle = args.booleans.get('lifecycle') === true;
    // The lifecycle works on the ceremony's verifiable shares: --lifecycle makes vss the default.
    const scheme = args.values.get('scheme') ?? (lifecycle ? 'vss' : 'slip39');
    if (scheme !== 'slip39' && scheme !== 'vss') throw usage('--scheme must be slip39 or vss.');
    if (lifecycle && scheme !== 'vss') throw usage('--lifecycle refreshes, repairs and signs with verifiable shares: use it with --scheme vss (its default).');
    const json = args.booleans.get('json') === true;
    const iterationExponent = parseIterationExponent(args.values.get('iteration-exponent'), scheme);
    // A one-off process: small base-point tables cost less than building the library's large ones (curve-tables.ts).
    useOneShotCurveTables();
    const summary = await runDemo({ out, scheme, lifecycle, ...(iterationExponent === undefined ? {} : { iterationExponent }), ...(json ? {} : { print: (line: string) => io.stdout(`${line}\n`) }) });
    if (json) io.stdout(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

/** Register these in electron/cli/commands/index.ts. */
export const demoCommands: readonly CliCommand[] = [demoCommand];
