/**
 * `keyshard frost commit | request | sign-share | aggregate`: FROST threshold signing (RFC 9591) between air-gapped
 * laptops, as JSON files carried between them; the key is never reassembled.
 *
 *   each signer:  frost commit --key share.json --nonces-out nonces.json  > commitment.json
 *   coordinator:  cat commitment-*.json | frost request --deal commitments.json --message-hex HEX > request.json
 *   each signer:  frost sign-share --key share.json --nonces nonces.json < request.json > sigshare.json
 *   coordinator:  cat sigshare-*.json | frost aggregate --request request.json
 *
 * The nonces file is the signer's secret one-time state: sign-share overwrites it as used before it prints the
 * signature share, so a second round with the same nonces is refused (FROST_NONCE_USED).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { KeyshardError } from '../../../core/errors';
import {
  SIGNING_CIPHERSUITES,
  type SignatureShare,
  type SignerKey,
  type SigningCiphersuite,
  type SigningCommitment,
  type SigningPackage,
  createSigningPackage,
  frostAggregate,
  frostCommit,
  frostSignShare,
  groupFingerprint,
  signatureVerifyingKey,
} from '../../../core/vss/index';
import { citeKeyCeremony, signingTranscript } from '../../../core/signing/index';
import { MAX_TRANSCRIPT_BYTES, serializeTranscript, type WitnessSigner } from '../../../core/transcript';
import { encodeSigningMessage, requestDigest, requestOfPackage } from '../../../core/vss/sign-messages';
import { signerKeyOfEnvelope } from '../../../core/signing/key';
import { type ParsedArgs, requireValue } from '../args';
import { SHARD_KEY_HELP, SHARD_KEY_OPTIONS, createShardOpener } from '../shard-files';
import type { CliCommand } from '../command';
import { readInputFile, writeError, writeNewFile } from '../files';
import type { CliIo } from '../io';
import { fromHex, nodeRandom, parseJson, readDealFile, splitJsonValues, usage, writeJson } from '../vss-json';
import { withWitnessKeyFile } from '../witness-signer';
import { verifyTranscriptBytes } from './transcript';

const COMMITMENT_TYPE = 'keyshard/frost-commitment';
const NONCES_TYPE = 'keyshard/frost-nonces';
const REQUEST_TYPE = 'keyshard/frost-request';
const SHARE_TYPE = 'keyshard/frost-signature-share';

const commitmentSchema = z.strictObject({
  type: z.literal(COMMITMENT_TYPE),
  ciphersuite: z.string(),
  groupPublicKey: z.string(),
  identifier: z.string(),
  hiding: z.string(),
  binding: z.string(),
});
const noncesSchema = z.strictObject({
  type: z.literal(NONCES_TYPE),
  ciphersuite: z.string(),
  groupPublicKey: z.string(),
  used: z.boolean(),
  commitment: z.strictObject({ identifier: z.string(), hiding: z.string(), binding: z.string() }),
  hiding: z.string().optional(),
  binding: z.string().optional(),
});
const requestSchema = z.strictObject({
  type: z.literal(REQUEST_TYPE),
  ciphersuite: z.string(),
  threshold: z.number().int(),
  groupPublicKey: z.string(),
  commitments: z.array(z.string()),
  message: z.string(),
  signers: z.array(z.strictObject({ identifier: z.string(), hiding: z.string(), binding: z.string() })),
});
const shareSchema = z.strictObject({ type: z.literal(SHARE_TYPE), groupPublicKey: z.string(), identifier: z.string(), share: z.string() });

function signingSuiteOf(ciphersuite: string): SigningCiphersuite {
  if (ciphersuite !== 'ed25519' && ciphersuite !== 'secp256k1') {
    throw new KeyshardError('VSS_CIPHERSUITE', `FROST signing is available for ${SIGNING_CIPHERSUITES.join(' and ')} keys (BIP-340 for secp256k1), not ${ciphersuite.length <= 32 ? ciphersuite : 'this one'}.`, { supported: SIGNING_CIPHERSUITES });
  }
  return ciphersuite;
}

async function readKey(path: string): Promise<SignerKey> {
  const deal = await readDealFile(path, 'The key file');
  if (deal.shares.length !== 1) {
    for (const s of deal.shares) s.signingShare.fill(0);
    throw usage('The key file must hold exactly one share: a custodian\'s share file (vss deal --out writes them).');
  }
  return { ciphersuite: signingSuiteOf(deal.ciphersuite), threshold: deal.threshold, commitments: deal.commitments, share: deal.shares[0]! };
}

/**
 * The signer's key: --key SHARE.json (vss deal --out), or --shard FILE, the custodian's shard file from the key
 * ceremony (plain, age, OpenPGP or token-sealed: opened with the same key options as keyshard recover).
 */
