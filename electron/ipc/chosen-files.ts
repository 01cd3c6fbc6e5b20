/**
 * The files the person chose in main's own dialog (dialog:choose-file), by purpose, for this window's session.
 *
 * Why (issue 14.4, "no typed paths"): the dialog answers the chosen path to the screen so it can show the name, and the
 * screen sends it back with the call that uses it. Main must not take the screen's word for it: a page that sends any
 * other path (a typo, or a compromised renderer) would make main write a secret there or read a key from there. So the
 * channels that use a file check the path against what main's own dialog gave for that very purpose, and refuse the
 * rest with FILE_NOT_CHOSEN before anything is read or written.
 */
import { resolve } from 'node:path';
import { KeyshardError } from '../../core/errors';
import type { ChannelName } from './channels';
import type { ParsedRequestOf } from './contract';
import type { FilePurpose } from './contract-tools';

export interface ChosenFiles {
  /** Main's dialog gave this path for this purpose (called by dialog:choose-file only). */
  remember(purpose: FilePurpose, path: string): void;
  /** Throws FILE_NOT_CHOSEN unless main's dialog gave exactly this path for this purpose this session. */
  require(purpose: FilePurpose, path: string): void;
  /** Whether main's dialog gave this path for this purpose. */
  has(purpose: FilePurpose, path: string): boolean;
}

/** What each purpose's file is, for the refusal's words. */
const WHAT: Readonly<Record<FilePurpose, string>> = {
  'witness-key': 'a witness key file',
  'pkcs11-module': 'a PKCS#11 module',
  'export-file': 'where the exported file goes',
  'transcript-file': 'where the transcript is saved',
  'plan-file': 'a plan file',
};

export function createChosenFiles(): ChosenFiles {
  // Bounded: one session chooses a handful of files; the oldest are forgotten past this many per purpose.
  const LIMIT = 64;
  const chosen = new Map<FilePurpose, string[]>();
  const has = (purpose: FilePurpose, path: string): boolean => (chosen.get(purpose) ?? []).includes(resolve(path));
  return {
    remember(purpose, path) {
      const full = resolve(path);
      const list = (chosen.get(purpose) ?? []).filter((p) => p !== full);
      list.push(full);
      chosen.set(purpose, list.slice(-LIMIT));
    },
    has,
    require(purpose, path) {
      if (has(purpose, path)) return;
      throw new KeyshardError(
        'FILE_NOT_CHOSEN',
        `keyshard uses only a file chosen in its own dialog as ${WHAT[purpose]}. Press the “Choose” button and pick the file there. Nothing was read or written.`,
        { purpose },
      );
    },
  };
}

type FileUse = readonly (readonly [FilePurpose, string])[];
type KeyAct = { readonly keyFilePath: string } | { readonly keyFileText: string } | null | undefined;
const keyFile = (act: KeyAct): FileUse => (act !== null && act !== undefined && 'keyFilePath' in act ? [['witness-key', act.keyFilePath]] : []);

/**
 * Every channel that takes a file path from the screen, and which purpose's dialog must have given it. A channel that
 * takes a path and is missing here is a hole: test/ipc/chosen-files.test.ts checks this table against the contract's
 * path fields. Folders (ceremony:start/resume dir), drives (mountPoint: only drives usb:list-drives lists) and hsm:list-tokens (only the module in use or
 * one main suggests: hsm-host) are confined by their own services.
 */
export const FILE_USES: { readonly [K in ChannelName]?: (request: ParsedRequestOf<K>) => FileUse } = {
  'recovery:export': (r) => (r.kind === 'encrypted-file' ? [['export-file', r.path]] : []),
  'signing:save-transcript': (r) => [['transcript-file', r.path]],
  'custody:save-transcript': (r) => [['transcript-file', r.path]],
  'plan:read-file': (r) => [['plan-file', r.path]],
  'ceremony:load-witness-key': (r) => [['witness-key', r.path]],
  'lifecycle:load-witness-key': (r) => [['witness-key', r.path]],
  'extend:load-witness-key': (r) => [['witness-key', r.path]],
  'signing:start': (r) => (r.witnessKeyPaths ?? []).map((p) => ['witness-key', p] as const),
  'signing:sign-off': (r) => keyFile(r),
  'custody:check': (r) => keyFile(r.witness),
  'custody:drill-run': (r) => keyFile(r.witness),
  'hsm:select-module': (r) => [['pkcs11-module', r.modulePath]],
};

/**
 * Wraps each service in FILE_USES so it runs only when every path it was given came from main's dialog for its purpose.
 * isSystemModule: a module main itself suggested (hsm:suggested-modules) needs no dialog; it was never the screen's.
 */
export function confineToChosenFiles<S extends { readonly [K in ChannelName]: (request: ParsedRequestOf<K>) => unknown }>(
  services: S,
  chosen: ChosenFiles,
  isSuggestedModule: (path: string) => Promise<boolean>,
): S {
  const out: Record<string, unknown> = { ...services };
  for (const name of Object.keys(FILE_USES) as ChannelName[]) {
    const uses = FILE_USES[name] as (request: unknown) => FileUse;
    const inner = services[name] as (request: unknown) => unknown;
    out[name] = async (request: unknown) => {
      for (const [purpose, path] of uses(request)) {
        if (purpose === 'pkcs11-module' && !chosen.has(purpose, path) && (await isSuggestedModule(path))) continue;
        chosen.require(purpose, path);
      }
      return inner(request);
    };
  }
  return out as S;
}
