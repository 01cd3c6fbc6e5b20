import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { p256_FROST } from '@noble/curves/nist.js';
import { secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CHECKSUM_LENGTH,
  EnvelopeScheme,
  MAX_LABEL_BYTES,
  ceremonyIdFromHex,
  ceremonyIdToHex,
  decodeEnvelope,
  decodeSlip39Payload,
  decodeVssPayload,
  describeEnvelope,
  encodeEnvelope,
  encodeSlip39Payload,
  encodeVssPayload,
  envelopeFromText,
  envelopeToText,
  newCeremonyId,
  vssScheme,
  wipeEnvelope,
} from '../../core/envelope';
import type { Envelope, VssPayload } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import type { KeyshardErrorCode } from '../../core/errors';

// ---------------------------------------------------------------------------------------------------------------
// helpers

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** Runs fn, asserts it throws a KeyshardError, and returns it. */
function catchKeyshard(fn: () => unknown): KeyshardError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KeyshardError, `expected a KeyshardError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error, got none');
}

function expectCode(fn: () => unknown, code: KeyshardErrorCode): KeyshardError {
  const err = catchKeyshard(fn);
  assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
  return err;
}

/** Replaces the trailing 16-byte checksum with the right one for the (edited) bytes before it. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const end = out.length - CHECKSUM_LENGTH;
  out.set(sha256(out.subarray(0, end)).subarray(0, CHECKSUM_LENGTH), end);
  return out;
}

const VSS_SCHEMES = [EnvelopeScheme.vssEd25519, EnvelopeScheme.vssSecp256k1, EnvelopeScheme.vssP256] as const;
const ALL_SCHEMES = [EnvelopeScheme.slip39, ...VSS_SCHEMES] as const;
const elementLength = (scheme: number): number => (scheme === EnvelopeScheme.vssEd25519 ? 32 : 33);

// ---------------------------------------------------------------------------------------------------------------
// arbitraries

const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

const labelArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
  .map((s) => s.normalize('NFC'))
  .filter((s) => {
    const n = utf8Length(s);
    return n >= 1 && n <= MAX_LABEL_BYTES && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);
  });

const wordArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 3, maxLength: 8 });
const mnemonicArb = fc.array(wordArb, { minLength: 20, maxLength: 33 }).map((w) => w.join(' '));

function elementArb(scheme: number) {
  if (scheme === EnvelopeScheme.vssEd25519) return bytesOf(32);
  return fc.tuple(fc.constantFrom(2, 3), bytesOf(32)).map(([prefix, x]) => Uint8Array.of(prefix, ...x));
}

function vssPayloadArb(scheme: number): fc.Arbitrary<VssPayload> {
  return fc.integer({ min: 2, max: 6 }).chain((threshold) =>
    fc.record({
      threshold: fc.constant(threshold),
      shareCount: fc.integer({ min: threshold, max: threshold + 20 }),
      identifier: bytesOf(32).filter((b) => b.some((x) => x !== 0)),
      signingShare: bytesOf(32),
      commitments: fc.array(elementArb(scheme), { minLength: threshold, maxLength: threshold }),
    }),
  );
}

function payloadArb(scheme: (typeof ALL_SCHEMES)[number]): fc.Arbitrary<Uint8Array> {
  if (scheme === EnvelopeScheme.slip39) return mnemonicArb.map(encodeSlip39Payload);
  return vssPayloadArb(scheme).map((p) => encodeVssPayload(scheme, p));
}

function envelopeArb(scheme: (typeof ALL_SCHEMES)[number]): fc.Arbitrary<Envelope> {
  return fc.record({
    scheme: fc.constant(scheme),
    ceremonyId: bytesOf(16),
    custodianIndex: fc.integer({ min: 0, max: 0xffff }),
    custodianLabel: labelArb,
    groupFingerprint: bytesOf(32),
    payload: payloadArb(scheme),
  });
}

function assertSameEnvelope(actual: Envelope, expected: Envelope): void {
  assert.equal(actual.scheme, expected.scheme);
  assert.deepEqual(actual.ceremonyId, expected.ceremonyId);
  assert.equal(actual.custodianIndex, expected.custodianIndex);
  assert.equal(actual.custodianLabel, expected.custodianLabel);
  assert.deepEqual(actual.groupFingerprint, expected.groupFingerprint);
  assert.deepEqual(actual.payload, expected.payload);
}

// ---------------------------------------------------------------------------------------------------------------
// fixed samples

const SAMPLE_MNEMONIC =
  'shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang wrist rescue view short owner flip making coding armed';

function slip39Sample(): Envelope {
  return {
    scheme: EnvelopeScheme.slip39,
    ceremonyId: ceremonyIdFromHex('00112233445566778899aabbccddeeff'),
    custodianIndex: 258,
    custodianLabel: 'Zoë – vault 2',
    groupFingerprint: sha256(new TextEncoder().encode('group public identity')),
    payload: encodeSlip39Payload(SAMPLE_MNEMONIC),
  };
}

function vssSample(): { envelope: Envelope; share: VssPayload } {
  const dealt = p256_FROST.trustedDealer({ min: 3, max: 5 });
  const secret = Object.values(dealt.secretShares)[1];
  assert.ok(secret);
  const share: VssPayload = {
    threshold: 3,
    shareCount: 5,
    identifier: Buffer.from(secret.identifier, 'hex'),
    signingShare: secret.signingShare,
    commitments: dealt.public.commitments,
  };
  const envelope: Envelope = {
    scheme: EnvelopeScheme.vssP256,
    ceremonyId: new Uint8Array(16).fill(0xa5),
    custodianIndex: 2,
    custodianLabel: 'Bob',
    groupFingerprint: sha256(dealt.public.commitments[0] as Uint8Array),
    payload: encodeVssPayload(EnvelopeScheme.vssP256, share),
  };
  return { envelope, share };
}

// ---------------------------------------------------------------------------------------------------------------

describe('envelope: binary form', () => {
  for (const scheme of ALL_SCHEMES) {
    it(`round-trips random envelopes of scheme ${scheme}`, () => {
      fc.assert(
        fc.property(envelopeArb(scheme), (e) => {
          const bytes = encodeEnvelope(e);
          assert.equal(bytes.length, 73 + utf8Length(e.custodianLabel) + e.payload.length);
          const back = decodeEnvelope(bytes);
          assertSameEnvelope(back, e);
          // the decoded envelope owns its bytes: wiping it leaves the input intact, and the reverse
          wipeEnvelope(back);
          assert.ok(back.payload.every((b) => b === 0));
          assert.deepEqual(decodeEnvelope(bytes).payload, e.payload);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('lays out the fields as documented (byte table in core/envelope.ts)', () => {
    const e = slip39Sample();
    const b = encodeEnvelope(e);
    const L = utf8Length(e.custodianLabel);
    const P = e.payload.length;
    assert.deepEqual([...b.subarray(0, 4)], [0x4b, 0x53, 1, 1]);
    assert.equal(hex(b.subarray(4, 20)), '00112233445566778899aabbccddeeff');
    assert.deepEqual([...b.subarray(20, 23)], [1, 2, L]);
    assert.equal(Buffer.from(b.subarray(23, 23 + L)).toString('utf8'), e.custodianLabel);
    assert.deepEqual(b.subarray(23 + L, 55 + L), e.groupFingerprint);
    assert.equal((b[55 + L]! << 8) | b[56 + L]!, P);
    assert.equal(Buffer.from(b.subarray(57 + L, 57 + L + P)).toString('ascii'), SAMPLE_MNEMONIC);
    assert.deepEqual(b.subarray(57 + L + P), sha256(b.subarray(0, 57 + L + P)).subarray(0, 16));
    assert.equal(b.length, 57 + L + P + 16);
  });

  it('carries every valid SLIP-39 mnemonic of the official vectors unchanged', () => {
    const vectors = JSON.parse(readFileSync(new URL('../../../shared/slip39/vectors.json', import.meta.url), 'utf8')) as [
      string,
      string[],
      string,
      string,
    ][];
    let carried = 0;
    for (const [, mnemonics, secretHex] of vectors) {
      if (secretHex === '') continue; // invalid-mnemonic vectors: not ours to judge
      for (const mnemonic of mnemonics) {
        const e: Envelope = { ...slip39Sample(), payload: encodeSlip39Payload(mnemonic) };
        const back = envelopeFromText(envelopeToText(e));
        assert.equal(decodeSlip39Payload(back.payload), mnemonic);
        carried++;
      }
    }
    assert.ok(carried > 20, `expected many valid mnemonics, got ${carried}`);
  });

  it('gives a VSS holder everything needed to verify their share years later (noble FROST)', () => {
    for (const [scheme, frost] of [
      [EnvelopeScheme.vssEd25519, ed25519_FROST],
      [EnvelopeScheme.vssSecp256k1, secp256k1_FROST],
      [EnvelopeScheme.vssP256, p256_FROST],
    ] as const) {
      const dealt = frost.trustedDealer({ min: 2, max: 3 });
      for (const secret of Object.values(dealt.secretShares)) {
        const e: Envelope = {
          scheme,
          ceremonyId: new Uint8Array(16),
          custodianIndex: 1,
          custodianLabel: 'holder',
          groupFingerprint: sha256(dealt.public.commitments[0] as Uint8Array),
          payload: encodeVssPayload(scheme, {
            threshold: 2,
            shareCount: 3,
            identifier: Buffer.from(secret.identifier, 'hex'),
            signingShare: secret.signingShare,
            commitments: dealt.public.commitments,
          }),
        };
        const back = envelopeFromText(envelopeToText(e, { groupSize: 4, groupsPerLine: 6 }));
        const p = decodeVssPayload(back.scheme, back.payload);
        assert.equal(p.threshold, 2);
        assert.equal(p.shareCount, 3);
        assert.deepEqual(sha256(p.commitments[0]!), back.groupFingerprint);
        const pub = { signers: { min: p.threshold, max: p.shareCount }, commitments: [...p.commitments], verifyingShares: {} };
        frost.validateSecret({ identifier: hex(p.identifier), signingShare: p.signingShare }, pub); // throws if invalid
        // and a share altered by one bit fails that check, so the test above can fail
        const altered = p.signingShare.slice();
        altered[5]! ^= 1;
        assert.throws(() => frost.validateSecret({ identifier: hex(p.identifier), signingShare: altered }, pub));
      }
    }
  });
});

describe('envelope: damage is always a typed error', () => {
  function flipRegions(e: Envelope): { lengthFieldBytes: Set<number> } {
    const L = utf8Length(e.custodianLabel);
    return { lengthFieldBytes: new Set([22, 55 + L, 56 + L]) };
  }

  for (const [name, make] of [
    ['slip39', slip39Sample],
    ['vss-p256', () => vssSample().envelope],
  ] as const) {
    it(`rejects every single-bit flip of a ${name} envelope (all bits)`, () => {
      const e = make();
      const bytes = encodeEnvelope(e);
      const { lengthFieldBytes } = flipRegions(e);
      const seen = new Map<string, number>();
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const damaged = bytes.slice();
        damaged[bit >> 3]! ^= 1 << (bit & 7);
        const err = catchKeyshard(() => decodeEnvelope(damaged));
        const byte = bit >> 3;
        if (lengthFieldBytes.has(byte)) {
          // a length that grows points past the end (incomplete); one that shrinks leaves bytes the checksum rejects
          assert.ok(err.code === 'ENVELOPE_TRUNCATED' || err.code === 'ENVELOPE_CHECKSUM', `byte ${byte}: ${err.code}`);
        } else {
          assert.equal(err.code, 'ENVELOPE_CHECKSUM', `bit ${bit} (byte ${byte}) gave ${err.code}`);
        }
        seen.set(err.code, (seen.get(err.code) ?? 0) + 1);
      }
      assert.ok((seen.get('ENVELOPE_TRUNCATED') ?? 0) > 0, 'a grown length field must read as incomplete');
    });
  }

  it('rejects every truncation of the binary form as incomplete', () => {
    const bytes = encodeEnvelope(slip39Sample());
    for (let n = 0; n < bytes.length; n++) expectCode(() => decodeEnvelope(bytes.subarray(0, n)), 'ENVELOPE_TRUNCATED');
  });

  it('rejects every truncation of the text form as incomplete', () => {
    const text = envelopeToText(vssSample().envelope);
    for (let n = 0; n < text.length; n++) expectCode(() => envelopeFromText(text.slice(0, n)), 'ENVELOPE_TRUNCATED');
  });

  it('rejects every single-character substitution in the text form', () => {
    const text = envelopeToText(slip39Sample());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    for (let i = 3; i < text.length; i++) {
      const replacement = alphabet[(alphabet.indexOf(text[i]!) + 1 + (i % 31)) % 32]!;
      const mutated = text.slice(0, i) + replacement + text.slice(i + 1);
      const err = catchKeyshard(() => envelopeFromText(mutated));
      assert.ok(['ENVELOPE_CHECKSUM', 'ENVELOPE_TRUNCATED'].includes(err.code), `position ${i}: ${err.code}`);
    }
  });

  it('rejects random bit flips in random envelopes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_SCHEMES).chain(envelopeArb), fc.nat(), (e, r) => {
        const bytes = encodeEnvelope(e);
        const bit = r % (bytes.length * 8);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        const err = catchKeyshard(() => decodeEnvelope(bytes));
        assert.ok(['ENVELOPE_CHECKSUM', 'ENVELOPE_TRUNCATED'].includes(err.code));
      }),
      { numRuns: 300 },
    );
  });

  it('tells a newer format version (intact) from a damaged version byte', () => {
    const bytes = encodeEnvelope(slip39Sample());
    for (const version of [0, 2, 7, 255]) {
      const edited = bytes.slice();
      edited[2] = version;
      const err = expectCode(() => decodeEnvelope(resealed(edited)), 'ENVELOPE_VERSION');
      assert.equal(err.details?.['version'], version);
      assert.match(err.message, /newer/);
      expectCode(() => decodeEnvelope(edited), 'ENVELOPE_CHECKSUM');
    }
  });

  it('reports a scheme it does not know as needing a newer keyshard', () => {
    const edited = encodeEnvelope(slip39Sample());
    edited[3] = 9;
    const err = expectCode(() => decodeEnvelope(resealed(edited)), 'ENVELOPE_VERSION');
    assert.equal(err.details?.['scheme'], 9);
  });

  it('rejects other magic and other files as not a shard', () => {
    const edited = encodeEnvelope(slip39Sample());
    edited[0] = 0x58;
    edited[1] = 0x58;
    expectCode(() => decodeEnvelope(resealed(edited)), 'ENVELOPE_FORMAT');
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    expectCode(() => decodeEnvelope(png), 'ENVELOPE_FORMAT');
    expectCode(() => decodeEnvelope(Uint8Array.of(0x4b)), 'ENVELOPE_TRUNCATED');
    expectCode(() => decodeEnvelope(Uint8Array.of(0x4c)), 'ENVELOPE_FORMAT');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (junk) => {
        fc.pre(!(junk[0] === 0x4b && (junk.length < 2 || junk[1] === 0x53)));
        expectCode(() => decodeEnvelope(junk), 'ENVELOPE_FORMAT');
      }),
      { numRuns: 200 },
    );
  });

  it('rejects trailing bytes after an intact envelope', () => {
    const bytes = encodeEnvelope(slip39Sample());
    for (const extra of [[0], [0x4b, 0x53], Array(40).fill(7)]) {
      expectCode(() => decodeEnvelope(Uint8Array.of(...bytes, ...extra)), 'ENVELOPE_FORMAT');
    }
    expectCode(() => envelopeFromText(`${envelopeToText(slip39Sample())}A`), 'ENVELOPE_FORMAT');
    expectCode(() => envelopeFromText(`${envelopeToText(slip39Sample())}AAAAAAAA`), 'ENVELOPE_FORMAT');
  });

  it('rejects sealed envelopes whose fields break the format rules (a foreign or buggy writer)', () => {
    const e = slip39Sample();
    const bytes = encodeEnvelope(e);
    const L = utf8Length(e.custodianLabel);
    const badUtf8 = bytes.slice();
    badUtf8[23] = 0xff;
    expectCode(() => decodeEnvelope(resealed(badUtf8)), 'ENVELOPE_FORMAT');
    const control = bytes.slice();
    control[23] = 0x0a;
    expectCode(() => decodeEnvelope(resealed(control)), 'ENVELOPE_FORMAT');
    const upperWord = bytes.slice();
    upperWord[57 + L] = 0x53; // 'S': mnemonics are lowercase
    expectCode(() => decodeEnvelope(resealed(upperWord)), 'ENVELOPE_FORMAT');
    const asVss = bytes.slice();
    asVss[3] = EnvelopeScheme.vssEd25519; // words are not a VSS share
    expectCode(() => decodeEnvelope(resealed(asVss)), 'ENVELOPE_FORMAT');
  });
});

describe('envelope: text form', () => {
  for (const scheme of ALL_SCHEMES) {
    it(`round-trips scheme ${scheme} through compact and paper layouts`, () => {
      fc.assert(
        fc.property(envelopeArb(scheme), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 12 }), (e, groupSize, groupsPerLine) => {
          const compact = envelopeToText(e);
          assert.match(compact, /^KS1[A-Z2-7]+$/);
          assertSameEnvelope(envelopeFromText(compact), e);
          const paper = envelopeToText(e, { groupSize, groupsPerLine });
          assert.match(paper, /^KS1 [A-Z2-7 \n]+$/);
          assert.equal(paper.replace(/\s/g, ''), compact);
          assertSameEnvelope(envelopeFromText(paper), e);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('tolerates any case, spaces, tabs and line breaks anywhere', () => {
    const e = vssSample().envelope;
    const compact = envelopeToText(e);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('', '', '', ' ', '  ', '\n', '\r\n', '\t')), {
          minLength: compact.length,
          maxLength: compact.length,
        }),
        fc.constantFrom('', ' ', '\n'),
        (edits, lead) => {
          const messy = lead + [...compact].map((ch, i) => (edits[i]![0] ? ch.toLowerCase() : ch) + edits[i]![1]).join('');
          assertSameEnvelope(envelopeFromText(messy), e);
        },
      ),
      { numRuns: 100 },
    );
    assertSameEnvelope(envelopeFromText(compact.toLowerCase()), e);
  });

  it('rejects characters outside the alphabet and says where they are', () => {
    const compact = envelopeToText(slip39Sample());
    for (const bad of ['0', '1', '8', '9', '!', '=', '-', 'É', '\u0000']) {
      const at = 40;
      const text = `${compact.slice(0, at)}${bad}${compact.slice(at + 1)}`;
      const err = expectCode(() => envelopeFromText(text), 'ENVELOPE_FORMAT');
      assert.equal(err.details?.['position'], at + 1);
    }
    // the position counts the text as given, spaces included
    const paper = envelopeToText(slip39Sample(), { groupSize: 5, groupsPerLine: 4 });
    const i = paper.indexOf('\n') + 3;
    const err = expectCode(() => envelopeFromText(`${paper.slice(0, i)}0${paper.slice(i + 1)}`), 'ENVELOPE_FORMAT');
    assert.equal(err.details?.['position'], i + 1);
  });

  it('rejects a missing or different prefix', () => {
    const compact = envelopeToText(slip39Sample());
    expectCode(() => envelopeFromText(compact.slice(3)), 'ENVELOPE_FORMAT');
    expectCode(() => envelopeFromText(`KS2${compact.slice(3)}`), 'ENVELOPE_FORMAT');
    expectCode(() => envelopeFromText('hello world'), 'ENVELOPE_FORMAT');
    expectCode(() => envelopeFromText('X'), 'ENVELOPE_FORMAT');
    expectCode(() => envelopeFromText(''), 'ENVELOPE_TRUNCATED');
  });

  it('rejects a last character with bits no encoder sets', () => {
    const compact = envelopeToText(slip39Sample());
    const L = utf8Length(slip39Sample().custodianLabel);
    const length = 73 + L + encodeSlip39Payload(SAMPLE_MNEMONIC).length;
    assert.notEqual((length * 8) % 5, 0, 'sample must leave unused bits in its last character');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const last = alphabet.indexOf(compact.at(-1)!);
    const text = compact.slice(0, -1) + alphabet[last | 1]!;
    assert.notEqual(text, compact);
    expectCode(() => envelopeFromText(text), 'ENVELOPE_CHECKSUM');
  });
});

describe('envelope: writer checks its input', () => {
  const ok = slip39Sample();
  const cases: [string, Partial<Envelope>][] = [
    ['empty label', { custodianLabel: '' }],
    ['65-byte label', { custodianLabel: 'é'.repeat(32) + 'x' }],
    ['label with a line break', { custodianLabel: 'Alice\nBob' }],
    ['label with a lone surrogate', { custodianLabel: 'A\ud800' }],
    ['label not in NFC', { custodianLabel: 'Zoe\u0308' }],
    ['short ceremony id', { ceremonyId: new Uint8Array(15) }],
    ['short fingerprint', { groupFingerprint: new Uint8Array(31) }],
    ['negative index', { custodianIndex: -1 }],
    ['index above u16', { custodianIndex: 65536 }],
    ['fractional index', { custodianIndex: 1.5 }],
    ['unknown scheme', { scheme: 9 as never }],
    ['VSS scheme with words', { scheme: EnvelopeScheme.vssEd25519 }],
  ];
  for (const [name, change] of cases) {
    it(`rejects ${name}`, () => {
      expectCode(() => encodeEnvelope({ ...ok, ...change }), 'INVALID_ARGUMENT');
    });
  }

  it('accepts a label of exactly 64 bytes and index 65535', () => {
    const e = { ...ok, custodianLabel: 'é'.repeat(32), custodianIndex: 65535 };
    assertSameEnvelope(decodeEnvelope(encodeEnvelope(e)), e);
  });

  it('normalises SLIP-39 mnemonics and rejects what is not lowercase words', () => {
    const messy = `  ${SAMPLE_MNEMONIC.toUpperCase().split(' ').join('  \n')} `;
    assert.equal(decodeSlip39Payload(encodeSlip39Payload(messy)), SAMPLE_MNEMONIC);
    for (const bad of ['', 'too few words', `${SAMPLE_MNEMONIC} caf\u00e9`, `${SAMPLE_MNEMONIC} 42`]) {
      expectCode(() => encodeSlip39Payload(bad), 'INVALID_ARGUMENT');
    }
  });

  it('checks VSS share shapes', () => {
    const { share } = vssSample();
    const scheme = EnvelopeScheme.vssP256;
    for (const bad of [
      { ...share, threshold: 1, commitments: share.commitments.slice(0, 1) },
      { ...share, shareCount: 2 },
      { ...share, identifier: new Uint8Array(32) },
      { ...share, signingShare: new Uint8Array(31) },
      { ...share, commitments: share.commitments.slice(0, 2) },
      { ...share, commitments: share.commitments.map((c) => Uint8Array.of(4, ...c.subarray(1))) },
    ]) {
      expectCode(() => encodeVssPayload(scheme, bad), 'INVALID_ARGUMENT');
    }
    expectCode(() => encodeVssPayload(EnvelopeScheme.vssEd25519, share), 'INVALID_ARGUMENT'); // 33-byte points
    expectCode(() => encodeVssPayload(EnvelopeScheme.slip39, share), 'INVALID_ARGUMENT');
    expectCode(() => decodeVssPayload(scheme, new Uint8Array(10)), 'ENVELOPE_FORMAT');
    assert.equal(vssScheme('secp256k1'), EnvelopeScheme.vssSecp256k1);
  });

  it('round-trips VSS payload fields', () => {
    for (const scheme of VSS_SCHEMES) {
      fc.assert(
        fc.property(vssPayloadArb(scheme), (p) => {
          const back = decodeVssPayload(scheme, encodeVssPayload(scheme, p));
          assert.equal(back.threshold, p.threshold);
          assert.equal(back.shareCount, p.shareCount);
          assert.deepEqual(back.identifier, p.identifier);
          assert.deepEqual(back.signingShare, p.signingShare);
          assert.deepEqual(back.commitments, p.commitments);
          assert.equal(back.commitments[0]!.length, elementLength(scheme));
        }),
        { numRuns: 50 },
      );
    }
  });

  it('makes ceremony ids from the injected random source and shows them as hex', () => {
    const id = newCeremonyId((n) => new Uint8Array(n).map((_, i) => i * 17));
    assert.equal(ceremonyIdToHex(id), '00112233445566778899aabbccddeeff');
    assert.deepEqual(ceremonyIdFromHex('00112233445566778899AABBCCDDEEFF'), id);
    expectCode(() => ceremonyIdFromHex('0011'), 'INVALID_HEX');
    expectCode(() => newCeremonyId((n) => new Uint8Array(n - 1)), 'INTERNAL');
  });

  it('describes an envelope without its payload', () => {
    const e = slip39Sample();
    const summary = describeEnvelope(e);
    assert.deepEqual(summary, {
      formatVersion: 1,
      scheme: 'slip39',
      ceremonyId: '00112233445566778899aabbccddeeff',
      custodianIndex: 258,
      custodianLabel: 'Zoë – vault 2',
      groupFingerprint: hex(e.groupFingerprint),
      payloadLength: SAMPLE_MNEMONIC.length,
    });
    assert.ok(!JSON.stringify(summary).includes('shadow'));
  });
});

describe('envelope: error messages never carry the secret', () => {
  it('no payload hex, base32 or words in any message or details, across all damage kinds', () => {
    const samples = [slip39Sample(), vssSample().envelope];
    const errors: KeyshardError[] = [];
    for (const e of samples) {
      const bytes = encodeEnvelope(e);
      const text = envelopeToText(e);
      for (let bit = 0; bit < bytes.length * 8; bit += 3) {
        const d = bytes.slice();
        d[bit >> 3]! ^= 1 << (bit & 7);
        errors.push(catchKeyshard(() => decodeEnvelope(d)));
        try {
          decodeEnvelope(resealed(d)); // resealed edits of ids or letters can be valid envelopes
        } catch (err) {
          assert.ok(err instanceof KeyshardError);
          errors.push(err);
        }
      }
      for (let n = 0; n < bytes.length; n += 7) errors.push(catchKeyshard(() => decodeEnvelope(bytes.subarray(0, n))));
      for (let i = 3; i < text.length; i += 5) {
        errors.push(catchKeyshard(() => envelopeFromText(`${text.slice(0, i)}0${text.slice(i + 1)}`)));
        const other = text[i] === 'A' ? 'B' : 'A';
        errors.push(catchKeyshard(() => envelopeFromText(`${text.slice(0, i)}${other}${text.slice(i + 1)}`)));
      }
      errors.push(catchKeyshard(() => envelopeFromText(`${text}B`)));
    }
    errors.push(catchKeyshard(() => encodeSlip39Payload(`${SAMPLE_MNEMONIC} 42`)));
    errors.push(catchKeyshard(() => encodeEnvelope({ ...slip39Sample(), scheme: EnvelopeScheme.vssEd25519 })));

    assert.ok(errors.length > 500);
    const secretHex = samples.map((e) => hex(e.payload));
    const longWords = SAMPLE_MNEMONIC.split(' ').filter((w) => w.length >= 6);
    for (const err of errors) {
      const said = `${err.message} ${JSON.stringify(err.details ?? {})}`;
      const lower = said.toLowerCase();
      for (const h of secretHex) {
        for (let i = 0; i + 16 <= h.length; i += 2) assert.ok(!lower.includes(h.slice(i, i + 16)), `payload hex leaked: ${said}`);
      }
      for (const w of longWords) assert.ok(!lower.includes(w), `mnemonic word leaked: ${said}`);
      assert.doesNotMatch(said, /[A-Z2-7]{10,}/, `base32 leaked: ${said}`);
      assert.ok(err.message.length > 30 && /\./.test(err.message), 'messages are sentences that say what to do');
    }
  });
});