async function readSignerKey(args: ParsedArgs): Promise<SignerKey> {
  const shard = args.values.get('shard');
  const keyPath = args.values.get('key');
  if ((shard === undefined) === (keyPath === undefined)) throw usage('Give your share with --key SHARE.json or your shard file with --shard FILE (one of them).');
  if (keyPath !== undefined) return readKey(keyPath);
  const opener = await createShardOpener(args);
  let opened;
  try {
    opened = await opener.open(shard!);
  } finally {
    await opener.close();
  }
  try {
    return signerKeyOfEnvelope(opened.envelope).key;
  } finally {
    opened.envelope.payload.fill(0);
  }
}

function commitmentFromJson(c: { identifier: string; hiding: string; binding: string }, where: string): SigningCommitment {
  return { identifier: fromHex(c.identifier, `${where} identifier`), hiding: fromHex(c.hiding, `${where} hiding`), binding: fromHex(c.binding, `${where} binding`) };
}

function commitmentJson(c: SigningCommitment) {
  return { identifier: bytesToHex(c.identifier), hiding: bytesToHex(c.hiding), binding: bytesToHex(c.binding) };
}

function requestFromJson(r: z.infer<typeof requestSchema>): SigningPackage {
  const ciphersuite = signingSuiteOf(r.ciphersuite);
  const commitments = r.commitments.map((c, i) => fromHex(c, `The request's commitments[${i}]`));
  if (commitments[0] === undefined || bytesToHex(commitments[0]) !== r.groupPublicKey.toLowerCase()) {
    throw new KeyshardError('VSS_COMMITMENT', "The request's group public key is not its first commitment: the request was changed. Ask the coordinator for it again.");
  }
  return {
    ciphersuite,
    threshold: r.threshold,
    commitments,
    message: r.message === '' ? new Uint8Array() : fromHex(r.message, "The request's message"),
    signers: r.signers.map((c, i) => commitmentFromJson(c, `The request's signer #${i + 1}`)),
  };
}

