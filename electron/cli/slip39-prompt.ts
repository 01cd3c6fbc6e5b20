/**
 * SLIP-39 shares typed at a terminal, word by word: each word hidden and completed from its first letters, each share
 * checked as soon as it is complete (a bad one is typed again, named by position only), and after each share the
 * progress per group (core's Slip39Recovery), until enough groups are complete.
 */
import { belowThresholdError, Slip39Recovery, WORDLIST } from '../../core/slip39/index';
import type { CliTerminal } from './terminal';

/** The word the letters typed name: itself, or the only word that starts with them. */
export function completeSlip39Word(typed: string): { word: string } | { problem: string } {
  if (WORDLIST.includes(typed)) return { word: typed };
  const matches = WORDLIST.filter((w) => w.startsWith(typed));
  if (matches.length === 1) return { word: matches[0]! };
  if (matches.length === 0) return { problem: 'is not the start of any SLIP-39 word; type this word again.' };
  return { problem: `could be ${matches.length} words; type more of this word.` };
}

const WORD_COUNTS = [20, 33] as const;

async function wordsPerShare(t: CliTerminal): Promise<number> {
  for (;;) {
    const answer = await t.ask('Words per share, 20 or 33 [20]: ');
    if (answer === '') return 20;
    const n = Number(answer);
    if ((WORD_COUNTS as readonly number[]).includes(n)) return n;
    t.say('A SLIP-39 share has 20 words (128-bit secret) or 33 words (256-bit).');
  }
}

function progressLines(state: Slip39Recovery): string[] {
  const p = state.progress();
  const lines = p.groups
    .filter((g) => g.membersInHand > 0)
    .map((g) => `  Group ${g.groupIndex + 1}: ${g.membersInHand} of ${g.memberThreshold} shares${g.complete ? ', complete' : ''}`);
  if (p.groupThreshold !== null) lines.unshift(`Groups complete: ${p.groupsComplete} of the ${p.groupThreshold} needed.`);
  if (!p.canCombine) lines.push(belowThresholdError(p).message);
  return lines;
}

/** Asks for shares until they can be combined; the caller combines and clears the state. */
export async function promptShares(t: CliTerminal): Promise<Slip39Recovery> {
  t.say('Type each share word by word. Letters are not shown; a word is completed from its first letters (Space or Enter).');
  const n = await wordsPerShare(t);
  const state = new Slip39Recovery();
  try {
    let share = 1;
    while (!state.progress().canCombine) {
      const words: string[] = [];
      for (let i = 1; i <= n; i++) words.push(await t.word(`Share ${share}, word ${i} of ${n}: `, completeSlip39Word));
      // Hints are not looked up: the person has the paper in front of them, and nothing here may name a word.
      const result = state.add(words.join(' '), share, { suggest: false });
      words.fill('');
      if (result.status === 'rejected') {
        t.say(`Share ${share} was not accepted (${result.error.code}): ${result.error.message} Type this share again.`);
        continue;
      }
      if (result.status === 'duplicate') t.say(`Share ${share} is one already typed; type another custodian's share.`);
      else t.say(`Share ${share} accepted.`);
      for (const line of progressLines(state)) t.say(line);
      share++;
    }
    return state;
  } catch (e) {
    state.clear();
    throw e;
  }
}
