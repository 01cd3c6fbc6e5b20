/**
 * Where a custodian's shard comes from on the screens that take one outside a recovery (the refresh/repair quorum,
 * the custody check, the quorum drill, a signer's laptop): typed or scanned (the screen's own field), a shard file
 * main reads off a listed USB stick (the recovery screen's drive and file chooser, with the file's key), or the shard
 * main reads off a PKCS#11 token with the custodian's PIN (its token chooser and PIN field). Main reads the device;
 * this window never gets the shard. The screen keeps the choice and places the toggles among its own buttons.
 */
import { useState } from 'react';
import { useT } from '../i18n';
import type { ShardRequest } from '../recovery/api';
import type { ShardProblem, SubmitResult } from '../recovery/outcome';
import { TokenInput } from '../recovery/TokenInput';
import { UsbInput } from '../recovery/UsbInput';

export type ShardSourceKind = 'typed' | 'usb' | 'token';

/** A request main reads a device for (no typed text, no scanned parts). */
export type DeviceShardRequest = Extract<ShardRequest, { driveFile: unknown } | { token: unknown }>;

export function useShardSource(): [ShardSourceKind, (s: ShardSourceKind) => void] {
  return useState<ShardSourceKind>('typed');
}

/**
 * The device part of the choice (nothing while typed is chosen). `onSubmit` sends the request to the screen's channel
 * and hands main's refusal back: a wrong key keeps the key step open, a wrong PIN empties and focuses the PIN field.
 */
export function DeviceShardInput({
  source,
  busy,
  ceremonyId = null,
  primary = true,
  onSubmit,
}: {
  source: ShardSourceKind;
  busy: boolean;
  ceremonyId?: string | null;
  /** false once the screen's next action is elsewhere (a shard read and held): no stick file is then drawn as primary. */
  primary?: boolean;
  onSubmit: (request: DeviceShardRequest) => Promise<SubmitResult>;
}) {
  // The inputs build only device requests; the recovery screen's wider type is theirs.
  const submit = (request: ShardRequest): Promise<SubmitResult> => onSubmit(request as DeviceShardRequest);
  if (source === 'usb') return <UsbInput busy={busy} primary={primary} onSubmit={submit} />;
  if (source === 'token') return <TokenInput busy={busy} ceremonyId={ceremonyId} onSubmit={submit} />;
  return null;
}

/** "Read a shard file from a USB drive" / "Read the shard from a PKCS#11 token", each "Type the shard text instead" while chosen. */
export function ShardSourceToggles({
  source,
  onSource,
  testId,
  usb = true,
  token = true,
}: {
  source: ShardSourceKind;
  onSource: (s: ShardSourceKind) => void;
  testId: string;
  usb?: boolean;
  token?: boolean;
}) {
  const t = useT();
  return (
    <>
      {usb && source !== 'token' ? (
        <button type="button" className="button secondary" onClick={() => onSource(source === 'usb' ? 'typed' : 'usb')} data-testid={`${testId}-usb-toggle`}>
          {t(source === 'usb' ? 'lifecycle.quorum.typed' : 'lifecycle.quorum.usb')}
        </button>
      ) : null}
      {token && source !== 'usb' ? (
        <button type="button" className="button secondary" onClick={() => onSource(source === 'token' ? 'typed' : 'token')} data-testid={`${testId}-token-toggle`}>
          {t(source === 'token' ? 'lifecycle.quorum.typed' : 'lifecycle.quorum.token')}
        </button>
      ) : null}
    </>
  );
}

/** A refusal from main as the device inputs take it back (code, message, and details such as a token's ceremonies). */
export function rejected(error: ShardProblem | null): SubmitResult {
  return { outcome: 'rejected', error: error ?? { code: 'INTERNAL', message: '' } };
}
