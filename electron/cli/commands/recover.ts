/**
 * `keyshard recover`: from shard files (or every shard file in a folder, as the app reads a stick) back to the key,
 * with a verdict that says how it knows the key is the ceremony's (core/recovery-trust.ts, the same rule as the app):
 * verified only against something the team holds apart from the shards, a fingerprint or final hash typed from the
 * paper record, or witness signatures under keys pinned by fingerprint.
 */
import { pbkdf2Sync } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { EnvelopeScheme, decodeSlip39Payload, decodeVssPayload, describeEnvelope, vssCiphersuite, wipeEnvelope, type Envelope } from '../../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../../core/errors';
import { fingerprintOf, seedIdentity } from '../../../core/fingerprint';
import { type ExpectedFingerprint, expectedFromShards, expectedFromTranscript, expectedFromTypedFingerprint, recoveryVerdict, shortDisplay } from '../../../core/recovery-trust';
import { Slip39Recovery, type Pbkdf2 } from '../../../core/slip39/index';
import { combineShares, groupFingerprint, type VssShare } from '../../../core/vss/index';
import type { ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { bip39Identity, bip39Mnemonic } from '../bip39';
import { spokenText } from '../../../core/read-aloud';
import { fingerprintMismatch } from '../expected-key';
import { readInputFile, writeNewFile } from '../files';
import { verifyTranscriptBytes } from './transcript';
import { bagSerialDisplay, isBagSerial, normaliseBagSerial } from '../../../core/bag-serial';
import type { TranscriptEntry } from '../../../core/transcript';
import type { CliIo } from '../io';
import { SHARD_KEY_HELP, SHARD_KEY_OPTIONS, type ShardOpenerDeps, createShardOpener } from '../shard-files';

const nodePbkdf2: Pbkdf2 = (password, salt, iterations, dkLen) => pbkdf2Sync(password, salt, iterations, dkLen, 'sha256');

/** Names a folder's shard files end with (as keyshard writes them: paper/QR texts, USB files, token-sealed files). */
const SHARD_FILE = /\.(ks|txt|age|asc|p11)$/i;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

/** The files to read: each FILE as given, and each DIR's shard files (not its subfolders), in name order. */
async function shardPaths(positionals: readonly string[]): Promise<{ path: string; fromFolder: boolean }[]> {
  const out: { path: string; fromFolder: boolean }[] = [];
  for (const p of positionals) {
    const info = await lstat(p).catch(() => undefined);
    if (info?.isDirectory() !== true) {
      out.push({ path: p, fromFolder: false });
      continue;
    }
    const names = (await readdir(p)).filter((n) => !n.startsWith('.') && SHARD_FILE.test(n)).sort();
    for (const n of names) {
      const entry = await lstat(join(p, n));
      if (entry.isFile()) out.push({ path: join(p, n), fromFolder: true });
    }
  }
  return out;
}

/**
 * The tamper-evident bags a transcript recorded at the handoffs, by custodian index (the envelope's): the plan entry
 * names the custodians in index order, each handoff entry the serial of its custodian's bag.
 */
function recordedBags(entries: readonly TranscriptEntry[]): Map<number, { custodianId: string; serial: string }> {
  const plan = entries.find((e) => e.kind === 'plan')?.data as { custodianIds?: unknown } | undefined;
  const ids = Array.isArray(plan?.custodianIds) ? (plan.custodianIds as unknown[]) : [];
  const out = new Map<number, { custodianId: string; serial: string }>();
  for (const e of entries) {
    const d = e.data as { custodianId?: unknown; bagSerial?: unknown };
    const index = ids.indexOf(d.custodianId);
    if (e.kind === 'handoff' && index >= 0 && isBagSerial(d.bagSerial)) out.set(index, { custodianId: String(d.custodianId), serial: d.bagSerial });
  }
  return out;
}

/** What the team expects, from the flags (and the transcript they name), and the bags that transcript recorded. */
async function expectation(args: ParsedArgs, shardFingerprint: string): Promise<{ expected: ExpectedFingerprint; bags: Map<number, { custodianId: string; serial: string }> }> {
  const none = new Map<number, { custodianId: string; serial: string }>();
  const typed = args.values.get('fingerprint');
  const transcript = args.values.get('transcript');
  const finalHash = args.values.get('final-hash');
  const pins = args.lists.get('witness-key') ?? [];
  if (typed !== undefined && transcript !== undefined) throw usage('Give --fingerprint or --transcript, not both: one is what the key is checked against.');
  if (transcript === undefined && (finalHash !== undefined || pins.length > 0)) throw usage('--final-hash and --witness-key check a transcript: give it with --transcript FILE.');
  if (typed !== undefined) return { expected: expectedFromTypedFingerprint(typed), bags: none };
  if (transcript === undefined) return { expected: expectedFromShards(shardFingerprint), bags: none };
  // Strict UTF-8, as `transcript verify` reads it: an invalid byte is a change to the file, not something to replace.
  const v = verifyTranscriptBytes(await readInputFile(transcript));
  if (!v.ok) {
    throw new KeyshardError(v.code, `The transcript ${transcript} does not verify${v.firstBadSeq === null ? '' : ` (entry ${v.firstBadSeq})`}: ${v.reason} Nothing was recovered against it.`, { seq: v.firstBadSeq });
  }
  return { expected: expectedFromTranscript(v, { ...(finalHash === undefined ? {} : { finalHash }), witnessKeys: pins }), bags: recordedBags(v.entries) };
}

interface BagCheck {
  readonly file: string;
  readonly custodianId: string;
  readonly recorded: string;
  readonly outcome: 'matched' | 'mismatch' | 'missing';
}

/**
 * Each shard the transcript recorded in a bag is used only when the serial of that bag is among those typed (--bag,
 * one per bag opened); the others are set aside, wiped, and named with BAG_SERIAL_NEEDED / BAG_SERIAL_MISMATCH.
 */
function checkBags(
  opened: { file: string; envelope: Envelope }[],
  bags: ReadonlyMap<number, { custodianId: string; serial: string }>,
  typed: readonly string[],
  skipped: { file: string; code: string }[],
): { kept: { file: string; envelope: Envelope }[]; checks: BagCheck[] } {
  const given = new Set(typed.map((t) => normaliseBagSerial(t)));
  const kept: { file: string; envelope: Envelope }[] = [];
  const checks: BagCheck[] = [];
  for (const o of opened) {
    const bag = bags.get(o.envelope.custodianIndex);
    if (bag === undefined) {
      kept.push(o);
      continue;
    }
    const outcome = given.has(bag.serial) ? 'matched' : given.size === 0 ? 'missing' : 'mismatch';
    checks.push({ file: o.file, custodianId: bag.custodianId, recorded: bag.serial, outcome });
    if (outcome === 'matched') {
      kept.push(o);
    } else {
      wipeEnvelope(o.envelope);
      skipped.push({ file: o.file, code: outcome === 'missing' ? 'BAG_SERIAL_NEEDED' : 'BAG_SERIAL_MISMATCH' });
    }
  }
  return { kept, checks };
}

const SOURCE_TEXT: Record<ExpectedFingerprint['source'], string> = {
  fingerprint: 'the fingerprint typed from the paper record',
  'final-hash': 'the transcript, whose final hash matches the one typed from the paper record',
  'witness-keys': 'the transcript, signed by witness keys the team pinned',
  'transcript-unsigned': 'a transcript that nothing the team holds vouches for (no final hash typed, no pinned witness key)',
  'transcript-unfinished': 'the transcript of a ceremony that was aborted or did not reach its seal',
  shards: 'the shards themselves',
};

/** 'id 3f2a…, "Treasury seed", sealed 2025-03-01 10:00 UTC': the ceremony a transcript records. */
function ceremonyText(c: NonNullable<ExpectedFingerprint['ceremony']>): string {
  return [`id ${c.id}`, ...(c.label === null ? [] : [`"${c.label}"`]), c.sealedAt === null ? 'not sealed' : `sealed ${c.sealedAt.slice(0, 16).replace('T', ' ')} UTC`].join(', ');
}

/** "pinned witness wendy" / "pinned witnesses wendy, victor". */
function pinnedSigners(e: ExpectedFingerprint): string {
  const ids = [...new Set(e.bindingSignoffs.filter((b) => b.pinned).map((b) => b.witnessId))];
  return `pinned witness${ids.length === 1 ? '' : 'es'} ${ids.join(', ')}`;
}

interface Recovered {
  readonly scheme: string;
  readonly fingerprint: string;
  readonly secret: Uint8Array;
  readonly groupPublicKey?: string;
  readonly xpub?: string;
  /** --as bip39: the wallet's mnemonic (secret; printed only like the secret). */
  readonly mnemonic?: string;
}

function recoverSlip39(envelopes: readonly { file: string; envelope: Envelope }[], passphrase: string, asBip39: boolean): Recovered {
  const state = new Slip39Recovery();
  try {
    envelopes.forEach(({ file, envelope }, i) => {
      const result = state.add(decodeSlip39Payload(envelope.payload), i + 1);
      if (result.status === 'rejected') throw new KeyshardError(result.error.code, `${file}: ${result.error.message}`, { ...result.error.details, file });
    });
    const seed = state.combine(passphrase, nodePbkdf2);
    if (asBip39) {
      // A BIP-39 wallet split by its entropy: the key is the wallet's, its fingerprint that of the BIP-39 seed.
      try {
        const { fingerprint, xpub } = bip39Identity(seed);
        return { scheme: 'slip39', fingerprint, secret: seed, xpub, mnemonic: bip39Mnemonic(seed) };
      } catch (e) {
        seed.fill(0);
        throw e;
      }
    }
    const identity = seedIdentity(seed);
    return { scheme: 'slip39', fingerprint: fingerprintOf(identity).hex, secret: seed, ...(identity.xpub === undefined ? {} : { xpub: identity.xpub }) };
  } finally {
    state.clear();
  }
}

function recoverVss(envelopes: readonly { file: string; envelope: Envelope }[]): Recovered {
  const first = envelopes[0]!.envelope;
  const ciphersuite = vssCiphersuite(first.scheme);
  if (ciphersuite === undefined) throw new KeyshardError('ENVELOPE_VERSION', 'These shards hold a kind of share this keyshard cannot recover.');
  const payloads = envelopes.map(({ envelope }) => decodeVssPayload(envelope.scheme, envelope.payload));
  const shares: VssShare[] = payloads.map((p) => ({ identifier: p.identifier, signingShare: p.signingShare }));
  try {
    const commitments = payloads[0]!.commitments;
    const same = payloads.every((p) => p.threshold === payloads[0]!.threshold && p.commitments.length === commitments.length && p.commitments.every((c, i) => bytesToHex(c) === bytesToHex(commitments[i]!)));
    if (!same) throw new KeyshardError('SHARES_MISMATCH', 'These shards carry different commitments or thresholds: they come from different deals. Give shards of one ceremony only.');
    const { secret, groupPublicKey } = combineShares({ ciphersuite, threshold: payloads[0]!.threshold, shares, commitments: [...commitments] });
    return { scheme: `vss-${ciphersuite}`, fingerprint: groupFingerprint(ciphersuite, groupPublicKey).hex, secret, groupPublicKey: bytesToHex(groupPublicKey) };
  } finally {
    for (const s of shares) s.signingShare.fill(0);
  }
}

export function createRecoverCommands(deps?: ShardOpenerDeps): readonly CliCommand[] {
  const recover: CliCommand = {
    group: 'recover',
    action: '',
    summary: 'recover the key from a quorum of shard files, and say how it knows it is the ceremony\'s key',
    help: [
      'Usage: keyshard recover [key options] [--fingerprint HEX | --transcript FILE [--final-hash HEX] [--witness-key FP]...]',
      '                        [--bag SERIAL]... [--passphrase-env VAR] [--reveal | --out FILE] [--json] FILE|DIR...',
      '',
      'Opens the shard files given (every .ks, .txt, .age, .asc and .p11 file of a DIR, as the app reads a stick),',
      'combines them and checks the key against what the team expects. The answer is "verified" only when the',
      'expected fingerprint came from something the team holds apart from the shards:',
      '  --fingerprint HEX     the key fingerprint typed from the paper record (64 hex digits, the 32 read aloud, or its 20 words)',
      '  --transcript FILE     the ceremony transcript, verified first; with --final-hash HEX (from the paper record)',
      '                        or --witness-key FP (a witness key fingerprint the team pins; repeat) it is verified,',
      '                        without them it is only a file that agrees with the shards: unverified',
      'With neither, only the shards\' own fingerprint is known: unverified.',
      '',
      'Options:',
      ...SHARD_KEY_HELP,
      '  --bag SERIAL          the serial of a tamper-evident bag opened, read aloud from the bag (repeat, one per bag).',
      '                        A shard the transcript recorded in a bag is used only if that bag\'s serial is given;',
      '                        otherwise it is set aside (BAG_SERIAL_NEEDED, or BAG_SERIAL_MISMATCH when other serials were typed)',
      '  --passphrase-env VAR  the SLIP-39 passphrase, from the environment variable VAR (default: none)',
      '  --as bip39            the shards hold a BIP-39 wallet\'s entropy: give it back as its mnemonic, and check the',
      '                        fingerprint of the wallet\'s BIP-39 seed (what the wallet shows)',
      '  --reveal              print the recovered secret (hex). It is the key: keep it off screens and logs',
      '  --out FILE            write the secret (hex) to FILE instead, a new file readable only by you',
      '  --json                {"scheme","fingerprint","fingerprintWords","verified","source","ceremony"?,"groupPublicKey"?,"xpub"?} (+"secretHex" with',
      '                        --reveal, "out" with --out, "skipped" for files that could not be used, "bags" for each bag checked)',
      '',
      'Exit 0 with "verified": true or false; exit 1 with FINGERPRINT_MISMATCH (the key is not the expected one: nothing',
      'is printed or written), BELOW_THRESHOLD (says how many more shares of which group), FINAL_HASH_MISMATCH, or the',
      "code of a shard or transcript that cannot be read. Source names: fingerprint, final-hash, witness-keys,",
      'transcript-unsigned, transcript-unfinished (aborted, or not sealed: never verified), shards.',
    ].join('\n'),
    options: {
      values: [...SHARD_KEY_OPTIONS.values, 'fingerprint', 'transcript', 'final-hash', 'passphrase-env', 'out', 'as'],
      repeatable: [...SHARD_KEY_OPTIONS.repeatable, 'witness-key', 'bag'],
      booleans: ['json', 'reveal'],
      positionals: { min: 1, max: 256, names: 'the shard FILEs or a DIR holding them' },
    },
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const json = args.booleans.get('json') === true;
      const reveal = args.booleans.get('reveal') === true;
      const outPath = args.values.get('out');
      if (reveal && outPath !== undefined) throw usage('Give --reveal or --out FILE, not both.');
      const passphraseVar = args.values.get('passphrase-env');
      if (passphraseVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(passphraseVar)) throw usage('--passphrase-env takes the NAME of an environment variable.');
      const passphrase = passphraseVar === undefined ? '' : process.env[passphraseVar] ?? '';
      if (passphraseVar !== undefined && passphrase === '') throw usage(`The environment variable ${passphraseVar} (from --passphrase-env) is not set or is empty.`);

      const paths = await shardPaths(args.positionals);
      if (paths.length === 0) throw usage('No shard files found in the folders given (.ks, .txt, .age, .asc, .p11).');
      const opener = await createShardOpener(args, deps);
      const opened: { file: string; envelope: Envelope }[] = [];
      const skipped: { file: string; code: string }[] = [];
      try {
        for (const { path, fromFolder } of paths) {
          try {
            opened.push({ file: path, envelope: (await opener.open(path)).envelope });
          } catch (e) {
            // A file found in a folder that cannot be opened (another custodian's key, not a shard) is set aside and
            // named; a file named on the command line is an error.
            if (!fromFolder || !isKeyshardError(e)) throw e;
            skipped.push({ file: path, code: e.code });
          }
        }
      } catch (e) {
        for (const o of opened) wipeEnvelope(o.envelope);
        throw e;
      } finally {
        await opener.close();
      }

      let recovered: Recovered | undefined;
      try {
        if (opened.length === 0) {
          throw new KeyshardError('BELOW_THRESHOLD', `None of the ${paths.length} files could be opened (${skipped.map((s) => `${s.file}: ${s.code}`).join('; ')}). Give the custodians' keys (--identity, --gpg-key, --module/--token).`, { skipped });
        }
        const facts = opened.map((o) => ({ file: o.file, ...describeEnvelope(o.envelope) }));
        const base = facts[0]!;
        const stranger = facts.find((f) => f.ceremonyId !== base.ceremonyId || f.scheme !== base.scheme || f.groupFingerprint !== base.groupFingerprint);
        if (stranger !== undefined) {
          throw new KeyshardError('SHARES_MISMATCH', `${stranger.file} is a shard of another ceremony (or another scheme) than ${base.file}. Give the shards of one ceremony only.`, { file: stranger.file });
        }
        const { expected, bags } = await expectation(args, base.groupFingerprint);
        // Bags before anything is combined: a shard from a bag whose serial was not typed is not used.
        const bagged = checkBags(opened, bags, args.lists.get('bag') ?? [], skipped);
        opened.splice(0, opened.length, ...bagged.kept);
        const stopped = bagged.checks.filter((b) => b.outcome !== 'matched');
        if (opened.length === 0) {
          throw new KeyshardError(
            stopped.some((b) => b.outcome === 'mismatch') ? 'BAG_SERIAL_MISMATCH' : 'BAG_SERIAL_NEEDED',
            `No shard was used: the transcript recorded each one in a tamper-evident bag whose serial was not typed (${stopped.map((b) => `${b.file}: bag ${bagSerialDisplay(b.recorded)}`).join('; ')}). Read each bag's serial aloud before opening it and give it with --bag SERIAL; a bag whose serial differs from the record may have been swapped: do not use its shard.`,
            { bags: stopped },
          );
        }
        const as = args.values.get('as');
        if (as !== undefined && as !== 'bip39') throw usage('--as takes bip39: the mnemonic of a BIP-39 wallet that was split.');
        const isSlip39 = base.scheme === 'slip39' && opened[0]!.envelope.scheme === EnvelopeScheme.slip39;
        if (as === 'bip39' && !isSlip39) throw usage('--as bip39 is for SLIP-39 shards of a BIP-39 wallet; these are signer shares.');
        recovered = isSlip39 ? recoverSlip39(opened, passphrase, as === 'bip39') : recoverVss(opened);
        const verdict = recoveryVerdict(expected, recovered.fingerprint);
        if (verdict === 'mismatch') {
          throw fingerprintMismatch(
            `The recovered key's fingerprint (${shortDisplay(recovered.fingerprint)}) is not the expected one (${shortDisplay(expected.fingerprint)}, from ${SOURCE_TEXT[expected.source]}).`,
            { source: expected.source, recovered: recovered.fingerprint, expected: expected.fingerprint },
          );
        }
        const verified = verdict === 'verified';
        const secretHex = bytesToHex(recovered.secret);
        const secretText = recovered.mnemonic ?? secretHex;
        if (outPath !== undefined) await writeNewFile(outPath, `${secretText}\n`, 'the recovered secret');
        const result = {
          scheme: recovered.scheme,
          fingerprint: recovered.fingerprint,
          // The same 128 bits as words to read aloud (core/read-aloud: Bytewords with their CRC-32).
          fingerprintWords: spokenText(recovered.fingerprint),
          verified,
          source: expected.source,
          ...(expected.ceremony === undefined ? {} : { ceremony: expected.ceremony }),
          ...(recovered.groupPublicKey === undefined ? {} : { groupPublicKey: recovered.groupPublicKey }),
          ...(recovered.xpub === undefined ? {} : { xpub: recovered.xpub }),
          ...(reveal ? (recovered.mnemonic === undefined ? { secretHex } : { mnemonic: recovered.mnemonic }) : {}),
          ...(outPath === undefined ? {} : { out: outPath }),
          ...(skipped.length === 0 ? {} : { skipped }),
          ...(bagged.checks.length === 0 ? {} : { bags: bagged.checks }),
        };
        if (json) {
          io.stdout(`${JSON.stringify(result)}\n`);
          return 0;
        }
        const lines = [
          `Recovered the ${recovered.scheme} key from ${opened.length} shard file(s).`,
          `Fingerprint: ${shortDisplay(recovered.fingerprint)}  (${recovered.fingerprint})`,
          `  in words: ${spokenText(recovered.fingerprint)}`,
          ...(expected.ceremony === undefined ? [] : [`Ceremony: ${ceremonyText(expected.ceremony)}`]),
          verified && expected.source === 'witness-keys'
            ? `VERIFIED: signed off by ${pinnedSigners(expected)} in ceremony ${expected.ceremony?.id ?? '?'}${expected.ceremony?.label == null ? '' : ` ("${expected.ceremony.label}")`}. ` +
              'Compare the ceremony id, label and date with the paper record: a witness signs every ceremony they attend, rehearsals too; if they differ, these are shards of another ceremony.'
            : verified
            ? `VERIFIED: it matches ${SOURCE_TEXT[expected.source]}. This is the ceremony's key.`
            : expected.source === 'transcript-unfinished'
              ? `UNVERIFIED: it matches ${SOURCE_TEXT[expected.source]}. ${expected.statusWhy ?? ''} Shards of an aborted or unfinished ceremony are not the ceremony's key, whoever signed. Use the sealed transcript from the ceremony's USB stick, or check the fingerprint against the paper record of the ceremony that finished (--fingerprint).`
              : `UNVERIFIED: it matches ${SOURCE_TEXT[expected.source]}. That shows the shards fit together, not that they are the ceremony's. Check the fingerprint against the paper record (--fingerprint), or give the transcript with its final hash from the paper record (--final-hash).`,
          ...(recovered.xpub === undefined ? [] : [`xpub: ${recovered.xpub}`]),
          ...(recovered.groupPublicKey === undefined ? [] : [`Group public key: ${recovered.groupPublicKey}`]),
          ...skipped.map((s) => `Set aside: ${s.file} (${s.code})`),
          ...bagged.checks.map((b) =>
            b.outcome === 'matched'
              ? `Bag ${bagSerialDisplay(b.recorded)} (${b.custodianId}): serial as recorded; ${b.file} used.`
              : `Bag of ${b.custodianId}: recorded as ${bagSerialDisplay(b.recorded)}, not among the serials typed; ${b.file} NOT used (the bag may have been swapped, or its serial mistyped: check and give it with --bag).`,
          ),
          reveal ? (recovered.mnemonic === undefined ? `Secret (hex): ${secretHex}` : `BIP-39 mnemonic: ${recovered.mnemonic}`) : outPath !== undefined ? `The secret was written to ${outPath} (readable only by you).` : 'The secret is not shown; add --reveal to print it, or --out FILE to write it.',
          '',
        ];
        io.stdout(lines.join('\n'));
        return 0;
      } finally {
        recovered?.secret.fill(0);
        for (const o of opened) wipeEnvelope(o.envelope);
      }
    },
  };
  return [recover];
}

export const recoverCommands: readonly CliCommand[] = createRecoverCommands();
