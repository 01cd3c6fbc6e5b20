/**
 * Words to read aloud: a fingerprint or a final hash as a short sequence of Bytewords (BCR-2020-012, Blockchain
 * Commons), for witnesses who compare it by voice and for a recovery team who types it from paper.
 *
 * Why Bytewords and not the PGP word list: every Byteword is four letters and no two share their first and last
 * letter, so a word misheard in its middle is still one word and never another; they are plain English, and keyshard
 * already writes them (its QR codes are Bytewords URs), so there is one list, not two. The standard form carries its
 * own CRC-32, so a mistyped or misheard word is caught before anything is compared; the PGP list has no checksum.
 *
 * What is spoken: the first 16 bytes (128 bits, the part of the fingerprint read aloud as eight hex groups) as 16
 * words, then the Bytewords standard CRC-32 of those bytes as 4 more: 20 words, shown in five groups of four. The
 * same 20 words come out of any Bytewords decoder (`bytewords --in standard`), so the paper record can be checked
 * without keyshard. Typed back, the words give the 32 hex digits they stand for.
 */
import { crc32 } from './crc32';
import { KeyshardError } from './errors';

/** The 256 Bytewords in byte order (BCR-2020-012; test/core/read-aloud.test.ts checks them against bc-ur's encoder). */
const BYTEWORDS =
  'ableacidalsoapexaquaarchatomauntawayaxisbackbaldbarnbeltbetabiasbluebodybragbrewbulbbuzzcalmcashcatschefcityclawcode' +
  'colacookcostcruxcurlcuspcyandarkdatadaysdelidicedietdoordowndrawdropdrumdulldutyeacheasyechoedgeepicevenexamexiteyes' +
  'factfairfernfigsfilmfishfizzflapflewfluxfoxyfreefrogfuelfundgalagamegeargemsgiftgirlglowgoodgraygrimgurugushgyrohalf' +
  'hanghardhawkheathelphighhillholyhopehornhutsicedideaidleinchinkyintoirisironitemjadejazzjoinjoltjowljudojugsjumpjunk' +
  'jurykeepkenokeptkeyskickkilnkingkitekiwiknoblamblavalazyleaflegsliarlimplionlistlogoloudloveluaulucklungmainmanymath' +
  'mazememomenumeowmildmintmissmonknailnavyneednewsnextnoonnotenumbobeyoboeomitonyxopenovalowlspaidpartpeckplaypluspoem' +
  'poolposepuffpumapurrquadquizraceramprealredorichroadrockroofrubyruinrunsrustsafesagascarsetssilkskewslotsoapsolosong' +
  'stubsurfswantacotasktaxitenttiedtimetinytoiltombtoystriptunatwinuglyundouniturgeuservastveryvetovialvibeviewvisavoid' +
  'vowswallwandwarmwaspwavewaxywebswhatwhenwhizwolfworkyankyawnyellyogayurtzapszerozestzinczonezoom';

/** Bytes spoken: the first 128 bits, as many as the eight hex groups read aloud. */
export const SPOKEN_BYTES = 16;
const CRC_BYTES = 4;
/** Words in a spoken value: 16 for the bytes, 4 for their CRC-32. */
export const SPOKEN_WORDS = SPOKEN_BYTES + CRC_BYTES;
/** Words per group on screen and paper. */
export const WORDS_PER_GROUP = 4;

let wordIndex: Map<string, number> | undefined;

function byteword(b: number): string {
  return BYTEWORDS.slice(4 * b, 4 * b + 4);
}

function indexOfWord(word: string): number | undefined {
  if (wordIndex === undefined) {
    wordIndex = new Map();
    for (let b = 0; b < 256; b++) wordIndex.set(byteword(b), b);
  }
  return wordIndex.get(word);
}

function crcBytes(bytes: Uint8Array): number[] {
  const c = crc32(bytes);
  return [c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff];
}

function hexBytes(hex: string, n: number): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length < 2 * n) {
    throw new KeyshardError('INVALID_HEX', `A value to read aloud has at least ${2 * n} hex digits; this one has ${clean.length}.`);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The 20 words of a fingerprint or hash (hex, 32 digits or more; its first 32 are spoken), lower case. */
export function spokenWords(hex: string): string[] {
  const bytes = hexBytes(hex, SPOKEN_BYTES);
  return [...bytes, ...crcBytes(bytes)].map(byteword);
}

/** The words in groups of four for the screen and paper: "able acid also apex · …". */
export function spokenText(hex: string): string {
  const words = spokenWords(hex);
  const groups: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_GROUP) groups.push(words.slice(i, i + WORDS_PER_GROUP).join(' '));
  return groups.join(' · ');
}

/** Splits typed words: any spacing, dots, dashes or commas between them; any case. */
function typedWords(typed: string): string[] {
  return typed
    .toLowerCase()
    .split(/[\s.,;·\-_]+/)
    .filter((w) => w !== '');
}

/**
 * Whether typed text is the words form rather than hex: one of its words at least is a Byteword. No hex group can be
 * one (every Byteword has a letter beyond F), so hex with a stray letter stays hex and is refused as hex.
 */
export function looksLikeWords(typed: string): boolean {
  return typedWords(typed).some((w) => indexOfWord(w) !== undefined);
}

/**
 * The 32 hex digits (lower case) typed words stand for. Refuses, naming positions only (words are public, but an
 * error never repeats what was typed): a word that is not a Byteword (READ_ALOUD_WORD), the wrong number of words
 * (READ_ALOUD_LENGTH), and words whose CRC-32 does not hold (READ_ALOUD_CHECKSUM: a misheard or swapped word).
 */
export function parseSpokenWords(typed: string, what = 'value'): string {
  const words = typedWords(typed);
  const unknown: number[] = [];
  const bytes: number[] = [];
  words.forEach((w, i) => {
    const b = indexOfWord(w);
    if (b === undefined) unknown.push(i + 1);
    else bytes.push(b);
  });
  if (unknown.length > 0) {
    const which = unknown.length === 1 ? `Word ${unknown[0]} is` : `Words ${unknown.slice(0, 6).join(', ')}${unknown.length > 6 ? ', …' : ''} are`;
    throw new KeyshardError('READ_ALOUD_WORD', `${which} not on the read-aloud word list (Bytewords, four letters each). Check ${unknown.length === 1 ? 'it' : 'them'} against the paper record and type the ${what} again.`, {
      positions: unknown,
    });
  }
  if (words.length !== SPOKEN_WORDS) {
    throw new KeyshardError('READ_ALOUD_LENGTH', `The ${what} in words has ${SPOKEN_WORDS} words (five groups of four); ${words.length} were typed. Look for a missing or extra word.`, {
      words: words.length,
    });
  }
  const data = Uint8Array.from(bytes.slice(0, SPOKEN_BYTES));
  const stated = bytes.slice(SPOKEN_BYTES);
  const actual = crcBytes(data);
  if (stated.some((b, i) => b !== actual[i])) {
    throw new KeyshardError('READ_ALOUD_CHECKSUM', `The last four words of the ${what} do not match the others: a word was misheard, mistyped or two were swapped. Compare the words group by group with the paper record.`);
  }
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hex or words as typed -> hex: words become the 32 hex digits they stand for; anything else is returned as typed. */
export function hexFromTyped(typed: string, what?: string): string {
  return looksLikeWords(typed) ? parseSpokenWords(typed, what) : typed;
}
