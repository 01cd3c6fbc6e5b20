import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalize, canonicalizePretty, MAX_DEPTH } from '../../core/canonical-json';
import { KeyshardError } from '../../core/errors';

const rejects = (value: unknown, label: string): void =>
  assert.throws(() => canonicalize(value), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT', label);

/** Member names of a canonical object text, in the order written (a regex, not JSON.parse, which reorders "1"). */
function memberValuesInOrder(text: string): string[] {
  return [...text.matchAll(/:"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
}

describe('canonical JSON (RFC 8785): published examples', () => {
  it('writes the RFC 8785 section 3.2.2 example (its string and literals; its floats are outside our subset)', () => {
    // RFC 8785 section 3.2.2 sample input with the "numbers" member removed, and the RFC's output likewise.
    const input = JSON.parse(String.raw`{
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    assert.equal(canonicalize(input), String.raw`{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
    // The full sample carries non-integer numbers, which keyshard refuses rather than formats.
    rejects(JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}'), 'RFC floats');
  });

  it('sorts members by UTF-16 code units: RFC 8785 section 3.2.3 example', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const out = canonicalize(input);
    // The order the RFC lists for this example.
    assert.deepEqual(memberValuesInOrder(out), [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    assert.equal(
      out,
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('leaves Unicode unnormalized and writes it as UTF-8: RFC 8785 section 3.2.4 example', () => {
    const out = canonicalize(JSON.parse(String.raw`{"Unnormalized Unicode":"A\u030a"}`));
    // Bytes as listed in the RFC.
    const expected = '7b 22 55 6e 6e 6f 72 6d 61 6c 69 7a 65 64 20 55 6e 69 63 6f 64 65 22 3a 22 41 cc 8a 22 7d';
    assert.equal(Buffer.from(out, 'utf8').toString('hex').match(/../g)!.join(' '), expected);
  });

  // Inputs and outputs from the RFC author's test data, github.com/cyberphone/json-canonicalization, testdata/.
  const cyberphone: { name: string; input: string; output: string }[] = [
    {
      name: 'weird.json',
      input: String.raw`{"\u20ac": "Euro Sign", "1": "One", "\u0080": "Control\u007f", "\ud83d\ude02": "Smiley",
        "\u00f6": "Latin Small Letter O With Diaeresis", "\ufb33": "Hebrew Letter Dalet With Dagesh", "</script>": "Browser Challenge"}`,
      output:
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    },
    {
      name: 'french.json',
      input: '{"peach": "This sorting order", "péché": "is wrong according to French", "pêche": "but canonicalization MUST", "sin":   "ingnore locale"}',
      output: '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    },
    {
      name: 'structures.json',
      input: '{"1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { }, "111": [ { } ], "A": { }}',
      output: '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}',
    },
    { name: 'simpleString.json', input: '    "this is a test string 1235"', output: '"this is a test string 1235"' },
    { name: 'unicode.json', input: String.raw`{"Unnormalized Unicode":"\u1e0d\u0307"}`, output: '{"Unnormalized Unicode":"\u1e0d\u0307"}' },
  ];
  for (const c of cyberphone) {
    it(`matches the reference test data ${c.name}`, () => assert.equal(canonicalize(JSON.parse(c.input)), c.output));
  }
});

describe('canonical JSON: rules', () => {
  it('escapes exactly the characters RFC 8785 escapes', () => {
    for (let c = 0; c < 0x20; c++) {
      const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      const expected = short[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
      assert.equal(canonicalize(String.fromCharCode(c)), `"${expected}"`, `U+${c.toString(16)}`);
    }
    assert.equal(canonicalize('"\\'), '"\\"\\\\"');
    // Not escaped: DEL, C1 controls, '/', '<', U+2028, astral characters.
    for (const s of ['\u007f', '\u0085', '/', '</script>', '\u2028', '\u{1f600}', 'é']) assert.equal(canonicalize(s), `"${s}"`, s);
  });

  it('sorts keys by UTF-16 code units, not by number or by code point', () => {
    assert.equal(canonicalize({ b: 1, 10: 2, 9: 3, a: 4 }), '{"10":2,"9":3,"a":4,"b":1}');
    // U+10000 is D800 DC00 in UTF-16, so it sorts before U+E000 (a code-point or UTF-8 sort would differ).
    assert.equal(canonicalize({ '\uE000': 2, '\u{10000}': 1 }), '{"\u{10000}":1,"\uE000":2}');
    assert.equal(canonicalize({ B: 1, a: 2, A: 3 }), '{"A":3,"B":1,"a":2}');
  });

  it('writes integers in shortest form and negative zero as 0', () => {
    assert.equal(canonicalize([0, -0, 1, -1, 1e3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]), '[0,0,1,-1,1000,9007199254740991,-9007199254740991]');
  });

  it('refuses what it would have to change or guess', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    const cases: [unknown, string][] = [
      [1.5, 'fraction'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [2 ** 53, 'unsafe integer'],
      [-(2 ** 53), 'unsafe negative integer'],
      [1e21, 'huge'],
      [undefined, 'undefined'],
      [{ a: undefined }, 'undefined member'],
      [[1, undefined], 'undefined element'],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3], 'sparse array'],
      [() => 1, 'function'],
      [Symbol('x'), 'symbol'],
      [10n, 'bigint'],
      [new Date(0), 'Date'],
      [new Map(), 'Map'],
      [new Uint8Array(2), 'Uint8Array'],
      [new (class Point {})(), 'class instance'],
      [{ [Symbol('k')]: 1 }, 'symbol key'],
      ['\ud800', 'lone high surrogate'],
      ['a\udc00b', 'lone low surrogate'],
      [{ '\ud800': 1 }, 'lone surrogate in a key'],
      [cyclic, 'cycle'],
      [deep, 'too deep'],
    ];
    for (const [v, label] of cases) rejects(v, label);
  });

  it('accepts the deepest allowed nesting, repeated (non-cyclic) references and null-prototype objects', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i++) deep = [deep];
    assert.equal(canonicalize(deep), `${'['.repeat(MAX_DEPTH)}1${']'.repeat(MAX_DEPTH)}`);
    const shared = { x: 1 };
    assert.equal(canonicalize({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
    const bare = Object.create(null) as Record<string, unknown>;
    bare['z'] = true;
    bare['__proto__'] = null;
    assert.equal(canonicalize(bare), '{"__proto__":null,"z":true}');
  });

  it('names the place of a refused value without echoing it', () => {
    assert.throws(
      () => canonicalize({ outer: { list: [1, 2.25] } }),
      (e: unknown) => e instanceof KeyshardError && e.message.includes('.outer.list[1]') && !e.message.includes('2.25'),
    );
  });

  it('lays out the same content for people with canonicalizePretty', () => {
    const v = { b: [1, { d: 'x', c: [] }], a: {}, '10': null };
    assert.equal(canonicalizePretty(v), '{\n  "10": null,\n  "a": {},\n  "b": [\n    1,\n    {\n      "c": [],\n      "d": "x"\n    }\n  ]\n}');
    assert.equal(canonicalizePretty(v, 2, '    ').split('\n').at(-1), '    }');
  });
});

// JSON values inside the subset: safe integers, well-formed strings (any code point), nesting.
const jsonKey = fc.string({ unit: 'binary', maxLength: 6 });
const jsonLeaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'a', '\u{1f600}'), maxLength: 8 }),
);
const { json: jsonValue } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, fc.array(tie('json'), { maxLength: 4 }), fc.dictionary(jsonKey, tie('json'), { maxKeys: 4, noNullPrototype: true })),
}));

/** An independent writer: JSON.stringify for leaves (ES2019 well-formed output equals JCS for these), sorted keys. */
function oracle(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(oracle).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${oracle((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The same value with every object's members inserted in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).reverse()) Object.defineProperty(out, k, { value: reversedKeys((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

describe('canonical JSON: properties', () => {
  it('is a fixed point: canonicalize(JSON.parse(canonicalize(x))) == canonicalize(x), and parsing gives x back', () => {
    fc.assert(
      fc.property(jsonValue, (x) => {
        const c = canonicalize(x);
        assert.equal(canonicalize(JSON.parse(c)), c);
        assert.deepStrictEqual(JSON.parse(c), x);
      }),
      { numRuns: 400 },
    );
  });

  it('does not depend on the order members were inserted', () => {
    fc.assert(
      fc.property(jsonValue, (x) => {
        assert.equal(canonicalize(reversedKeys(x)), canonicalize(x));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with an independent writer, and the pretty form holds the same value', () => {
    fc.assert(
      fc.property(jsonValue, (x) => {
        const c = canonicalize(x);
        assert.equal(c, oracle(x));
        assert.ok(!/[\s]/.test(c.replace(/"(?:[^"\\]|\\.)*"/g, '')), 'no whitespace between tokens');
        assert.deepStrictEqual(JSON.parse(canonicalizePretty(x)), JSON.parse(c));
      }),
      { numRuns: 400 },
    );
  });
});
