/**
 * PKCS#11 devices for any screen (ceremony, recovery):
 *
 * - `ModuleChooser`: which PKCS#11 module main loads (suggested modules or a typed path; shows maker and version).
 * - `TokenPicker`: one token for a role ('custodian' | 'entropy' | 'witness'), chosen by serial, with its PIN state
 *   and what it can and cannot do; full list or `compact` drop-down; "Look again".
 * - `useTokenList`: the slots the module sees (hsm:list-tokens), shareable by several pickers on one screen.
 * - `PinField` + `usePin`: a PIN typed by its holder for ONE request; `take()` hands it over and clears the field.
 * - api: types of the hsm:* answers, words for token state, `deviceErrorInfo`/`pinErrorNote` for errors.
 *
 * No PIN is ever held here beyond the PinField's value, nor logged, stored or put in a URL.
 */
export { ModuleChooser } from './ModuleChooser';
export { PinField, usePin } from './PinField';
export { TokenPicker } from './TokenPicker';
export { useTokenList, type TokenListState } from './useTokenList';
export {
  askDevices,
  cannotReasons,
  DEVICE_TODO,
  deviceErrorInfo,
  deviceTodo,
  PIN_MAX,
  PIN_MIN,
  pinErrorNote,
  pinReady,
  pinStateOf,
  ROLE_TEXT,
  roleVerdict,
  tokenName,
  tokensOf,
  type CapabilityId,
  type KnownModule,
  type ModuleInfo,
  type PinState,
  type SelectedModule,
  type SuggestedModules,
  type Token,
  type TokenList,
  type TokenRole,
  type TokenSlot,
} from './api';
