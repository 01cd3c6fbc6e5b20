/**
 * The OpenPGP helper process (issue 16.3): encrypts one shard text to a public key, or opens one file with a private
 * key, and exits. openpgp.js copies a message's plaintext into buffers of its own (the literal data packet) that its
 * caller cannot reach to wipe; run here, those copies die with this short-lived process instead of staying in main.
 *
 * Started by openpgp-process.ts (Node's child_process, or Electron's utilityProcess), with one argument: the path of a
 * local socket that main listens on. Bytes, not messages, cross it, so main can wipe what it sent and received:
 *   in:  [u32 BE header length][header JSON][payload]   (main then ends its side)
 *   out: [0][armored message or plaintext]  |  [1][error JSON {code, message, details}]
 * Nothing is logged: a failure goes back as a KeyshardError's code and message, which never hold the plaintext.
 */
import { connect } from 'node:net';
import { KeyshardError } from '../../../core/errors';
import { decryptOpenPgpToBytes, encryptToOpenPgpKey } from './openpgp';

export type OpenPgpRequest =
  | { readonly op: 'encrypt'; readonly publicKeyArmored: string }
  | { readonly op: 'decrypt'; readonly privateKeyArmored: string; readonly passphrase?: string };

async function answer(input: Buffer): Promise<Buffer> {
  try {
    const headerLength = input.readUInt32BE(0);
    const header = JSON.parse(input.subarray(4, 4 + headerLength).toString('utf8')) as OpenPgpRequest;
    const payload = input.subarray(4 + headerLength);
    if (header.op === 'encrypt') return Buffer.concat([Buffer.of(0), Buffer.from(await encryptToOpenPgpKey(payload, header.publicKeyArmored), 'ascii')]);
    if (header.op === 'decrypt') return Buffer.concat([Buffer.of(0), await decryptOpenPgpToBytes(payload, header.privateKeyArmored, header.passphrase)]);
    throw new KeyshardError('INTERNAL', 'The OpenPGP helper got a request it does not know. Report it.');
  } catch (e) {
    const error = e instanceof KeyshardError ? e.toJSON() : { code: 'INTERNAL', message: 'OpenPGP failed in its helper process. Try again; if it keeps failing, report it.' };
    return Buffer.concat([Buffer.of(1), Buffer.from(JSON.stringify(error), 'utf8')]);
  }
}

const socketPath = process.argv[2];
if (socketPath === undefined) process.exit(2);
const socket = connect({ path: socketPath, allowHalfOpen: true });
const chunks: Buffer[] = [];
socket.on('data', (chunk: Buffer) => chunks.push(chunk));
socket.on('end', () => {
  void answer(Buffer.concat(chunks)).then((out) => socket.end(out));
});
// Exit as soon as the answer is out (an Electron utility process would otherwise stay), or when main goes away.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
