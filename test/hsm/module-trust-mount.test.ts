/**
 * A hostile "stick" for real: an ext4 image mounted through a loop device with nosuid,nodev (how a desktop mounts a
 * USB stick) carries a root-owned shared library whose constructor writes a marker file the moment it is loaded.
 * hsm:select-module (the IPC handler over the real hsm host, module rules and openHsm, as main wires them) must refuse
 * it with HSM_MODULE and the rule that failed - mounted under a temp folder, mounted inside a system library folder,
 * or reached through a link in a system folder - and the marker must never appear. The real SoftHSM2 module still
 * loads.
 *
 * Needs root (mount, chown), as the CI machine runs. Where mounting is impossible the test fails; it never skips.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHsmHost } from '../../electron/ipc/hsm-host';
import { COMMON_MODULE_PATHS, openHsm } from '../../electron/services/hsm/index';
import { ipcRig, type IpcRig } from '../ipc/ipc-harness';
import { makeSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './softhsm';

const work = mkdtempSync(join(tmpdir(), 'keyshard-stick-'));
const marker = join(work, 'MARKER-the-module-ran');
const image = join(work, 'stick.img');
const tempMount = join(work, 'mnt');
const systemMount = `/usr/local/lib/keyshard-test-${randomBytes(6).toString('hex')}`;
const systemLink = `/usr/local/lib/keyshard-test-link-${randomBytes(6).toString('hex')}.so`;
const systemLinkToImage = `/usr/local/lib/keyshard-test-link-${randomBytes(6).toString('hex')}.so`;
const systemFifo = `/usr/local/lib/keyshard-test-fifo-${randomBytes(6).toString('hex')}.so`;
// Review M6/L1/L6: a folder others may write, and mounts no system library lives on, inside a system folder.
const openFolder = `/usr/local/lib/keyshard-test-open-${randomBytes(6).toString('hex')}`;
const bindMount = `/usr/local/lib/keyshard-test-bind-${randomBytes(6).toString('hex')}`;
const ramMount = `/usr/local/lib/keyshard-test-ram-${randomBytes(6).toString('hex')}`;
const LIB = 'libtoken-pkcs11.so';
const mounted: string[] = [];
let env: SoftHsm | undefined;
let rig: IpcRig | undefined;

function run(command: string, args: readonly string[]): void {
  const r = spawnSync(command, [...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
}

/**
 * Builds the library (its constructor writes the marker; it has no C_GetFunctionList, so a load that got that far
 * fails cleanly instead of crashing the test) and writes it, root-owned 0644, onto a fresh ext4 image.
 */
function buildStick(): string {
  const source = join(work, 'evil.c');
  writeFileSync(
    source,
    `#include <stdio.h>\n__attribute__((constructor)) static void ran(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) { fputs("loaded", f); fclose(f); } }\n`,
  );
  const lib = join(work, LIB);
  run('cc', ['-shared', '-fPIC', '-o', lib, source]);
  run('dd', ['if=/dev/zero', `of=${image}`, 'bs=1M', 'count=8', 'status=none']);
  run('mkfs.ext4', ['-q', '-F', image]);
  mkdirSync(tempMount);
  mount(image, tempMount);
  copyFileSync(lib, join(tempMount, LIB));
  chownSync(join(tempMount, LIB), 0, 0);
  chmodSync(join(tempMount, LIB), 0o644);
  return lib;
}

function mount(source: string, at: string): void {
  run('mount', ['-o', 'loop,nosuid,nodev', source, at]);
  mounted.unshift(at);
}

/** Proves the marker mechanism works: the library on the image, loaded in a throwaway process, writes it. */
function markerWorks(path: string): boolean {
  spawnSync(process.execPath, ['-e', `try { process.dlopen({ exports: {} }, ${JSON.stringify(path)}); } catch {}`]);
  const ran = existsSync(marker);
  rmSync(marker, { force: true });
  return ran;
}

async function refusedReason(r: IpcRig, modulePath: string): Promise<string> {
  // Chosen in main's dialog, so main's own module rules are what refuses it (not FILE_NOT_CHOSEN).
  const answer = await r.raw('hsm:select-module', { modulePath: await r.choose('pkcs11-module', modulePath) });
  assert.equal(answer.ok, false, `${modulePath} was loaded`);
  assert.equal(!answer.ok && answer.error.code, 'HSM_MODULE', JSON.stringify(answer));
  assert.ok(!answer.ok && answer.error.message.length > 40, 'the refusal says why');
  assert.equal(existsSync(marker), false, `the module's constructor ran in this process (${modulePath})`);
  return String(!answer.ok && answer.error.details?.['reason']);
}

before(() => {
  assert.equal(process.getuid?.(), 0, 'this test mounts a loop image and needs root (as CI runs); it must not be skipped');
  buildStick();
  mkdirSync(systemMount);
  mount(image, systemMount);
  symlinkSync(join(tempMount, LIB), systemLink);
  symlinkSync(join(systemMount, LIB), systemLinkToImage);
  execFileSync('mkfifo', [systemFifo]);
});

