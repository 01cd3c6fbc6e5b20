/**
 * Where plan files come from and go to. Today: a file the person picks (load) and a browser download (save). In the
 * Electron window this moves to main (a save dialog and a read through IPC); only this module changes then.
 */

export interface SavedPlanFile {
  readonly fileName: string;
}

/** A file name from the ceremony label: letters, digits and dashes only. */
export function planFileName(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 60);
  return `${slug || 'ceremony'}.plan.json`;
}

/** Offers the plan JSON as a download. A plan holds public data only (names, public keys), never a secret. */
export function savePlanFile(json: string, label: string): SavedPlanFile {
  const fileName = planFileName(label);
  const url = URL.createObjectURL(new Blob([json + '\n'], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference once started; give it a moment before dropping ours.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { fileName };
}

/** Most a plan file may be: plans are a few KB; a huge file is certainly the wrong one. */
export const MAX_PLAN_FILE_BYTES = 1024 * 1024;

export async function readPlanFile(file: File): Promise<string> {
  if (file.size > MAX_PLAN_FILE_BYTES) {
    throw new PlanFileTooLarge(file.size);
  }
  return file.text();
}

export class PlanFileTooLarge extends Error {
  constructor(readonly size: number) {
    super('plan file too large');
    this.name = 'PlanFileTooLarge';
  }
}
