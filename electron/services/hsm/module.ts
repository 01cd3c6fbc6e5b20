/**
 * Loading a PKCS#11 module by path, once per process.
 *
 * C_Initialize may run once per process and module: a second port on the same library shares the loaded module,
 * and the last one to close calls C_Finalize. Keyed by the real path, because a symlink and its target are the
 * same library to the dynamic loader.
 */
import { closeSync, constants, openSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as graphene from 'graphene-pk11';
import { KeyshardError } from '../../../core/errors';
import { ckrName } from './errors';
import { moduleSuggestions } from './module-paths';

interface Loaded {
  readonly module: graphene.Module;
  refs: number;
  /** The descriptor the module was loaded through (see loadName), kept open while it is loaded. */
  readonly fd: number | null;
}

const OPEN_FILE = /^\/proc\/self\/fd\/\d+$/;

/**
 * The name to hand the dynamic loader. A module checked through an open file (module-trust.ts) comes as
 * /proc/self/fd/N: it is reopened through that link (which reaches the open file, not whatever the path names now)
 * on a descriptor of our own that stays open while the module is loaded, because the loader remembers a library by
 * the name it was opened by, and a reused descriptor number would otherwise name another file by the same name.
 */
function loadName(path: string, realPath: string): { name: string; fd: number | null } {
  if (!OPEN_FILE.test(path)) return { name: realPath, fd: null };
  const fd = openSync(path, constants.O_RDONLY);
  return { name: `/proc/self/fd/${fd}`, fd };
}

function closeQuietly(fd: number | null): void {
  if (fd === null) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

const loaded = new Map<string, Loaded>();

function moduleError(path: string, why: string, reason: string): KeyshardError {
  return new KeyshardError(
    'HSM_MODULE',
    `Cannot use "${path}" as a PKCS#11 module: ${why}. Give the path of your token's PKCS#11 library, for example ${moduleSuggestions()}.`,
    { path, reason },
  );
}

/** Why the dynamic loader refused a file, from its message (only the category is kept). */
function loadFailureReason(e: unknown): { why: string; reason: string } {
  const text = e instanceof Error ? e.message : '';
  if (/undefined symbol: C_GetFunctionList/i.test(text)) return { why: 'it is a shared library, but not a PKCS#11 one (it has no C_GetFunctionList)', reason: 'not-pkcs11' };
  if (/invalid ELF header|file too short|not an ELF|no such file|cannot read file data/i.test(text)) {
    return { why: 'it is not a shared library', reason: 'not-a-library' };
  }
  if (/wrong ELF class|ELFCLASS/i.test(text)) return { why: 'it is built for another architecture (32/64-bit)', reason: 'wrong-architecture' };
  if (/cannot open shared object file/i.test(text)) return { why: 'a library it depends on is missing', reason: 'missing-dependency' };
  return { why: 'the system could not load it', reason: 'load-failed' };
}

/** Loads and initializes the module at `path`, or shares the one already loaded. Every failure is HSM_MODULE. */
export function acquireModule(path: string): { module: graphene.Module; key: string } {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new KeyshardError('HSM_MODULE', `Give the path of a PKCS#11 module (--module PATH), for example ${moduleSuggestions()}.`, { reason: 'missing' });
  }
  const absolute = resolve(path);
  let key: string;
  try {
    const info = statSync(absolute);
    if (info.isDirectory()) throw moduleError(path, 'it is a folder, not a file', 'directory');
    key = realpathSync(absolute);
  } catch (e) {
    if (e instanceof KeyshardError) throw e;
    throw moduleError(path, 'there is no such file', 'not-found');
  }
  const existing = loaded.get(key);
  if (existing !== undefined) {
    existing.refs++;
    return { module: existing.module, key };
  }
  let module: graphene.Module;
  let fd: number | null = null;
  try {
    const name = loadName(path, key);
    fd = name.fd;
    module = graphene.Module.load(name.name, 'keyshard');
  } catch (e) {
    closeQuietly(fd);
    const { why, reason } = loadFailureReason(e);
    throw moduleError(path, why, reason);
  }
  try {
    module.initialize();
  } catch (e) {
    const name = ckrName(e);
    try {
      module.close();
    } catch {
      // nothing more to release
    }
    closeQuietly(fd);
    throw new KeyshardError(
      'HSM_MODULE',
      `The PKCS#11 module "${path}" loaded but failed to start (${name ?? 'C_Initialize failed'}). ` +
        'Check its configuration (for SoftHSM2: the file in SOFTHSM2_CONF and its token directory), then try again.',
      { path, reason: 'initialize', ...(name === undefined ? {} : { ckr: name }) },
    );
  }
  loaded.set(key, { module, refs: 1, fd });
  return { module, key };
}

/** Drops one reference; the last one finalizes the module. Never throws (a failing C_Finalize is ignored). */
export function releaseModule(key: string): void {
  const entry = loaded.get(key);
  if (entry === undefined) return;
  entry.refs--;
  if (entry.refs > 0) return;
  loaded.delete(key);
  try {
    entry.module.finalize();
  } catch {
    // A module whose token vanished may fail C_Finalize; there is nothing left to do about it.
  }
  try {
    entry.module.close();
  } catch {
    // ditto
  }
  closeQuietly(entry.fd);
}
