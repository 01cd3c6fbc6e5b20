/**
 * `keyshard shard open`: reads any shard file keyshard writes and prints its public facts; the shard itself (the
 * words, or the signing share) only with --reveal.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { EnvelopeScheme, decodeSlip39Payload, decodeVssPayload, describeEnvelope, vssCiphersuite, wipeEnvelope, type Envelope } from '../../../core/envelope';
import type { ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import type { CliIo } from '../io';
import { SHARD_KEY_HELP, SHARD_KEY_OPTIONS, type ShardOpenerDeps, type ShardProtection, createShardOpener } from '../shard-files';

/** The public facts of a shard, as `shard open --json` prints them (contract in DESIGN.md). */
export function shardFacts(envelope: Envelope): { ceremonyId: string; custodianIndex: number; label: string; scheme: string; fingerprint: string } {
  const d = describeEnvelope(envelope);
  return { ceremonyId: d.ceremonyId, custodianIndex: d.custodianIndex, label: d.custodianLabel, scheme: d.scheme, fingerprint: d.groupFingerprint };
}

/**
 * The shard itself, for --reveal: a SLIP-39 mnemonic, or a signer share in the form `vss verify-share` reads
 * (ciphersuite, threshold and commitments are public; the signing share is the secret).
 */
function revealed(envelope: Envelope): Record<string, unknown> {
  if (envelope.scheme === EnvelopeScheme.slip39) return { mnemonic: decodeSlip39Payload(envelope.payload) };
  const ciphersuite = vssCiphersuite(envelope.scheme);
  const p = decodeVssPayload(envelope.scheme, envelope.payload);
  try {
    return {
      ciphersuite,
      threshold: p.threshold,
      commitments: p.commitments.map((c) => bytesToHex(c)),
      share: { identifier: bytesToHex(p.identifier), signingShare: bytesToHex(p.signingShare) },
    };
  } finally {
    p.signingShare.fill(0);
  }
}

export function createShardCommands(deps?: ShardOpenerDeps): readonly CliCommand[] {
  const open: CliCommand = {
    group: 'shard',
    action: 'open',
    summary: 'open a shard file (KS1 text, .ks, .age, .asc, .p11) and print its public facts',
    help: [
      'Usage: keyshard shard open [--identity AGE_KEY]... [--gpg-key KEY.asc]... [--module M --token T --pin-env VAR]',
      '                           [--reveal] [--json] FILE',
      '',
      'Reads a shard file keyshard writes, checks its checksum, and prints whose shard it is: the ceremony id, the',
      "custodian's number and label, the scheme and the key's fingerprint. Encrypted files are opened with the",
      "custodian's key. The shard itself is printed only with --reveal: it is secret, keep it off screens and logs.",
      '',
      'Options:',
      ...SHARD_KEY_HELP,
      '  --reveal          also print the shard: the SLIP-39 words, or the signer share (as vss verify-share reads it)',
      '  --json            {"ceremonyId","custodianIndex","label","scheme","fingerprint"} (+ "mnemonic", or',
      '                    "ciphersuite","threshold","commitments","share" with --reveal)',
      '',
      'Errors: FILE_NOT_FOUND, ENVELOPE_DECRYPT (no key, or the wrong key), ENVELOPE_CHECKSUM, ENVELOPE_FORMAT.',
    ].join('\n'),
    options: { values: [...SHARD_KEY_OPTIONS.values], repeatable: [...SHARD_KEY_OPTIONS.repeatable], booleans: ['json', 'reveal'], positionals: { min: 1, max: 1, names: 'one shard FILE' } },
    async run(args: ParsedArgs, io: CliIo): Promise<number> {
      const file = args.positionals[0]!;
      const opener = await createShardOpener(args, deps);
      let opened: { envelope: Envelope; protection: ShardProtection };
      try {
        opened = await opener.open(file);
      } finally {
        await opener.close();
      }
      const { envelope, protection } = opened;
      try {
        const facts = shardFacts(envelope);
        const secret = args.booleans.get('reveal') === true ? revealed(envelope) : undefined;
        if (args.booleans.get('json') === true) {
          io.stdout(`${JSON.stringify({ ...facts, ...secret })}\n`);
          return 0;
        }
        const lines = [
          `Shard of custodian #${facts.custodianIndex} (${facts.label}), ${facts.scheme}, ${protection === 'none' ? 'not encrypted' : `opened (${protection})`}.`,
          `Ceremony:    ${facts.ceremonyId}`,
          `Fingerprint: ${facts.fingerprint}`,
        ];
        if (secret !== undefined) {
          lines.push('Shard (secret):');
          if (typeof secret['mnemonic'] === 'string') lines.push(`  ${secret['mnemonic']}`);
          else lines.push(`  ${JSON.stringify(secret)}`);
        } else {
          lines.push('The shard itself is not shown; add --reveal to print it.');
        }
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
      } finally {
        wipeEnvelope(envelope);
      }
    },
  };
  return [open];
}

export const shardCommands: readonly CliCommand[] = createShardCommands();