/** Overwrites the nonces file in place (it exists, it is the signer's own): O_NOFOLLOW, flushed before returning. */
async function overwrite(path: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  } catch (e) {
    throw writeError(e, path, 'the nonces file');
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (e) {
    throw writeError(e, path, 'the nonces file');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export const frostCommitCommand: CliCommand = {
  group: 'frost',
  action: 'commit',
  summary: 'FROST round 1 (signer): make one-time nonces and print their public commitment for the coordinator',
  help: `Usage: keyshard frost commit (--key SHARE.json | --shard FILE [key options]) --nonces-out NONCES.json [--json]

Reads your share file (vss deal --out writes one per custodian; ed25519 or secp256k1), draws fresh signing
nonces from the system's CSPRNG, writes them to NONCES.json (a new file, mode 0600: secret, keep it on
this laptop, used once), and prints the public commitment to carry to the coordinator.
--shard FILE takes your shard file from the key ceremony instead (an ed25519 or secp256k1 verifiable share),
opened with these key options:
${SHARD_KEY_HELP.join('\n')}

Output (always JSON):
  {"type":"${COMMITMENT_TYPE}","ciphersuite","groupPublicKey","identifier","hiding","binding"}
`,
  options: { values: ['key', 'shard', 'nonces-out', ...SHARD_KEY_OPTIONS.values], repeatable: [...SHARD_KEY_OPTIONS.repeatable], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const noncesPath = requireValue(args, 'nonces-out');
    const key = await readSignerKey(args);
    try {
      const nonces = frostCommit(key, nodeRandom);
      const groupPublicKey = bytesToHex(key.commitments[0]!);
      const state = { type: NONCES_TYPE, ciphersuite: key.ciphersuite, groupPublicKey, used: false, commitment: commitmentJson(nonces.commitment), hiding: bytesToHex(nonces.hiding), binding: bytesToHex(nonces.binding) };
      nonces.hiding.fill(0);
      nonces.binding.fill(0);
      await writeNewFile(noncesPath, `${JSON.stringify(state)}\n`, 'the nonces file');
      writeJson(io, { type: COMMITMENT_TYPE, ciphersuite: key.ciphersuite, groupPublicKey, ...commitmentJson(nonces.commitment) });
      return 0;
    } finally {
      key.share.signingShare.fill(0);
    }
  },
};

/**
 * The deal's public part for a request: --deal's file, or the commitments a key ceremony's transcript recorded at its
 * split (the ciphersuite, which the transcript does not name, is the one the signers' commitments name: 32-byte
 * points are ed25519 only, and a commitment of another suite fails against the group key).
 */
async function requestDeal(args: ParsedArgs, commitmentTexts: readonly string[]): Promise<{ ciphersuite: string; threshold: number; commitments: Uint8Array[] }> {
  const dealPath = args.values.get('deal');
  const transcriptPath = args.values.get('key-transcript');
  if ((dealPath === undefined) === (transcriptPath === undefined)) throw usage("Give the deal's commitments with --deal FILE or --key-transcript FILE (one of them).");
  if (dealPath !== undefined) {
    const deal = await readDealFile(dealPath, 'The deal file');
    for (const s of deal.shares) s.signingShare.fill(0);
    return deal;
  }
  const verified = verifyTranscriptBytes(await readInputFile(transcriptPath!, MAX_TRANSCRIPT_BYTES));
  if (!verified.ok) throw new KeyshardError(verified.code, `The key ceremony transcript ${transcriptPath} does not verify: ${verified.reason}`);
  const hex = citeKeyCeremony(verified).commitments;
  const first = commitmentTexts[0] === undefined ? undefined : parseJson(commitmentTexts[0], commitmentSchema, 'Commitment #1', `{"type":"${COMMITMENT_TYPE}",...} (frost commit prints it)`);
  const ciphersuite = first?.ciphersuite ?? (hex[0]!.length === 64 ? 'ed25519' : 'secp256k1');
  return { ciphersuite, threshold: hex.length, commitments: hex.map((c, i) => fromHex(c, `The transcript's commitments[${i}]`)) };
}

export const frostRequestCommand: CliCommand = {
  group: 'frost',
  action: 'request',
  summary: "FROST coordinator: put the message and the signers' commitments into a signing request",
  help: `Usage: keyshard frost request (--deal COMMITMENTS.json | --key-transcript FILE) (--message-hex HEX | --message-file FILE) [--json] < commitments

Reads the signers' commitments (frost commit output: JSON objects one after another, e.g. cat c1.json
c2.json, or a JSON array) on standard input, checks them (valid points, one per signer, no nonce point
twice, at least the threshold), and prints the signing request to carry to each signer.
--deal is the deal's public commitments file (vss deal --out writes commitments.json; a share file works too);
--key-transcript takes the commitments from the key ceremony's sealed transcript instead (verified first; its
split records them), or from the transcript of the last refresh or repair of its shares.

Output (always JSON):
  {"type":"${REQUEST_TYPE}","ciphersuite","threshold","groupPublicKey","commitments":[...],"message":"hex",
   "signers":[{"identifier","hiding","binding"},...]}
`,
  options: { values: ['deal', 'key-transcript', 'message-hex', 'message-file'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const input = splitJsonValues(await io.readStdin(), 'Standard input');
    const deal = await requestDeal(args, input);
    const ciphersuite = signingSuiteOf(deal.ciphersuite);
    const hex = args.values.get('message-hex');
    const file = args.values.get('message-file');
    if ((hex === undefined) === (file === undefined)) throw usage('Give the message to sign with --message-hex or --message-file (one of them).');
    const message = hex !== undefined ? (hex === '' ? new Uint8Array() : fromHex(hex, '--message-hex')) : await readInputFile(file!);
    const groupPublicKey = bytesToHex(deal.commitments[0]!);
    const signers = input.map((text, i) => {
      const c = parseJson(text, commitmentSchema, `Commitment #${i + 1}`, `{"type":"${COMMITMENT_TYPE}",...} (frost commit prints it)`);
      if (c.groupPublicKey.toLowerCase() !== groupPublicKey || c.ciphersuite !== ciphersuite) {
        throw new KeyshardError('FROST_COMMITMENT', `Commitment #${i + 1} was made with a share of another key. Ask that signer to commit with their share of this deal.`, { index: i });
      }
      return commitmentFromJson(c, `Commitment #${i + 1}`);
    });
    const pkg = createSigningPackage({ ciphersuite, threshold: deal.threshold, commitments: deal.commitments, message, signers });
    writeJson(io, { type: REQUEST_TYPE, ciphersuite, threshold: pkg.threshold, groupPublicKey, commitments: pkg.commitments.map(bytesToHex), message: bytesToHex(pkg.message), signers: pkg.signers.map(commitmentJson) });
    return 0;
  },
};

export const frostSignShareCommand: CliCommand = {
  group: 'frost',
  action: 'sign-share',
  summary: 'FROST round 2 (signer): sign the request with your share and your one-time nonces',
  help: `Usage: keyshard frost sign-share (--key SHARE.json | --shard FILE [key options]) --nonces NONCES.json [--json] < request.json

Reads the coordinator's signing request on standard input, checks that it carries your current
commitment (else FROST_COMMITMENT: stale or replaced; nothing is signed), signs, marks NONCES.json as
used (the nonces are erased from it) and only then prints your signature share for the coordinator.
Nonces are never used twice: a second sign-share with the same file is FROST_NONCE_USED; run frost
commit again for a new round. Read the message in the request before you sign it.

Output (always JSON):
  {"type":"${SHARE_TYPE}","groupPublicKey","identifier","share"}
`,
  options: { values: ['key', 'shard', 'nonces', ...SHARD_KEY_OPTIONS.values], repeatable: [...SHARD_KEY_OPTIONS.repeatable], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const noncesPath = requireValue(args, 'nonces');
    const request = requestFromJson(parseJson(await io.readStdin(), requestSchema, 'The request on standard input', `{"type":"${REQUEST_TYPE}",...} (frost request prints it)`));
    const raw = await readInputFile(noncesPath);
    const stateText = new TextDecoder().decode(raw);
    raw.fill(0);
    const state = parseJson(stateText, noncesSchema, `The nonces file (${noncesPath})`, `{"type":"${NONCES_TYPE}",...} (frost commit writes it)`);
    const hiding = state.used || state.hiding === undefined ? new Uint8Array(32) : fromHex(state.hiding, 'The nonces file hiding nonce');
    const binding = state.used || state.binding === undefined ? new Uint8Array(32) : fromHex(state.binding, 'The nonces file binding nonce');
    let key: SignerKey | undefined;
    try {
      key = await readSignerKey(args);
      if (state.groupPublicKey.toLowerCase() !== bytesToHex(key.commitments[0]!)) {
        throw new KeyshardError('FROST_COMMITMENT', 'The nonces file was made with a share of another key. Use the nonces file frost commit wrote for this share.');
      }
      const nonces = { hiding, binding, commitment: commitmentFromJson(state.commitment, 'The nonces file commitment') };
      const share = frostSignShare(key, nonces, request);
      // Burn the nonces on disk before the share leaves: if this fails, no share is printed.
      await overwrite(noncesPath, `${JSON.stringify({ type: NONCES_TYPE, ciphersuite: state.ciphersuite, groupPublicKey: state.groupPublicKey, used: true, commitment: state.commitment })}\n`);
      writeJson(io, { type: SHARE_TYPE, groupPublicKey: bytesToHex(request.commitments[0]!), identifier: bytesToHex(share.identifier), share: bytesToHex(share.share) });
      return 0;
    } finally {
      hiding.fill(0);
      binding.fill(0);
      key?.share.signingShare.fill(0);
    }
  },
};

/**
 * The signing as a transcript of its own (--transcript-out): cites the key ceremony, records the round; a witness
 * (--witness-key) signs off the message, the signature and the seal. Null without --transcript-out.
 */
async function writeSigningTranscript(args: ParsedArgs, io: CliIo, request: SigningPackage, signature: Uint8Array): Promise<{ transcript: string; finalHash: string } | null> {
  const out = args.values.get('transcript-out');
  for (const flag of ['key-transcript', 'label', 'witness-key'] as const) {
    if (out === undefined && args.values.has(flag)) throw usage(`--${flag} is for the signing transcript: give it with --transcript-out FILE.`);
  }
  if (args.values.has('passphrase-env') && !args.values.has('witness-key')) throw usage('--passphrase-env is the witness passphrase: give it with --witness-key FILE.');
  if (out === undefined) return null;
  const keyTranscriptPath = args.values.get('key-transcript');
  if (keyTranscriptPath === undefined) throw usage("--transcript-out needs --key-transcript FILE: the transcript of the key ceremony that dealt these shares, which the signing cites.");
  const verified = verifyTranscriptBytes(await readInputFile(keyTranscriptPath, MAX_TRANSCRIPT_BYTES));
  if (!verified.ok) {
    throw new KeyshardError(verified.code, `The key ceremony transcript ${keyTranscriptPath} does not verify${verified.firstBadSeq === null ? '' : ` (entry ${verified.firstBadSeq})`}: ${verified.reason} No signing transcript was written.`);
  }
  const keyCeremony = citeKeyCeremony(verified, request.commitments[0]);
  const digest = requestDigest(encodeSigningMessage(requestOfPackage(request)));
  const label = args.values.get('label') ?? 'Threshold signature';
  const build = async (witness: WitnessSigner | undefined) => {
    const pinned = witness === undefined ? undefined : [{ id: witness.witnessId, algorithm: witness.algorithm, publicKey: bytesToHex(witness.publicKey) }];
    return signingTranscript({
      ceremonyId: `sign-${new Date().toISOString().replace(/[:.]/g, '')}-${bytesToHex(digest).slice(0, 12)}`,
      clock: () => new Date(),
      plan: {
        label,
        keyCeremony,
        ciphersuite: request.ciphersuite,
        threshold: request.threshold,
        message: request.message,
        witnessIds: witness === undefined ? [] : [witness.witnessId],
        ...(pinned === undefined ? {} : { witnessKeys: pinned }),
      },
      commitments: request.signers.map((commitment) => ({ commitment })),
      pkg: request,
      requestDigest: digest,
      signature,
      ...(witness === undefined ? {} : { witness }),
    });
  };
  const witnessKey = args.values.get('witness-key');
  const t = witnessKey === undefined ? await build(undefined) : await withWitnessKeyFile(witnessKey, args, io, process.env, build);
  await writeNewFile(out, serializeTranscript(t), 'the signing transcript');
  return { transcript: out, finalHash: t.entries[t.entries.length - 1]!.hash };
}

export const frostAggregateCommand: CliCommand = {
  group: 'frost',
  action: 'aggregate',
  summary: "FROST coordinator: check every signer's share and combine them into the signature",
  help: `Usage: keyshard frost aggregate --request REQUEST.json [--json] < signature-shares

Reads the signature shares (frost sign-share output, one after another or a JSON array) on standard
input, checks each against the request (a bad one is named: FROST_SHARE_INVALID), aggregates them, and
verifies the signature under the group public key with a plain verifier (Ed25519; BIP-340 for secp256k1).

Output (--json):
  {"ciphersuite","groupPublicKey","verifyingKey","fingerprint","message":"hex","signature":"hex","verified":true}
  verifyingKey is the key plain verifiers take: the 32-byte Ed25519 key, or the x-only BIP-340 key.
  With --transcript-out also "transcript" (the file) and "finalHash".

Transcript (--transcript-out FILE, a new file): the signing recorded as a sealed transcript of the ceremony kind
"signing" that keyshard transcript verify checks: it cites the key ceremony (--key-transcript, the
ceremony that dealt these shares; verified first, and its split must record this group key), and records the
message (at most 1,024 bytes) and its hash, each commitment, the signer set and the signature; no nonce or share.
  --key-transcript FILE  the key ceremony's transcript (required with --transcript-out)
  --label TEXT           what is signed, in words (default "Threshold signature")
  --witness-key FILE     a witness's encrypted key file: the witness signs off the message, the signature and
                         the seal, typing their passphrase (or --passphrase-env VAR names the variable)
`,
  options: { values: ['request', 'transcript-out', 'key-transcript', 'label', 'witness-key', 'passphrase-env'], booleans: ['json'] },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const raw = await readInputFile(requireValue(args, 'request'));
    const request = requestFromJson(parseJson(new TextDecoder().decode(raw), requestSchema, 'The request file', `{"type":"${REQUEST_TYPE}",...}`));
    const groupPublicKey = bytesToHex(request.commitments[0]!);
    const shares: SignatureShare[] = splitJsonValues(await io.readStdin(), 'Standard input').map((text, i) => {
      const s = parseJson(text, shareSchema, `Signature share #${i + 1}`, `{"type":"${SHARE_TYPE}",...} (frost sign-share prints it)`);
      if (s.groupPublicKey.toLowerCase() !== groupPublicKey) {
        throw new KeyshardError('FROST_SHARE_INVALID', `Signature share #${i + 1} is for another key's request. Use only the shares made for this request.`, { index: i });
      }
      return { identifier: fromHex(s.identifier, `Signature share #${i + 1} identifier`), share: fromHex(s.share, `Signature share #${i + 1} share`) };
    });
    const signature = frostAggregate(request, shares);
    const written = await writeSigningTranscript(args, io, request, signature);
    const out = {
      ciphersuite: request.ciphersuite,
      groupPublicKey,
      verifyingKey: bytesToHex(signatureVerifyingKey(request.ciphersuite, request.commitments[0]!)),
      fingerprint: groupFingerprint(request.ciphersuite, request.commitments[0]!).hex,
      message: bytesToHex(request.message),
      signature: bytesToHex(signature),
      verified: true,
      ...(written === null ? {} : written),
    };
    if (args.booleans.get('json') === true) writeJson(io, out);
    else {
      io.stdout(
        [
          `Signed by ${shares.length} signers (FROST, ${request.ciphersuite === 'secp256k1' ? 'BIP-340 Schnorr' : 'Ed25519'}); the signature verifies under the group key.`,
          `Fingerprint:   ${groupFingerprint(request.ciphersuite, request.commitments[0]!).display}`,
          `Verifying key: ${out.verifyingKey}`,
          `Message:       ${out.message}`,
          `Signature:     ${out.signature}`,
          ...(written === null ? [] : [`Transcript:    ${written.transcript} (final hash ${written.finalHash}): keyshard transcript verify checks it.`]),
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
};

export const frostCommands: readonly CliCommand[] = [frostCommitCommand, frostRequestCommand, frostSignShareCommand, frostAggregateCommand];
