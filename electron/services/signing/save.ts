/**
 * Saving a signing's or a custody check's transcript where the person chose in main's save dialog (for the USB stick
 * that goes with the paper record). A transcript is public, but a file already there is never replaced: it may be
 * another ceremony's record. Written atomically (the name shows the whole file or nothing).
 */
import { basename, isAbsolute } from 'node:path';
import { KeyshardError } from '../../../core/errors';
import { nodeExclusiveFs, writeNewFileAtomic, type ExclusiveFs } from '../transcript-store/atomic-write';
import { usbError } from '../usb/errors';

export async function saveTranscriptFile(path: string, text: string, fs: ExclusiveFs = nodeExclusiveFs): Promise<{ path: string; name: string }> {
  if (!isAbsolute(path)) throw new KeyshardError('INVALID_ARGUMENT', 'Choose where to save the transcript in the save dialog (a full path). Nothing was written.');
  try {
    // As the CLI writes it (--transcript-out): the serialized text, byte for byte.
    await writeNewFileAtomic(path, text, fs);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') {
      throw new KeyshardError('FILE_EXISTS', `A file named "${basename(path)}" is already there; keyshard never replaces a file (it may be another ceremony's record). Save again under a new name. Nothing was written.`, { reason: 'exists' });
    }
    throw usbError(e, `the folder of ${basename(path)}`, 'saving the transcript');
  }
  return { path, name: basename(path) };
}
