/**
 * Every problem a plan can have, by stable code, with its English words (issue 14.8). A problem carries its code and
 * its data (numbers, names, field paths); its English message is filled in here, so the CLI prints what it always
 * printed, and a screen can say the same from its catalogue in another language. `{name}` marks a parameter; the
 * parameter `what` names a text field by a code of PROBLEM_WHAT, and parameters ending in `Field` are field paths.
 */
export const PROBLEM_TEXT = {
  // Reading a plan file (parse.ts)
  'parse.notJson': 'The plan file is not valid JSON. Open it in an editor, or make the plan again.',
  'parse.notObject': 'must be a JSON object.',
  'parse.unknownField': 'unknown field; remove it or check its spelling (expected {allowed}).',
  'parse.missing': 'is missing; add it.',
  'parse.notString': 'must be a string.',
  'parse.notInteger': 'must be a whole number.',
  'parse.choiceMissing': 'is missing; choose one of {choices}.',
  'parse.choiceInvalid': 'is not valid; choose one of {choices}.',
  'parse.listMissing': 'is missing; add it (a list).',
  'parse.notList': 'must be a list.',
  'parse.shareBoth': 'a share is either {"group", "member"} (slip39) or {"signer"} (vss), not both.',
  'parse.observes': 'must be "all" or a list of custodian ids.',
  // The plan's rules (validate.ts)
  version: 'this tool reads plan version {expected}; got {got}. Make the plan again with this version of keyshard.',
  createdAt: 'must be an ISO 8601 UTC time such as 2025-01-31T09:00:00.000Z; let keyshard set it when making the plan.',
  'text.empty': '{what} is empty; write it in.',
  'text.long': '{what} is {length} characters long; shorten it to {max} or fewer.',
  'text.control': '{what} contains control characters (line breaks, tabs); remove them.',
  'secret.curve': 'choose one of {choices}.',
  'secret.bits': 'a new seed has 128 or 256 bits; choose one.',
  'secret.seedLength': 'an imported seed is an even number of bytes from {min} to {max} (SLIP-39); check the length of the secret you will import.',
  'secret.keyLength': 'an imported {kind} key is {bytes} bytes; set lengthBytes to {bytes}.',
  'secret.kind': 'choose one of {choices} or seed.',
  'secret.type': 'choose new-key, new-seed or import.',
  'secret.vssSeed': 'verifiable (FROST) shares split a signing key, not a seed; make or import a key, or use the slip39 scheme.',
  'scheme.suiteMismatch': 'the key is {curve} but the ciphersuite is {suite}; make them the same.',
  'scheme.groups': 'SLIP-39 allows 1 to {max} groups; this plan has {groups}.',
  'scheme.groupsNone': 'SLIP-39 allows 1 to {max} groups; this plan has none.',
  'scheme.groupThreshold': 'must be a whole number from 1 to the number of groups ({groups}); got {got}.',
  'scheme.memberCount': 'a group has 1 to {max} members; got {got}.',
  'scheme.memberThreshold': "must be from 1 to the group's member count ({members}); got {got}.",
  'scheme.memberThresholdOne': 'SLIP-39 allows member threshold 1 only with a single member (1-of-1); use 1 member, or raise the threshold to 2 or more.',
  'scheme.ciphersuite': 'choose one of {choices}.',
  'scheme.shares': 'must be a whole number from 2 to {max}; got {got}.',
  'scheme.threshold': 'must be from 2 to the number of shares ({shares}); got {got}. FROST needs at least 2 signers.',
  'scheme.type': 'choose slip39 or vss.',
  'share.vss': 'a verifiable share is {"signer": N} with N from 1 to {max}.',
  'share.slip39': 'a SLIP-39 share is {"group": G, "member": M} with G from 0 to {max}.',
  'share.member': 'group {group} has members 0 to {max}; got {got}.',
  'share.taken': '{share} is already assigned at {otherField}; every share goes to exactly one custodian.',
  'shares.unassigned': 'every share must go to a custodian; nobody holds {shares}.',
  'shares.unassignedMore': 'every share must go to a custodian; nobody holds {shares} and {more} more.',
  'id.invalid': 'an id is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
  'id.taken': 'id "{id}" is already used by {otherField}; every custodian and witness needs its own id.',
  medium: 'choose screen-qr, paper, usb or pkcs11.',
  'protection.needsUsb': '{type} encrypts a file, so it needs the usb medium; set medium to "usb", or protection to "none" for {medium}.',
  'protection.needsPkcs11': 'pkcs11 protection needs the pkcs11 medium (the shard is stored on the token); set medium to "pkcs11".',
  'protection.usbEncrypted': 'a shard is written to a USB drive only encrypted; choose protection "age" (recipient) or "openpgp" (public key).',
  'protection.forMedium': 'the {medium} medium needs protection {choices}.',
  'protection.ageRecipient':
    'an age recipient looks like "age1" followed by lowercase letters and digits (from age-keygen -y); paste the public recipient, not the secret key.',
  'protection.pgpPrivate': 'this is an OpenPGP private key; remove it from the plan at once and paste the public key (gpg --armor --export).',
  'protection.pgpArmor': 'paste the armored OpenPGP public key (gpg --armor --export), from BEGIN PGP PUBLIC KEY BLOCK to END.',
  'custodians.none': 'a plan needs custodians to hold the shares; add them.',
  'custodian.noShare': 'this custodian holds no share; give them one or remove them from the plan.',
  'custodian.vssOneShare': 'with verifiable shares each custodian holds exactly one share; this one has {shares}.',
  'witnesses.notList': 'list the witnesses (an empty list needs noWitnessReason).',
  'witnesses.none': 'a ceremony needs at least one witness; add one, or say why there is none in noWitnessReason.',
  'noWitnessReason.extra': 'the plan has witnesses; remove noWitnessReason.',
  'witness.isCustodian':
    '"{name}" is also a custodian ({otherField}); a witness checks the custodians and cannot be one. Choose another witness (if they are different people, make the names distinguishable).',
  'witness.observesEmpty': 'list the custodian ids whose handoffs this witness observes, or write "all".',
  'witness.observesUnknown': '"{id}" is not a custodian id in this plan; check the spelling.',
  'witness.observesTwice': '"{id}" is listed twice; list each custodian once.',
  'administrator.missing': "give the administrator's name and organisation, or leave it out.",
  'externalWitness.missing': "give the external witness's name and organisation, or leave it out.",
  'externalWitnesses.notList': 'must be a list of { name, organisation }, or left out.',
  'role.taken': '"{name}" is also {otherField}; each role needs its own person (if they are different people, make the names distinguishable).',
} as const;

/** The text fields a `text.*` problem names (its `what` parameter). */
export const PROBLEM_WHAT = {
  label: 'the ceremony label',
  custodianName: 'the custodian name',
  organisation: 'the organisation',
  location: 'the location',
  tokenLabel: 'the token label',
  noWitnessReason: 'the reason for having no witness',
  witnessName: 'the witness name',
  administratorName: "the administrator's name",
  externalWitnessName: "the external witness's name",
} as const;

export type PlanProblemCode = keyof typeof PROBLEM_TEXT;
export type ProblemWhat = keyof typeof PROBLEM_WHAT;
export type ProblemParams = Readonly<Record<string, string | number>>;

export const PLAN_PROBLEM_CODES = Object.keys(PROBLEM_TEXT) as readonly PlanProblemCode[];

/** A problem's English words: its code's text with the parameters filled in (`what` in words). */
export function problemMessage(code: PlanProblemCode, params: ProblemParams = {}): string {
  return PROBLEM_TEXT[code].replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const v = params[name];
    if (name === 'what' && typeof v === 'string' && Object.hasOwn(PROBLEM_WHAT, v)) return PROBLEM_WHAT[v as ProblemWhat];
    return String(v);
  });
}
