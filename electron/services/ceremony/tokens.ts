/**
 * PKCS#11 tokens in a ceremony: which token each pkcs11 custodian uses, the check that every one of them is present
 * and able before anything is recorded, short-lived logged-in sessions, and the transcript entries that say (in
 * public facts only) what was done on which token.
 *
 * How a pkcs11 custodian's shard is kept: the plan's pkcs11 protection names a token (label), not a key, so the shard
 * envelope is stored as a private, non-modifiable DATA object (`method: 'data-object'`, see
 * electron/services/hsm/session.ts storeShard): invisible and unreadable without the custodian's PIN, and one per
 * ceremony per token. Encryption to a token key (electron/services/protection/pkcs11.ts) needs the key's public point
 * in the plan, which the plan format does not carry; it remains the way to put a token-sealed *file* on a drive.
 *
 * Transcript: a token operation writes one extra entry, saved together with the ceremony step it belongs to, so a
 * witness's signature over that step covers it:
 *   token-check      after plan         { tokens: [{ custodianId, tokenLabel, tokenSerial, model, manufacturer }], entropyToken? }
 *   token-random     before entropy     { tokenLabel, tokenSerial, bytes }
 *   token-store      before handoff     { custodianId, tokenLabel, tokenSerial, objectLabel, method, bytes, alreadyStored }
 *   token-read-back  before confirm / test-recovery  { custodianId, tokenLabel, tokenSerial, objectLabel, purpose, matches }
 * These kinds are not ceremony steps: resume skips them when it replays the steps.
 *
 * Nothing here needs graphene at load time: the module is opened through the injected CeremonyHsm.
 */
import type { JsonObject } from '../../../core/ceremony';
import { KeyshardError, type KeyshardErrorCode } from '../../../core/errors';
import type { CeremonyPlan, Custodian } from '../../../core/policy';
import { CAPABILITY_NEEDS, type CapabilityId } from '../hsm/capabilities';
import type { HsmPort, HsmSession, HsmTokenInfo, TokenSelector } from '../hsm/types';
import type { CeremonyHsm, DeviceCheckResponse, PinPrompt, PinSupplier, TokenAssignment, TokenChoice, TokenCheckView } from './types';

export const TOKEN_ENTRY_KINDS = ['token-check', 'token-random', 'token-store', 'token-read-back'] as const;
export type TokenEntryKind = (typeof TOKEN_ENTRY_KINDS)[number];

/** An extra transcript entry written with a step. */
export interface ExtraEntry {
  readonly kind: TokenEntryKind;
  readonly data: JsonObject;
}

export const TOKEN_STORE_METHOD = 'data-object' as const;

/** What each role needs from its token. A custodian's token stores and reads a data object; no mechanism is involved. */
export const CUSTODIAN_TOKEN_NEEDS: readonly CapabilityId[] = CAPABILITY_NEEDS.storeShard;
export const ENTROPY_TOKEN_NEEDS: readonly CapabilityId[] = CAPABILITY_NEEDS.entropy;
/** Signing with a key that already exists (no key generation during a ceremony). */
export const WITNESS_TOKEN_NEEDS: readonly CapabilityId[] = ['ecdsa'];

/** A token as found: its label and serial. */
export interface TokenRef {
  readonly label: string;
  readonly serial: string;
}

/** The token a custodian's shard goes on, fixed by serial at start (a look-alike token with the same label is refused). */
export interface TokenBinding extends TokenRef {
  readonly custodianId: string;
}

export function tokenText(t: { readonly label: string; readonly serial: string }): string {
  return `"${t.label}" (serial ${t.serial})`;
}

function choiceText(c: TokenChoice): string {
  if (c.label !== undefined && c.serial !== undefined) return `"${c.label}" (serial ${c.serial})`;
  if (c.serial !== undefined) return `with serial ${c.serial}`;
  return `"${c.label ?? ''}"`;
}

export function selectorOf(c: TokenChoice): TokenSelector {
  if (c.serial !== undefined) return { serial: c.serial };
  if (c.label !== undefined) return { label: c.label };
  throw new KeyshardError('INVALID_ARGUMENT', 'Name the token by its label or its serial number.');
}

function checkChoice(c: unknown, what: string): TokenChoice {
  const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
  const label = o['label'];
  const serial = o['serial'];
  const ok = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() !== '' && v.length <= 64 && !/[\u0000-\u001f\u007f]/.test(v));
  if (!ok(label) || !ok(serial) || (label === undefined && serial === undefined)) {
    throw new KeyshardError('INVALID_ARGUMENT', `${what}: name the token by its label and/or serial number (printable, up to 64 characters).`);
  }
  return { ...(label === undefined ? {} : { label: (label as string).trim() }), ...(serial === undefined ? {} : { serial: (serial as string).trim() }) };
}

