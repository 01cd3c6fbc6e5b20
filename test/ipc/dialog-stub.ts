/**
 * Shared by IPC tests that build their own handlers (not a test file itself): main's file dialog, answering the path a
 * test names, as the person would pick it. Main uses a path only after its dialog gave it for that purpose
 * (electron/ipc/chosen-files.ts), so a test chooses a file this way before the call that reads or writes it.
 */
import assert from 'node:assert/strict';
import type { FilePurpose } from '../../electron/ipc/contract-tools';
import type { IpcDeps, IpcHandlers } from '../../electron/ipc/handlers';

export interface DialogStub {
  /** For createIpcHandlers' deps. */
  readonly chooseFile: NonNullable<IpcDeps['chooseFile']>;
  /** The person picks this file in main's dialog for this purpose; returns the path main answered. */
  choose(handlers: IpcHandlers, purpose: FilePurpose, path: string): Promise<string>;
}

export function dialogStub(): DialogStub {
  const answers: string[] = [];
  return {
    chooseFile: async () => answers.shift() ?? null,
    async choose(handlers, purpose, path) {
      answers.push(path);
      const r = await handlers['dialog:choose-file']({ purpose });
      assert.ok(r.ok && r.value !== null, `dialog:choose-file failed for ${purpose}`);
      return r.value.path;
    },
  };
}
