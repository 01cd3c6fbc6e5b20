/**
 * `--extension FILE[:HASH]` (repeatable), for custody check, custody drill and slip39 extend: the sealed transcript of a
 * share extension of the key ceremony given with --transcript, with its final hash from that extension's paper record.
 * Each file is verified like any transcript (strict UTF-8, bounded read), then read against the key ceremony
 * (core/extend/records.ts): one that extends another ceremony is refused with CUSTODY_OTHER_CEREMONY naming it.
 * The hash rides on the file's name, so each extension keeps its own (a path that itself ends in ':' and 64 hex
 * digits cannot be given; no keyshard file is named so).
 */
import { KeyshardError } from '../../core/errors';
import { type ExtensionRecord, citeExtension, distinctExtensions } from '../../core/extend/records';
import { MAX_TRANSCRIPT_BYTES, type VerifyOk } from '../../core/transcript';
import type { ParsedArgs } from './args';
import { verifyTranscriptBytes } from './commands/transcript';
import { readInputFile } from './files';

export const EXTENSION_OPTION = 'extension';

export const EXTENSION_HELP = [
  "  --extension FILE[:HASH]  a sealed share extension of this key ceremony (keyshard slip39 extend --transcript-out,",
  "                       or the app's extend screen) and its final hash from that extension's paper record (hex, or",
  '                       its 20 words, quoted); repeat for each extension. Its new members are looked up in its seal.',
  '                       Without :HASH its members are at most "unverified"',
];

/**
 * 'ext.json:ab12…' -> file and hash; a plain path has no hash. The hash may be its 20 words to read aloud (quoted:
 * 'ext.json:able acid …'); citeExtension reads them and names a wrong word by its position.
 */
export function parseExtensionArg(arg: string): { file: string; finalHash: string | undefined } {
  const m = /^(.+):([0-9a-fA-F]{64}|[a-zA-Z]{4}(?:[\s.,·\-]+[a-zA-Z]{4}){19})$/.exec(arg);
  return m === null ? { file: arg, finalHash: undefined } : { file: m[1]!, finalHash: m[2]!.toLowerCase() };
}

/** Every --extension given, verified and read against `keyCeremony`; an empty list when none. */
export async function readExtensions(args: ParsedArgs, keyCeremony: VerifyOk): Promise<ExtensionRecord[]> {
  const records: ExtensionRecord[] = [];
  for (const arg of args.lists.get(EXTENSION_OPTION) ?? []) {
    const { file, finalHash } = parseExtensionArg(arg);
    const v = verifyTranscriptBytes(await readInputFile(file, MAX_TRANSCRIPT_BYTES));
    if (!v.ok) {
      throw new KeyshardError(v.code, `The extension transcript ${file} does not verify${v.firstBadSeq === null ? '' : ` (entry ${v.firstBadSeq})`}: ${v.reason} Nothing was checked against it.`, { file, seq: v.firstBadSeq });
    }
    try {
      records.push(citeExtension(keyCeremony, v, finalHash === undefined ? {} : { finalHash }));
    } catch (e) {
      if (e instanceof KeyshardError) throw new KeyshardError(e.code, `${file}: ${e.message}`, { ...e.details, file });
      throw e;
    }
  }
  return [...distinctExtensions(records)];
}
