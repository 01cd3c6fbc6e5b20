/**
 * Shards on custodians' USB drives: the drives plugged in (usb:list-drives), then the keyshard shard files on the one
 * chosen (recovery:drive-shards: whose each is, how it is protected, whether it is of this ceremony, already in hand,
 * and the files that cannot be used), then what opens the chosen file - nothing for an unprotected one, the custodian's
 * key file for age or OpenPGP, their token and PIN for a token-sealed one. Main reads the file itself: this window
 * names a listed drive and a listed file, never a path, and never sees the shard.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { recoveryApi, type Drive, type DriveShardFile, type DriveShards, type ShardRequest, type TokenChoice } from './api';
import { KeyFileStep } from './KeyFileStep';
import type { ShardOrigin, SubmitResult } from './outcome';
import { problemInfo, shardTodo } from './problems';
import { TokenAndPin } from './TokenAndPin';

interface Props {
  readonly onSubmit: (request: ShardRequest, origin: ShardOrigin) => Promise<SubmitResult>;
  readonly busy: boolean;
}

const PROTECTION_TEXT: Readonly<Record<DriveShardFile['protection'], string>> = {
  none: 'not encrypted',
  age: 'encrypted with age',
  openpgp: 'encrypted with OpenPGP',
  pkcs11: "sealed to the custodian's token",
};

const NEEDS_TEXT: Readonly<Record<DriveShardFile['protection'], string>> = {
  none: 'needs no key',
  age: "needs the custodian's age identity file",
  openpgp: "needs the custodian's OpenPGP private key file",
  pkcs11: "needs the custodian's token and PIN",
};

function driveName(d: { readonly label: string | null; readonly mountPoint: string }): string {
  return d.label ?? d.mountPoint;
}

function gigabytes(bytes: number | null): string {
  return bytes === null ? '' : `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 0 : 1)} GB`;
}

/** "Bob · custodian #2" (the name from the shard or the transcript, when known). */
export function fileOwner(f: DriveShardFile): string {
  const name = f.custodianLabel ?? f.custodianId;
  const place = `custodian #${f.custodianIndex + 1}${f.share === null ? '' : `, share ${f.share}`}`;
  return name === null ? place.charAt(0).toUpperCase() + place.slice(1) : `${name} · ${place}`;
}

