import type { CliCommand, CliCommandLike } from '../command';

/** A group's module, imported only when one of its commands runs (or shows its own help). */
function from<M>(load: () => Promise<M>, pick: (m: M) => readonly CliCommand[]) {
  return (group: string, action: string, summary: string): CliCommandLike => ({
    group,
    action,
    summary,
    async load() {
      const found = pick(await load()).find((c) => c.group === group && c.action === action);
      if (found === undefined) throw new Error(`keyshard ${group} ${action} is listed but not defined`);
      return found;
    },
  });
}

const slip39 = from(() => import('./slip39'), (m) => m.slip39Commands);
const vss = from(() => import('./vss'), (m) => m.vssCommands);
const transcript = from(() => import('./transcript'), (m) => m.transcriptCommands);
const hsm = from(() => import('./hsm'), (m) => m.hsmCommands);
const demo = from(() => import('./demo'), (m) => m.demoCommands);
const shard = from(() => import('./shard'), (m) => m.shardCommands);
const recover = from(() => import('./recover'), (m) => m.recoverCommands);
const qr = from(() => import('./qr'), (m) => m.qrCommands);
const witness = from(() => import('./witness'), (m) => m.witnessCommands);
const lifecycle = from(() => import('./lifecycle'), (m) => m.lifecycleCommands);
const frost = from(() => import('./frost'), (m) => m.frostCommands);
const slip39Extend = from(() => import('./slip39-extend'), (m) => m.slip39ExtendCommands);
const custody = from(() => import('./custody'), (m) => m.custodyCommands);

/**
 * Every `keyshard` command, in the order `keyshard --help` lists them. The summaries are the commands' own (a test
 * checks they agree), repeated here so that listing the commands loads none of them.
 */
export const commands: readonly CliCommandLike[] = [
  slip39('slip39', 'split', 'Split a master secret into SLIP-39 share mnemonics (groups of members).'),
  slip39('slip39', 'combine', 'Recover a master secret from SLIP-39 share mnemonics read on standard input.'),
  slip39Extend('slip39', 'extend', "Issue new SLIP-39 shares of one group for new custodians, from a quorum of that group's shares (extendable backups)."),
  vss('vss', 'deal', 'Deal verifiable FROST signer shares of a key (RFC 9591 trusted dealer)'),
  vss('vss', 'verify-share', "Check one signer share against its deal's public commitments"),
  vss('vss', 'combine', 'Recover a FROST group secret from a quorum of signer shares'),
  lifecycle('vss', 'refresh', 'Refresh verifiable shares: new shares of the same group key, old ones no longer combine with them'),
  lifecycle('vss', 'repair', "Rebuild a custodian's lost share from a quorum of helpers, without reassembling the key"),
  frost('frost', 'commit', 'FROST round 1 (signer): make one-time nonces and print their public commitment for the coordinator'),
  frost('frost', 'request', "FROST coordinator: put the message and the signers' commitments into a signing request"),
  frost('frost', 'sign-share', 'FROST round 2 (signer): sign the request with your share and your one-time nonces'),
  frost('frost', 'aggregate', "FROST coordinator: check every signer's share and combine them into the signature"),
  shard('shard', 'open', 'open a shard file (KS1 text, .ks, .age, .asc, .p11) and print its public facts'),
  recover('recover', '', "recover the key from a quorum of shard files, and say how it knows it is the ceremony's key"),
  custody('custody', 'check', "check one custodian's shard against the ceremony transcript alone (no other shard, no key rebuilt)"),
  custody('custody', 'drill', "quorum drill: rebuild the key in memory from a quorum's shards, show only its fingerprint against the transcript's, wipe it"),
  custody('custody', 'append', 'append a witness-signed custody receipt to the sealed key ceremony transcript, as a new file'),
  transcript('transcript', 'verify', 'check a ceremony transcript: links, witness signatures, seal, pinned witness keys'),
  hsm('hsm', 'list', 'list PKCS#11 slots and tokens, and what each token can do for keyshard'),
  hsm('hsm', 'store', 'store a shard on a token as a private data object (one shard per ceremony per token)'),
  hsm('hsm', 'load', "read a ceremony's shard back from a token (confirmation, recovery without the app)"),
  witness('witness', 'keygen', "make a witness's encrypted signing key file (a passphrase opens it at every sign-off)"),
  qr('qr', 'encode', "write the PNG frames of a shard's QR code (one, or the animated parts)"),
  qr('qr', 'decode', "read the QR code in each PNG image, with the app scanner's decoding pipeline"),
  demo('demo', '', 'run a whole 3-of-5 ceremony with throwaway keys and write everything it makes to a directory'),
];