/** Finds the token and checks that it is the one asked for (both label and serial when both are given). */
export async function findChosen(port: HsmPort, choice: TokenChoice): Promise<HsmTokenInfo> {
  const info = await port.findToken(selectorOf(choice));
  if (choice.label !== undefined && info.label !== choice.label) {
    throw new KeyshardError(
      'HSM_TOKEN_ABSENT',
      `The token with serial ${info.serial} is labelled "${info.label}", not "${choice.label}". Plug in the token that was chosen (or correct the label or serial).`,
      { reason: 'other-token' },
    );
  }
  return info;
}

/** The PIN from the request, or from the supplier; HSM_PIN_INCORRECT (reason 'missing') when there is none. */
export async function pinFor(given: string | undefined, supplier: PinSupplier | undefined, prompt: PinPrompt): Promise<string> {
  if (typeof given === 'string' && given.length > 0) return given;
  if (supplier !== undefined) {
    const pin = await supplier(prompt);
    if (typeof pin === 'string' && pin.length > 0) return pin;
  }
  const whose = prompt.tokenLabel === undefined ? 'the token' : `token "${prompt.tokenLabel}"`;
  throw new KeyshardError('HSM_PIN_INCORRECT', `Enter the PIN of ${whose} to continue; none was given. Nothing was done.`, {
    reason: 'missing',
    ...(prompt.custodianId === undefined ? {} : { custodianId: prompt.custodianId }),
  });
}

export function requireHsm(hsm: CeremonyHsm | undefined, why: string): CeremonyHsm {
  if (hsm === undefined) {
    throw new KeyshardError('HSM_MODULE', `No PKCS#11 module is set up in this session, so ${why}. Choose the token's PKCS#11 module in the settings, or change the plan.`, {
      reason: 'no-module',
    });
  }
  return hsm;
}

/** Opens the module, runs `fn`, and closes the module again whatever happens. */
export async function withPort<T>(hsm: CeremonyHsm, fn: (port: HsmPort) => Promise<T>): Promise<T> {
  const port = await hsm.open(hsm.modulePath);
  try {
    return await fn(port);
  } finally {
    await port.close();
  }
}

/** One logged-in session on the token with this serial for the length of `fn`; closing the session logs out. */
export async function withSession<T>(
  hsm: CeremonyHsm,
  serial: string,
  pin: string,
  require: readonly CapabilityId[],
  fn: (session: HsmSession) => Promise<T>,
): Promise<T> {
  return withPort(hsm, async (port) => {
    const session = await port.openSession({ serial }, pin, { require });
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  });
}

/** The same error with `lead` in front and the custodian named in its details (the message never carries a PIN). */
export function aboutCustodian(e: unknown, lead: string, custodianId: string, tail = ''): unknown {
  if (!(e instanceof KeyshardError)) return e;
  return new KeyshardError(e.code, `${lead} ${e.message}${tail}`, { ...e.details, custodianId });
}

// ---------------------------------------------------------------------------------------------------------------
// The check before a ceremony

/** The token each pkcs11 custodian uses: the request's assignment, else the plan's tokenLabel, else null (unnamed). */
export function tokenChoices(plan: CeremonyPlan, assignments: readonly TokenAssignment[] | undefined): Map<string, TokenChoice | null> {
  const out = new Map<string, TokenChoice | null>();
  for (const a of assignments ?? []) {
    const id = (a as { custodianId?: unknown }).custodianId;
    const c = plan.custodians.find((x) => x.id === id);
    if (c === undefined) throw new KeyshardError('INVALID_ARGUMENT', `A token is assigned to "${String(id).slice(0, 64)}", who is not a custodian of this plan.`);
    if (c.medium !== 'pkcs11') throw new KeyshardError('INVALID_ARGUMENT', `${c.name} receives their shard by ${c.medium}, not on a token; remove their token assignment.`, { custodianId: c.id });
    if (out.has(c.id)) throw new KeyshardError('INVALID_ARGUMENT', `${c.name} is assigned two tokens; give one.`, { custodianId: c.id });
    const choice = checkChoice(a, `The token for ${c.name}`);
    const planned = c.protection.type === 'pkcs11' ? c.protection.tokenLabel : undefined;
    if (planned !== undefined && choice.label !== undefined && choice.label !== planned) {
      throw new KeyshardError('INVALID_ARGUMENT', `The plan puts ${c.name}'s shard on the token labelled "${planned}", not "${choice.label}". Follow the plan, or change it.`, {
        custodianId: c.id,
      });
    }
    out.set(c.id, { ...(planned === undefined ? {} : { label: planned }), ...choice });
  }
  for (const c of plan.custodians) {
    if (c.medium !== 'pkcs11' || out.has(c.id)) continue;
    const planned = c.protection.type === 'pkcs11' ? c.protection.tokenLabel : undefined;
    out.set(c.id, planned === undefined ? null : { label: planned });
  }
  return out;
}

