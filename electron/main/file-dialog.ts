/**
 * The file dialogs main opens for the screens (dialog:choose-file), so no screen asks for a typed path: what each
 * purpose's dialog says and shows. Pure (no Electron import) so tests read it; main.ts passes it to Electron's dialog.
 */
import { join } from 'node:path';
import type { FilePurpose } from '../ipc/contract-tools';

export interface FileDialogSpec {
  /** Open an existing file, or name a new one (save). */
  readonly kind: 'open' | 'save';
  readonly title: string;
  readonly buttonLabel: string;
  /** Where the dialog starts: a folder, or for a save the suggested file inside it. */
  readonly defaultPath?: string;
  readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
}

const ANY = { name: 'All files', extensions: ['*'] };

/** home: the person's home folder, where a save dialog starts (they then pick their stick). */
export function fileDialogSpec(purpose: FilePurpose, home: string, suggestedName?: string): FileDialogSpec {
  switch (purpose) {
    case 'witness-key':
      return { kind: 'open', title: "Choose the witness's key file", buttonLabel: 'Use this key file', filters: [{ name: 'Witness key files', extensions: ['json', 'key'] }, ANY] };
    case 'pkcs11-module':
      // Modules load only from system library folders (main checks that again when it loads one): start there.
      return { kind: 'open', title: "Choose the tokens' PKCS#11 module", buttonLabel: 'Use this module', defaultPath: '/usr/lib', filters: [{ name: 'PKCS#11 modules', extensions: ['so'] }, ANY] };
    case 'export-file':
      return {
        kind: 'save',
        title: 'Save the encrypted key as',
        buttonLabel: 'Save here',
        defaultPath: suggestedName === undefined ? home : join(home, suggestedName),
        filters: [{ name: 'Encrypted files', extensions: ['age', 'asc'] }, ANY],
      };
    case 'plan-file':
      return { kind: 'open', title: "Choose the ceremony's plan file", buttonLabel: 'Use this plan', defaultPath: home, filters: [{ name: 'Plans', extensions: ['json'] }, ANY] };
    case 'transcript-file':
      return {
        kind: 'save',
        title: 'Save the transcript as',
        buttonLabel: 'Save here',
        defaultPath: suggestedName === undefined ? home : join(home, suggestedName),
        filters: [{ name: 'Transcripts', extensions: ['json'] }, ANY],
      };
  }
}