export function UsbInput({ onSubmit, busy }: Props) {
  const [drives, setDrives] = useState<readonly Drive[] | null>(null);
  const [drivesError, setDrivesError] = useState<ErrorInfo | null>(null);
  const [drive, setDrive] = useState<Drive | null>(null);
  const [listing, setListing] = useState<DriveShards | null>(null);
  const [listError, setListError] = useState<ErrorInfo | null>(null);
  const [file, setFile] = useState<{ f: DriveShardFile; round: number } | null>(null);

  const listFiles = useCallback(async (d: Drive): Promise<void> => {
    setListError(null);
    const r = await recoveryApi.driveShards(d.mountPoint);
    if (r.ok) {
      setListing(r.value);
    } else {
      setListing(null);
      setListError(problemInfo(r.error, shardTodo(r.error.code, { kind: 'usb' })));
    }
  }, []);

  const choose = useCallback(
    (d: Drive): void => {
      setDrive(d);
      setFile(null);
      setListing(null);
      void listFiles(d);
    },
    [listFiles],
  );

  const listDrives = useCallback(async (): Promise<void> => {
    setDrivesError(null);
    const r = await recoveryApi.listDrives();
    if (!r.ok) {
      setDrives([]);
      setDrivesError(problemInfo(r.error, 'Plug the drive in again and press “List the drives again”. If it keeps failing, open the file with “Shard file” instead.'));
      return;
    }
    setDrives(r.value);
    // The drive chosen before, if it is still there; else the only one plugged in.
    const still = r.value.find((d) => d.mountPoint === drive?.mountPoint);
    const next = still ?? (r.value.length === 1 ? r.value[0]! : null);
    if (next === null) {
      setDrive(null);
      setListing(null);
      setFile(null);
    } else {
      choose(next);
    }
  }, [drive?.mountPoint, choose]);

  useEffect(() => {
    void listDrives();
    // Once, when the tab opens.
  }, []);

  const submit = async (f: DriveShardFile, openingKey?: Extract<ShardRequest, { driveFile: unknown }>['openingKey']): Promise<SubmitResult> => {
    if (drive === null) return { outcome: 'rejected', error: { code: 'USB_REMOVED', message: 'No drive is chosen.' } };
    const result = await onSubmit(
      { driveFile: { mountPoint: drive.mountPoint, file: f.file }, ...(openingKey === undefined ? {} : { openingKey }) },
      { kind: 'usb', protection: f.protection, drive: driveName(drive) },
    );
    void listFiles(drive);
    return result;
  };

  const open = (f: DriveShardFile): void => {
    if (f.protection === 'none') {
      setFile(null);
      void submit(f);
      return;
    }
    setFile((old) => ({ f, round: (old?.round ?? 0) + 1 }));
  };

  const usable = listing?.files ?? [];
  return (
    <div className="usb-input" data-testid="usb-input">
      <p className="muted">Plug in the custodian&apos;s USB drive and choose it: keyshard lists the shard files on it.</p>
      <section className="usb-drives" aria-labelledby="usb-drives-title">
        <h3 id="usb-drives-title">Drives plugged in</h3>
        {drives === null ? <p className="muted">Looking for drives…</p> : null}
        {drives !== null && drives.length === 0 && drivesError === null ? (
          <p className="notice" data-testid="usb-no-drives">
            No USB drive is plugged in. Plug in the custodian&apos;s drive, wait until the system shows it, then press “List the drives again”.
          </p>
        ) : null}
        {drives !== null && drives.length > 0 ? (
          <div className="usb-drive-list" role="group" aria-label="Drives">
            {drives.map((d) => (
              <button
                key={d.mountPoint}
                type="button"
                className={d.mountPoint === drive?.mountPoint ? 'usb-drive selected' : 'usb-drive'}
                aria-pressed={d.mountPoint === drive?.mountPoint}
                onClick={() => choose(d)}
                data-testid="usb-drive"
                data-label={d.label ?? ''}
              >
                <strong>{driveName(d)}</strong>
                <span className="muted small mono">{d.mountPoint}</span>
                <span className="muted small">{[gigabytes(d.sizeBytes), d.fsType ?? ''].filter((x) => x !== '').join(' · ')}</span>
              </button>
            ))}
          </div>
        ) : null}
        <button type="button" className="button secondary small" onClick={() => void listDrives()} data-testid="usb-drives-again">
          List the drives again
        </button>
        {drivesError ? <ErrorPanel title="The drives could not be listed" error={drivesError} testId="usb-drives-error" focus /> : null}
      </section>

      {drive !== null ? (
        <section className="usb-files" aria-labelledby="usb-files-title" data-testid="usb-files" data-drive={driveName(drive)}>
          <h3 id="usb-files-title">Shard files on {driveName(drive)}</h3>
          {listError ? <ErrorPanel title="The drive could not be read" error={listError} testId="usb-files-error" focus /> : null}
          {listing === null && listError === null ? <p className="muted">Reading the drive…</p> : null}
          {listing !== null && usable.length === 0 ? (
            <p className="notice" data-testid="usb-no-files">
              There is no keyshard shard file on this drive (they are named keyshard-…-c1.age and the like, at the top of
              the drive). Check that this is the custodian&apos;s drive, or use their paper copy.
            </p>
          ) : null}
          {usable.length > 0 ? (
            <ul className="usb-file-list">
              {usable.map((f, _i, all) => {
                const blocked = f.ceremony === 'other' || f.inHand;
                return (
                  <li
                    key={f.file}
                    className={`usb-file${blocked ? ' blocked' : ''}${file?.f.file === f.file ? ' chosen' : ''}`}
                    data-testid="usb-file"
                    data-file={f.file}
                    data-custodian-index={f.custodianIndex}
                    data-protection={f.protection}
                    data-ceremony={f.ceremony}
                    data-in-hand={f.inHand}
                  >
                    <span className="usb-file-facts">
                      <strong>{fileOwner(f)}</strong>
                      <span className="muted small">
                        {PROTECTION_TEXT[f.protection]} · {NEEDS_TEXT[f.protection]}
                      </span>
                      <span className="mono muted small usb-file-name">{f.file}</span>
                      {f.ceremony === 'other' ? (
                        <span className="problem-inline small" data-testid="usb-file-other">
                          Another ceremony ({f.ceremonyId.slice(0, 8)}…): set it aside.
                        </span>
                      ) : null}
                    </span>
                    {f.inHand ? (
                      <span className="tag ok-tag" data-testid="usb-file-in-hand">
                        ✓ In hand
                      </span>
                    ) : (
                      // One primary action: the first file not yet added (none while a file's key is asked below).
                      <button
                        type="button"
                        className={file === null && all.find((g) => g.ceremony !== 'other' && !g.inHand) === f ? 'button small' : 'button small secondary'}
                        disabled={blocked || busy}
                        onClick={() => open(f)}
                        data-testid="usb-file-open"
                      >
                        {f.protection === 'none' ? 'Add this shard' : 'Open…'}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          ) : null}
          {listing !== null && listing.problems.length > 0 ? (
            <div className="usb-problems" data-testid="usb-problems">
              <h4>Files that cannot be used ({listing.problems.length})</h4>
              <ul>
                {listing.problems.map((p) => (
                  <li key={p.file} data-testid="usb-problem" data-file={p.file} data-code={p.code}>
                    <span className="mono small">{p.file}</span>: {p.message} <span className="error-code">{p.code}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {file !== null && (file.f.protection === 'age' || file.f.protection === 'openpgp') ? (
            <KeyFileStep
              key={file.round}
              fileName={`${fileOwner(file.f)}: ${file.f.file}`}
              protection={file.f.protection}
              busy={busy}
              onOpen={(openingKey) => submit(file.f, openingKey)}
              onDone={() => setFile(null)}
              onCancel={() => setFile(null)}
              cancelLabel="Choose another file"
            />
          ) : null}
          {file !== null && file.f.protection === 'pkcs11' ? (
            <SealedFileStep
              key={file.round}
              file={file.f}
              busy={busy}
              onOpen={async (token, pin) => {
                const result = await submit(file.f, { kind: 'pkcs11', token, pin });
                if (result.outcome !== 'rejected') setFile(null);
                return result;
              }}
              onCancel={() => setFile(null)}
            />
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

/** A token-sealed (.p11) file: the custodian's token and PIN open it on the token. Takes the focus when it opens. */
function SealedFileStep({
  file,
  busy,
  onOpen,
  onCancel,
}: {
  file: DriveShardFile;
  busy: boolean;
  onOpen: (token: TokenChoice, pin: string) => Promise<SubmitResult>;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section className="panel key-step" data-testid="token-key-step" tabIndex={-1} ref={ref}>
      <h3>
        {fileOwner(file)}: {file.file}, sealed to the custodian&apos;s token
      </h3>
      <p>Next: the custodian plugs in their token, chooses it, and types its PIN. The token opens the file; its key never leaves it.</p>
      <TokenAndPin
        legend="Which token is the custodian's?"
        whose="The custodian"
        actionLabel="Open the file with this token"
        busyLabel="Opening on the token…"
        busy={busy}
        testId="seal-token"
        pinHint="Only the custodian types it. keyshard gives it to the token to open this file and does not keep it."
        onSubmit={onOpen}
      />
      <div className="actions">
        <button type="button" className="button secondary" onClick={onCancel} data-testid="cancel-token-key">
          Choose another file
        </button>
      </div>
    </section>
  );
}
