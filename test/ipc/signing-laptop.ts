/**
 * Shared by the signing and drill IPC tests (not a test file itself): one laptop's own IPC handlers with the signing
 * host, as main wires them. `call` answers a channel's value or throws its refusal (message and code); every answer
 * is kept in `answers`, so a test can search them all for share material.
 */
import { randomBytes } from 'node:crypto';
import type { FilePurpose } from '../../electron/ipc/contract-tools';
import { createIpcHandlers, type IpcHandlers } from '../../electron/ipc/handlers';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createCameraGate } from '../../electron/main/permissions';
import { dialogStub } from './dialog-stub';

export interface Laptop {
  call(channel: string, request?: unknown): Promise<unknown>;
  readonly answers: string[];
  /** The person picks this file in main's dialog for this purpose; returns the path main answered. */
  choose(purpose: FilePurpose, path: string): Promise<string>;
}

type Answer = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

export function signingLaptop(): Laptop {
  const dialog = dialogStub();
  const handlers: IpcHandlers = createIpcHandlers({
    chooseFile: dialog.chooseFile,
    appInfo: () => ({ name: 'keyshard', version: '0', platform: 'linux', arch: 'x64', production: true }),
    checkAirGap: async () => ({ ok: true, interfaces: [], radios: [], problems: [], sources: ['os'], checkedAt: new Date().toISOString() }),
    camera: createCameraGate(),
    signing: createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) }),
  });
  const answers: string[] = [];
  return {
    answers,
    choose: (purpose, path) => dialog.choose(handlers, purpose, path),
    async call(channel, request) {
      const r = await (handlers as unknown as Record<string, (q: unknown) => Promise<Answer>>)[channel]!(request);
      answers.push(JSON.stringify(r));
      if (!r.ok) throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
      return r.value;
    },
  };
}