after(async () => {
  await rig?.host.shutdown();
  env?.cleanup();
  for (const p of [systemLink, systemLinkToImage, systemFifo]) rmSync(p, { force: true });
  rmSync(openFolder, { recursive: true, force: true });
  for (const at of mounted) {
    const r = spawnSync('umount', [at]);
    if (r.status !== 0) spawnSync('umount', ['-l', at]);
  }
  for (const dir of [systemMount, bindMount, ramMount]) {
    try {
      rmdirSync(dir);
    } catch {
      // not made
    }
  }
  rmSync(work, { recursive: true, force: true });
});

describe('PKCS#11 module from a loop-mounted stick image', () => {
  it('refuses the library wherever the image is mounted or linked from; its constructor never runs; SoftHSM2 still loads', async () => {
    // The library is root-owned on the image and would run if loaded: the marker appears in a throwaway process.
    assert.ok(markerWorks(join(systemMount, LIB)), 'the test library did not write its marker when loaded');
    env = makeSoftHsm(['t1']);
    rig = ipcRig({ hsm: createHsmHost({ open: (path) => openHsm(path), known: COMMON_MODULE_PATHS }) });

    assert.equal(await refusedReason(rig, join(tempMount, LIB)), 'outside-system-folders');
    assert.equal(await refusedReason(rig, join(systemMount, LIB)), 'loop-image');
    assert.equal(await refusedReason(rig, systemLink), 'outside-system-folders');
    assert.equal(await refusedReason(rig, systemLinkToImage), 'loop-image');
    // A FIFO at a library's path in a system folder is refused at once (the open does not wait for a writer).
    const started = performance.now();
    assert.equal(await refusedReason(rig, systemFifo), 'not-a-file');
    assert.ok(performance.now() - started < 5000, 'the FIFO held the check');
    // Listing tokens through it is refused too (it was never chosen, and would fail the same rules).
    const listed = await rig.raw('hsm:list-tokens', { modulePath: join(systemMount, LIB) });
    assert.equal(!listed.ok && listed.error.code, 'HSM_MODULE');
    // Never offered as a usual module; the real SoftHSM2 module is, and loads.
    const suggested = await rig.call('hsm:suggested-modules');
    assert.ok(suggested.modules.every((m) => !m.path.includes('keyshard-test')));
    assert.equal(suggested.selected, SOFTHSM_MODULE);
    const chosen = await rig.call('hsm:select-module', { modulePath: SOFTHSM_MODULE });
    assert.equal(chosen.selected, SOFTHSM_MODULE);
    assert.equal(chosen.module.path, SOFTHSM_MODULE, 'the module is named by the path chosen, not the descriptor it was loaded through');
    assert.match(chosen.module.manufacturer, /SoftHSM/i);
    assert.equal(existsSync(marker), false);
  });

  it('review M6/L1/L6: refuses the library in a folder others may write, on the system disk bind-mounted nosuid, and on a tmpfs; its constructor never runs', async () => {
    const lib = join(work, LIB);
    const placed = (dir: string): string => {
      copyFileSync(lib, join(dir, LIB));
      chownSync(join(dir, LIB), 0, 0);
      chmodSync(join(dir, LIB), 0o644);
      return join(dir, LIB);
    };
    // Root-owned library, root-owned folder that group and others may write (so anyone could swap the library).
    mkdirSync(openFolder);
    chmodSync(openFolder, 0o777);
    const inOpenFolder = placed(openFolder);
    // The system disk itself (no loop, not removable), bind-mounted nosuid,nodev as a stick's folder would be.
    const kit = mkdtempSync(join(work, 'kit-'));
    placed(kit);
    mkdirSync(bindMount);
    run('mount', ['--bind', kit, bindMount]);
    mounted.unshift(bindMount);
    run('mount', ['-o', 'remount,bind,nosuid,nodev', bindMount]);
    // A memory file system mounted into a system folder: its files were put there since boot.
    mkdirSync(ramMount);
    run('mount', ['-t', 'tmpfs', '-o', 'mode=0755,size=4m', 'tmpfs', ramMount]);
    mounted.unshift(ramMount);
    const onRam = placed(ramMount);
    assert.ok(markerWorks(onRam) && markerWorks(join(bindMount, LIB)) && markerWorks(inOpenFolder), 'the copies would run if loaded');
    rig ??= ipcRig({ hsm: createHsmHost({ open: (path) => openHsm(path), known: COMMON_MODULE_PATHS }) });
    assert.equal(await refusedReason(rig, inOpenFolder), 'folder-untrusted');
    assert.equal(await refusedReason(rig, join(bindMount, LIB)), 'mount-options');
    assert.equal(await refusedReason(rig, onRam), 'mount-type');
    assert.equal(existsSync(marker), false);
  });

  it('after a refusal the image file itself is unchanged and unmounts cleanly (nothing of it stays loaded)', () => {
    // umount fails with "target is busy" while a library from it is mapped into this process.
    run('umount', [systemMount]);
    mounted.splice(mounted.indexOf(systemMount), 1);
    mount(image, systemMount);
    assert.equal(existsSync(marker), false);
  });
});