export function hasTokenCustodians(plan: CeremonyPlan): boolean {
  return plan.custodians.some((c) => c.medium === 'pkcs11');
}

function viewOf(role: 'custodian' | 'entropy', custodian: Custodian | undefined, wanted: TokenChoice, needs: readonly CapabilityId[]): TokenCheckView {
  return {
    role,
    ...(custodian === undefined ? {} : { custodianId: custodian.id, custodianName: custodian.name }),
    wanted,
    present: false,
    tokenLabel: null,
    tokenSerial: null,
    model: null,
    manufacturer: null,
    needs: [...needs],
    missing: [],
    pinLocked: false,
    pinFinalTry: false,
  };
}

/** Looks at one token (no PIN, nothing written) and says what, if anything, stops it from doing its job. */
async function inspect(port: HsmPort, base: TokenCheckView, who: string): Promise<TokenCheckView> {
  let info: HsmTokenInfo;
  try {
    info = await findChosen(port, base.wanted);
  } catch (e) {
    if (!(e instanceof KeyshardError) || e.code === 'HSM_MODULE') throw e;
    return { ...base, problem: { code: e.code, message: `${who}: ${e.message}` } };
  }
  const missing = base.needs.filter((id) => info.capabilities.find((c) => c.id === id)?.available !== true);
  const found: TokenCheckView = {
    ...base,
    present: true,
    tokenLabel: info.label,
    tokenSerial: info.serial,
    model: info.model,
    manufacturer: info.manufacturer,
    missing,
    pinLocked: info.pinLocked,
    pinFinalTry: info.pinFinalTry,
  };
  const name = tokenText(info);
  const problem = (code: KeyshardErrorCode, message: string) => ({ ...found, problem: { code, message: `${who}: ${message}` } });
  if (!info.initialized) return problem('INVALID_ARGUMENT', `token ${name} is not initialized. Initialize it (label and PIN) with its own tool first.`);
  if (missing.length > 0) {
    const why = missing.map((id) => {
      const c = info.capabilities.find((x) => x.id === id);
      return `${c?.label ?? id} (${c?.note ?? 'missing'})`;
    });
    return problem('HSM_MECHANISM', `token ${name} cannot do what this ceremony needs from it: ${why.join('; ')}. Choose another token before the ceremony starts.`);
  }
  if (info.pinLocked) return problem('HSM_PIN_LOCKED', `token ${name} is locked after too many wrong PINs. Its security officer must unblock it before the ceremony.`);
  return found;
}

export interface DeviceCheck {
  readonly report: DeviceCheckResponse;
  readonly bindings: readonly TokenBinding[];
  readonly entropy: TokenRef | null;
}

/**
 * Checks every token the plan relies on: each pkcs11 custodian's (present, initialized, not locked, can hold a
 * private data object, and holds exactly one shard in the plan: one token keeps one shard per ceremony), no token
 * shared by two custodians, and the entropy token (random numbers) when one is chosen. No PIN, nothing written.
 */
