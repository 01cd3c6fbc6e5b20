/**
 * Step: entropy. Gathers the secret's material plus a split seed (OS CSPRNG, dice, a token's C_GenerateRandom) into
 * the secret store and records which sources were used, never the bytes. After a resume between entropy and generate
 * the bytes are gone: generate/import gather again from the same sources (regatherIfNeeded) or refuse.
 */
import { KeyshardError } from '../../../../core/errors';
import { gatherEntropy } from '../../entropy/index';
import type { HsmPort } from '../../hsm/types';
import { secretShape } from '../secret-kinds';
import { ENTROPY_TOKEN_NEEDS, findChosen, pinFor, requireHsm, withPort, type ExtraEntry, type TokenRef } from '../tokens';
import type { EntropyRequestBody, EntropyResponse, TokenChoice } from '../types';
import type { StepKit } from './kit';
import { expectStep, type Session } from './session';

/** Bytes of the split seed drawn with the secret's material at the entropy step. */
const SPLIT_SEED_BYTES = 32;

/** What gathering needs: the sources and the secret store. */
export type GatherKit = Pick<StepKit, 'secrets' | 'random' | 'hsmRandom' | 'hsm' | 'pins'>;
export type EntropyKit = GatherKit & Pick<StepKit, 'record' | 'status' | 'wipe'>;

type UsedToken = { token: (TokenRef & { bytes: number }) | null };

/**
 * The HSM entropy source for this request: the chosen token's C_GenerateRandom (the request's hsmToken, else the
 * entropy token checked at start), logged in with its PIN for just that call; else kit.hsmRandom.
 */
function hsmSourceFor(kit: GatherKit, c: Session, request: EntropyRequestBody, used: UsedToken): ((length: number) => Promise<Uint8Array>) | undefined {
  if (request.useHsm !== true) return undefined;
  const named = request.hsmToken?.label !== undefined || request.hsmToken?.serial !== undefined;
  const chosen: TokenChoice | undefined = named
    ? { ...(request.hsmToken?.label === undefined ? {} : { label: request.hsmToken.label }), ...(request.hsmToken?.serial === undefined ? {} : { serial: request.hsmToken.serial }) }
    : c.entropyToken === null
      ? undefined
      : { label: c.entropyToken.label, serial: c.entropyToken.serial };
  if (chosen === undefined) return kit.hsmRandom;
  const hsm = requireHsm(kit.hsm, 'random numbers cannot be drawn from a token');
  return async (length) =>
    withPort(hsm, async (port: HsmPort) => {
      const info = await findChosen(port, chosen);
      const pin = await pinFor(request.hsmToken?.pin, kit.pins, { purpose: 'entropy', tokenLabel: info.label, tokenSerial: info.serial });
      const session = await port.openSession({ serial: info.serial }, pin, { require: ENTROPY_TOKEN_NEEDS });
      try {
        const bytes = await session.random(length);
        used.token = { label: info.label, serial: info.serial, bytes: bytes.length };
        return bytes;
      } finally {
        await session.close();
      }
    });
}

/** Gathers entropy (material for the secret + a split seed) into the secret store. */
async function gatherInto(
  kit: GatherKit,
  c: Session,
  request: EntropyRequestBody,
): Promise<{ sources: readonly string[]; diceRolls: number; diceBits: number; token: (TokenRef & { bytes: number }) | null }> {
  const shape = secretShape(c.plan);
  const used: UsedToken = { token: null };
  const hsm = hsmSourceFor(kit, c, request, used);
  const g = await gatherEntropy(
    { length: shape.materialLength + SPLIT_SEED_BYTES, ...(request.diceRolls === undefined ? {} : { diceRolls: request.diceRolls }), ...(request.useHsm === undefined ? {} : { useHsm: request.useHsm }) },
    { os: kit.random, ...(hsm === undefined ? {} : { hsm }) },
  );
  try {
    c.material = shape.materialLength === 0 ? null : kit.secrets.put('entropy-material', g.bytes.subarray(0, shape.materialLength));
    c.splitSeed = kit.secrets.put('split-seed', g.bytes.subarray(shape.materialLength));
  } finally {
    g.bytes.fill(0);
  }
  return { sources: g.sources, diceRolls: g.diceRolls, diceBits: g.diceBits, token: used.token };
}

/** After a resume between entropy and generate: the same sources again, or a refusal. */
export async function regatherIfNeeded(kit: GatherKit, c: Session, request: EntropyRequestBody): Promise<void> {
  if (c.entropyNeeded === null) return;
  const recorded = c.entropyNeeded;
  const before = kit.secrets.list().map((s) => s.handle);
  const got = await gatherInto(kit, c, request);
  if (got.sources.length !== recorded.length || got.sources.some((s, i) => s !== recorded[i])) {
    for (const h of kit.secrets.list().map((s) => s.handle)) if (!before.includes(h)) kit.secrets.destroy(h);
    c.material = null;
    c.splitSeed = null;
    throw new KeyshardError(
      'ENTROPY_SOURCE',
      `The transcript records the entropy sources ${recorded.join(', ')}, but ${got.sources.join(', ')} were given now. Give the same sources (the same number of fresh dice rolls), so the record stays true.`,
      { recorded, given: [...got.sources] },
    );
  }
  c.entropyNeeded = null;
}

export async function gatherEntropyStep(kit: EntropyKit, c: Session, request: EntropyRequestBody): Promise<EntropyResponse> {
  if (c.state.airgap === 'failed') {
    throw new KeyshardError(
      'AIRGAP_NETWORK_UP',
      'The air-gap check failed: a network interface is up. Take every interface down and check again, or have a witness override the check (recorded in the transcript). Nothing secret was made.',
    );
  }
  expectStep(c, 'entropy');
  const got = await gatherInto(kit, c, request);
  try {
    const before: ExtraEntry[] = got.token === null ? [] : [{ kind: 'token-random', data: { tokenLabel: got.token.label, tokenSerial: got.token.serial, bytes: got.token.bytes } }];
    await kit.record(c, { step: 'entropy', sources: [...got.sources] }, { before });
  } catch (e) {
    // Not recorded, so not gathered: nothing of it stays in memory.
    kit.wipe(c);
    throw e;
  }
  return { sources: got.sources, diceRolls: got.diceRolls, diceBits: got.diceBits, status: kit.status(c) };
}
