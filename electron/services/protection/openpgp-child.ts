/**
 * The OpenPGP helper process (issue 16.3): encrypts one shard text to a public key, or opens one file with a private
 * key, and exits. openpgp.js copies a message's plaintext into buffers of its own (the literal data packet) that its
 * caller cannot reach to wipe; run here, those copies die with this short-lived process instead of staying in main.
 *
 * Started by openpgp-process.ts: by Node's child_process (the request on stdin, the answer on stdout) or by Electron's
 * utilityProcess (one message each way on its parent port). No socket, so nothing of node:net runs. Bytes, not
 * strings, cross it, so main can wipe what it sent and received:
 *   in:  [u32 BE header length][header JSON][payload]   (then stdin ends)
 *   out: [0][armored message or plaintext]  |  [1][error JSON {code, message, details}]
 * Nothing is logged: a failure goes back as a KeyshardError's code and message, which never hold the plaintext.
 */
import { KeyshardError } from '../../../core/errors';
import { encryptToAgeRecipient } from './age';
import { decryptOpenPgpToBytes, encryptToOpenPgpKey } from './openpgp';

/**
 * age encryption of a shard runs here too: the age library copies the plaintext into a 64 KiB chunk buffer of its own
 * (age-encryption 0.3.1, dist/stream.js encryptSTREAM's plaintextBuffer) that it never wipes and main cannot reach.
 */
export type OpenPgpRequest =
  | { readonly op: 'encrypt'; readonly publicKeyArmored: string }
  | { readonly op: 'decrypt'; readonly privateKeyArmored: string; readonly passphrase?: string }
  | { readonly op: 'age-encrypt'; readonly recipient: string };

async function answer(input: Buffer): Promise<Buffer> {
  try {
    const headerLength = input.readUInt32BE(0);
    const header = JSON.parse(input.subarray(4, 4 + headerLength).toString('utf8')) as OpenPgpRequest;
    const payload = input.subarray(4 + headerLength);
    if (header.op === 'encrypt') return Buffer.concat([Buffer.of(0), Buffer.from(await encryptToOpenPgpKey(payload, header.publicKeyArmored), 'ascii')]);
    if (header.op === 'age-encrypt') return Buffer.concat([Buffer.of(0), Buffer.from(await encryptToAgeRecipient(payload, header.recipient), 'ascii')]);
    if (header.op === 'decrypt') return Buffer.concat([Buffer.of(0), await decryptOpenPgpToBytes(payload, header.privateKeyArmored, header.passphrase)]);
    throw new KeyshardError('INTERNAL', 'The OpenPGP helper got a request it does not know. Report it.');
  } catch (e) {
    const error = e instanceof KeyshardError ? e.toJSON() : { code: 'INTERNAL', message: 'OpenPGP failed in its helper process. Try again; if it keeps failing, report it.' };
    return Buffer.concat([Buffer.of(1), Buffer.from(JSON.stringify(error), 'utf8')]);
  }
}

/** Electron's utility process gives the helper a parent port; under Node there is none. */
interface ParentPort {
  once(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort !== undefined) {
  // Main ends this process once the answer is in (an exit here could drop the message before it is sent).
  parentPort.once('message', (e) => {
    const input = ArrayBuffer.isView(e.data) ? Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength) : Buffer.alloc(0);
    void answer(input).then((out) => parentPort.postMessage(out));
  });
} else {
  const chunks: Buffer[] = [];
  process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
  process.stdin.on('end', () => {
    void answer(Buffer.concat(chunks)).then((out) => process.stdout.write(out, () => process.exit(0)));
  });
}