export async function checkDevices(
  hsm: CeremonyHsm,
  plan: CeremonyPlan,
  assignments: readonly TokenAssignment[] | undefined,
  entropyChoice: TokenChoice | undefined,
): Promise<DeviceCheck> {
  const choices = tokenChoices(plan, assignments);
  const entropyWanted = entropyChoice === undefined ? undefined : checkChoice(entropyChoice, 'The entropy token');
  const views: TokenCheckView[] = [];
  let entropy: TokenCheckView | null = null;
  await withPort(hsm, async (port) => {
    for (const c of plan.custodians) {
      if (c.medium !== 'pkcs11') continue;
      const wanted = choices.get(c.id) ?? null;
      const who = `${c.name}'s token`;
      if (wanted === null) {
        views.push({
          ...viewOf('custodian', c, {}, CUSTODIAN_TOKEN_NEEDS),
          problem: { code: 'INVALID_ARGUMENT', message: `${who}: the plan does not name it. Give its label in the plan (protection.tokenLabel) or choose it for this ceremony.` },
        });
        continue;
      }
      let view = await inspect(port, viewOf('custodian', c, wanted, CUSTODIAN_TOKEN_NEEDS), who);
      if (view.problem === undefined && c.shares.length !== 1) {
        view = {
          ...view,
          problem: { code: 'POLICY_INVALID', message: `${who}: the plan gives ${c.name} ${c.shares.length} shares, but a token keeps one shard per ceremony. Give ${c.name} one share, or a medium that holds several.` },
        };
      }
      if (view.problem === undefined) {
        const other = views.find((v) => v.tokenSerial !== null && v.tokenSerial === view.tokenSerial);
        if (other !== undefined) {
          view = {
            ...view,
            problem: {
              code: 'INVALID_ARGUMENT',
              message: `${who}: it is the same token as ${other.custodianName ?? 'another custodian'}'s (serial ${view.tokenSerial}). Each custodian keeps their shard on their own token, so that losing one token never loses two shards.`,
            },
          };
        }
      }
      views.push(view);
    }
    if (entropyWanted !== undefined) entropy = await inspect(port, viewOf('entropy', undefined, entropyWanted, ENTROPY_TOKEN_NEEDS), 'The entropy token');
  });
  const all: TokenCheckView[] = entropy === null ? views : [...views, entropy];
  const problems = all.flatMap((v) => (v.problem === undefined ? [] : [{ ...v.problem, ...(v.custodianId === undefined ? {} : { custodianId: v.custodianId }) }]));
  const bindings = views
    .filter((v) => v.problem === undefined && v.custodianId !== undefined && v.tokenLabel !== null && v.tokenSerial !== null)
    .map((v) => ({ custodianId: v.custodianId!, label: v.tokenLabel!, serial: v.tokenSerial! }));
  const e = entropy as TokenCheckView | null;
  return {
    report: { ok: problems.length === 0, tokens: views, entropyToken: entropy, problems },
    bindings,
    entropy: e !== null && e.problem === undefined && e.tokenLabel !== null && e.tokenSerial !== null ? { label: e.tokenLabel, serial: e.tokenSerial } : null,
  };
}

/** The error start throws for a failed check: the first problem's code, every problem in the message. */
export function deviceCheckError(report: DeviceCheckResponse): KeyshardError {
  const first = report.problems[0]!;
  const rest = report.problems.length > 1 ? ` Also: ${report.problems.slice(1).map((p) => p.message).join(' ')}` : '';
  return new KeyshardError(first.code as KeyshardErrorCode, `The ceremony cannot start: ${first.message}${rest} Nothing was recorded.`, {
    ...(first.custodianId === undefined ? {} : { custodianId: first.custodianId }),
    problems: report.problems.map((p) => ({ code: p.code, ...(p.custodianId === undefined ? {} : { custodianId: p.custodianId }) })),
  });
}

/** The token-check entry written after the plan. */
export function tokenCheckEntry(check: DeviceCheck): ExtraEntry {
  const byId = new Map(check.report.tokens.map((v) => [v.custodianId, v] as const));
  return {
    kind: 'token-check',
    data: {
      tokens: check.bindings.map((b) => ({
        custodianId: b.custodianId,
        tokenLabel: b.label,
        tokenSerial: b.serial,
        model: byId.get(b.custodianId)?.model ?? '',
        manufacturer: byId.get(b.custodianId)?.manufacturer ?? '',
      })),
      ...(check.entropy === null ? {} : { entropyToken: { tokenLabel: check.entropy.label, tokenSerial: check.entropy.serial } }),
    },
  };
}

/** Bindings read back from a transcript's token-check entry (resume). */
export function bindingsFromEntry(data: unknown): { bindings: TokenBinding[]; entropy: TokenRef | null } {
  const d = (typeof data === 'object' && data !== null ? data : {}) as { tokens?: unknown; entropyToken?: unknown };
  const bindings: TokenBinding[] = [];
  if (Array.isArray(d.tokens)) {
    for (const t of d.tokens as { custodianId?: unknown; tokenLabel?: unknown; tokenSerial?: unknown }[]) {
      if (typeof t?.custodianId === 'string' && typeof t.tokenLabel === 'string' && typeof t.tokenSerial === 'string') {
        bindings.push({ custodianId: t.custodianId, label: t.tokenLabel, serial: t.tokenSerial });
      }
    }
  }
  const e = d.entropyToken as { tokenLabel?: unknown; tokenSerial?: unknown } | undefined;
  const entropy = typeof e?.tokenLabel === 'string' && typeof e.tokenSerial === 'string' ? { label: e.tokenLabel, serial: e.tokenSerial } : null;
  return { bindings, entropy };
}
