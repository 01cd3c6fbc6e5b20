/**
 * Custodians' PKCS#11 tokens in a recovery: the shard a token keeps as a private data object (as a ceremony stores it,
 * see electron/services/ceremony/tokens.ts), a token-sealed (.p11) file opened on the token, and the token session an
 * HSM import runs in. Token selection and the module's open/close are the ceremony's own pieces (findChosen, withPort);
 * the PIN goes to one login and is dropped - never into an answer, an error or a log.
 *
 * Errors are the port's typed ones, whose messages say what to do: HSM_PIN_INCORRECT (with `triesLeft` when the token
 * tells), HSM_PIN_LOCKED, HSM_TOKEN_ABSENT (not plugged in, or pulled mid-read), HSM_MODULE (no module chosen), and
 * HSM_OBJECT_NOT_FOUND when the token holds no shard of the ceremony (saying what it does hold).
 */
import type { Envelope } from '../../../core/envelope';
import { KeyshardError, isKeyshardError } from '../../../core/errors';
import { findChosen, withPort } from '../ceremony/tokens';
import type { CapabilityId } from '../hsm/capabilities';
import type { HsmSession, HsmTokenInfo, StoredShard } from '../hsm/types';
import type { RecoveryHsm, TokenChoice } from './types';

/** A custodian's token only has to hold and show a private data object. */
export const SHARD_TOKEN_NEEDS: readonly CapabilityId[] = ['data-objects'];
/** Opening a token-sealed file: ECDH on the token into an AES key that decrypts there. */
export const SEALED_TOKEN_NEEDS: readonly CapabilityId[] = ['ecdh-derive', 'aes-gcm'];

export function requireRecoveryHsm(hsm: RecoveryHsm | undefined): RecoveryHsm {
  if (hsm === undefined || hsm.modulePath === '') {
    throw new KeyshardError(
      'HSM_MODULE',
      'No PKCS#11 module is chosen, so no token can be read. Choose the module of the custodians\' tokens (for example SoftHSM2 or OpenSC) above, then try again.',
      { reason: 'no-module' },
    );
  }
  return hsm;
}

function tokenText(t: { readonly label: string; readonly serial: string }): string {
  return `"${t.label}" (serial ${t.serial})`;
}

/** One logged-in session on the chosen token for the length of `fn`; the module is closed after. */
export async function withTokenSession<T>(
  hsm: RecoveryHsm | undefined,
  choice: TokenChoice,
  pin: string,
  require: readonly CapabilityId[],
  fn: (session: HsmSession, token: HsmTokenInfo) => Promise<T>,
): Promise<T> {
  if (choice.label === undefined && choice.serial === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'Choose the token (by its label or serial number) first.');
  return withPort(requireRecoveryHsm(hsm), async (port) => {
    let info: HsmTokenInfo;
    try {
      info = await findChosen(port, choice);
    } catch (e) {
      if (!isKeyshardError(e) || e.code !== 'HSM_TOKEN_ABSENT' || e.details?.['reason'] !== 'not-found') throw e;
      // Named the way the person chose it (label and serial), without the list of every other token.
      const name = choice.label === undefined ? `with serial ${choice.serial ?? ''}` : `"${choice.label}"${choice.serial === undefined ? '' : ` (serial ${choice.serial})`}`;
      throw new KeyshardError('HSM_TOKEN_ABSENT', `Token ${name} is not plugged in (any more). Plug it in, wait a moment, then choose it again and retry.`, {
        reason: 'not-found',
      });
    }
    const session = await port.openSession({ serial: info.serial }, pin, { require });
    try {
      return await fn(session, info);
    } finally {
      await session.close();
    }
  });
}

/** Public facts of the shards on a token, for "which ceremony?" and "it holds another ceremony's shard". */
export interface TokenShardFacts {
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
  readonly scheme: string;
}

function factsOf(list: readonly StoredShard[]): TokenShardFacts[] {
  return list.filter((s) => s.scheme !== 'damaged').map((s) => ({ ceremonyId: s.ceremonyId, custodianIndex: s.custodianIndex, custodianLabel: s.custodianLabel, scheme: s.scheme }));
}

function ceremonyList(shards: readonly TokenShardFacts[]): string {
  return shards.map((s) => `${s.ceremonyId.slice(0, 8)}… (${s.custodianLabel === '' ? `custodian #${s.custodianIndex + 1}` : s.custodianLabel})`).join(', ');
}

/**
 * The shard envelope on a logged-in token (the caller wipes it): of `wanted` when a ceremony is known, else the only
 * one the token holds. Several ceremonies and none chosen: HSM_SHARD_EXISTS with reason 'choose-ceremony' and the list.
 */
export async function readTokenShard(session: HsmSession, token: HsmTokenInfo, wanted: string | null): Promise<Envelope> {
  const name = tokenText(token);
  if (wanted !== null) {
    try {
      return await session.readShard(wanted);
    } catch (e) {
      if (!isKeyshardError(e) || e.code !== 'HSM_OBJECT_NOT_FOUND') throw e;
      const others = factsOf(await session.listShards());
      throw new KeyshardError(
        'HSM_OBJECT_NOT_FOUND',
        `Token ${name} holds no shard of this ceremony (${wanted.slice(0, 8)}…). ` +
          (others.length === 0
            ? 'It holds no keyshard shard at all. '
            : `It holds the shard${others.length === 1 ? '' : 's'} of ${others.length === 1 ? 'another ceremony' : `${others.length} other ceremonies`}: ${ceremonyList(others)}. `) +
          "Set it aside and plug in this custodian's token for this ceremony.",
        { reason: 'no-shard-of-ceremony', ceremonyId: wanted, otherCeremonies: others.map((o) => o.ceremonyId) },
      );
    }
  }
  const shards = factsOf(await session.listShards());
  const ceremonies = [...new Set(shards.map((s) => s.ceremonyId))];
  if (ceremonies.length === 0) {
    throw new KeyshardError('HSM_OBJECT_NOT_FOUND', `Token ${name} holds no keyshard shard. Set it aside and plug in the custodian's token that holds their shard.`, {
      reason: 'no-shard',
    });
  }
  if (ceremonies.length > 1) {
    throw new KeyshardError(
      'HSM_SHARD_EXISTS',
      `Token ${name} holds shards of ${ceremonies.length} ceremonies: ${ceremonyList(shards)}. Choose the ceremony to recover, then type the PIN again.`,
      { reason: 'choose-ceremony', ceremonies: shards.map((s) => ({ ...s })) },
    );
  }
  return session.readShard(ceremonies[0]!);
}
