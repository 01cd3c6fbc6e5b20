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
import { t as tNow, useT } from '../i18n';
import { recoveryApi, type Drive, type DriveShardFile, type DriveShards, type ShardRequest, type TokenChoice } from './api';
import { KeyFileStep } from './KeyFileStep';
import type { ShardOrigin, SubmitResult } from './outcome';
import { problemInfo, shardTodo } from './problems';
import { TokenAndPin } from './TokenAndPin';

interface Props {
  readonly onSubmit: (request: ShardRequest, origin: ShardOrigin) => Promise<SubmitResult>;
  readonly busy: boolean;
  /** false: the screen's own next action is its one primary (a shard already read and held), no file is drawn as one. */
  readonly primary?: boolean;
}

const PROTECTION_TEXT = {
  none: 'usbIn.protection.none',
  age: 'usbIn.protection.age',
  openpgp: 'usbIn.protection.openpgp',
  pkcs11: 'usbIn.protection.pkcs11',
} as const satisfies Record<DriveShardFile['protection'], string>;

const NEEDS_TEXT = {
  none: 'usbIn.needs.none',
  age: 'usbIn.needs.age',
  openpgp: 'usbIn.needs.openpgp',
  pkcs11: 'usbIn.needs.pkcs11',
} as const satisfies Record<DriveShardFile['protection'], string>;

function driveName(d: { readonly label: string | null; readonly mountPoint: string }): string {
  return d.label ?? d.mountPoint;
}

function gigabytes(bytes: number | null): string {
  return bytes === null ? '' : `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 0 : 1)} GB`;
}

/** "Bob · custodian #2" (the name from the shard or the transcript, when known). */
export function fileOwner(f: DriveShardFile): string {
  const name = f.custodianLabel ?? f.custodianId;
  const n = f.custodianIndex + 1;
  if (name === null) return f.share === null ? tNow('usbIn.placeAlone', { n }) : tNow('usbIn.placeAloneShare', { n, share: f.share });
  return `${name} · ${f.share === null ? tNow('usbIn.place', { n }) : tNow('usbIn.placeShare', { n, share: f.share })}`;
}

export function UsbInput({ onSubmit, busy, primary = true }: Props) {
  const [drives, setDrives] = useState<readonly Drive[] | null>(null);
  const [drivesError, setDrivesError] = useState<ErrorInfo | null>(null);
  const [drive, setDrive] = useState<Drive | null>(null);
  const [listing, setListing] = useState<DriveShards | null>(null);
  const [listError, setListError] = useState<ErrorInfo | null>(null);
  const [file, setFile] = useState<{ f: DriveShardFile; round: number } | null>(null);
  const t = useT();

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
      setDrivesError(problemInfo(r.error, tNow('usbIn.listTodo')));
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
    if (drive === null) return { outcome: 'rejected', error: { code: 'USB_REMOVED', message: t('usbIn.noDrive') } };
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
      <p className="muted">{t('usbIn.lead')}</p>
      <section className="usb-drives" aria-labelledby="usb-drives-title">
        <h3 id="usb-drives-title">{t('usbIn.drives')}</h3>
        {drives === null ? <p className="muted">{t('usbIn.looking')}</p> : null}
        {drives !== null && drives.length === 0 && drivesError === null ? (
          <p className="notice" data-testid="usb-no-drives">
            {t('usbIn.noDrives')}
          </p>
        ) : null}
        {drives !== null && drives.length > 0 ? (
          <div className="usb-drive-list" role="group" aria-label={t('usbIn.drivesGroup')}>
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
          {t('usbIn.again')}
        </button>
        {drivesError ? <ErrorPanel title={t('usbIn.drivesFailed')} error={drivesError} testId="usb-drives-error" focus /> : null}
      </section>

      {drive !== null ? (
        <section className="usb-files" aria-labelledby="usb-files-title" data-testid="usb-files" data-drive={driveName(drive)}>
          <h3 id="usb-files-title">{t('usbIn.files', { drive: driveName(drive) })}</h3>
          {listError ? <ErrorPanel title={t('usbIn.readFailed')} error={listError} testId="usb-files-error" focus /> : null}
          {listing === null && listError === null ? <p className="muted" data-testid="usb-reading">{t('usbIn.reading')}</p> : null}
          {listing !== null && usable.length === 0 ? (
            <p className="notice" data-testid="usb-no-files">
              {t('usbIn.noFiles')}
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
                        {t(PROTECTION_TEXT[f.protection])} · {t(NEEDS_TEXT[f.protection])}
                      </span>
                      <span className="mono muted small usb-file-name">{f.file}</span>
                      {f.ceremony === 'other' ? (
                        <span className="problem-inline small" data-testid="usb-file-other">
                          {t('usbIn.otherCeremony', { id: f.ceremonyId.slice(0, 8) })}
                        </span>
                      ) : null}
                    </span>
                    {f.inHand ? (
                      <span className="tag ok-tag" data-testid="usb-file-in-hand">
                        {t('usbIn.inHand')}
                      </span>
                    ) : (
                      // One primary action: the first file not yet added (none while a file's key is asked below).
                      <button
                        type="button"
                        className={primary && file === null && all.find((g) => g.ceremony !== 'other' && !g.inHand) === f ? 'button small' : 'button small secondary'}
                        disabled={blocked || busy}
                        onClick={() => open(f)}
                        data-testid="usb-file-open"
                      >
                        {f.protection === 'none' ? t('usbIn.add') : t('usbIn.open')}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          ) : null}
          {listing !== null && listing.problems.length > 0 ? (
            <div className="usb-problems" data-testid="usb-problems">
              <h4>{t('usbIn.unusable', { count: listing.problems.length })}</h4>
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
              cancelLabel={t('usbIn.anotherFile')}
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
  const t = useT();
  return (
    <section className="panel key-step" data-testid="token-key-step" tabIndex={-1} ref={ref}>
      <h3>{t('usbIn.sealedTitle', { owner: fileOwner(file), file: file.file })}</h3>
      <p>{t('usbIn.sealedNext')}</p>
      <TokenAndPin
        legend={t('usbIn.sealedLegend')}
        whose={t('usbIn.sealedWhose')}
        actionLabel={t('usbIn.sealedAction')}
        busyLabel={t('usbIn.sealedBusy')}
        busy={busy}
        testId="seal-token"
        pinHint={t('usbIn.sealedPinHint')}
        onSubmit={onOpen}
      />
      <div className="actions">
        <button type="button" className="button secondary" onClick={onCancel} data-testid="cancel-token-key">
          {t('usbIn.anotherFile')}
        </button>
      </div>
    </section>
  );
}
