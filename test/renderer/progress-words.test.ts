// Recovery progress in German is said from main's numbers; English keeps main's sentences (renderer/recovery/progressWords).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressWords } from '../../renderer/recovery/progressWords';
import type { RecoveryProgress } from '../../renderer/recovery/api';

const twoGroups: RecoveryProgress = {
  scheme: 'slip39',
  shards: 3,
  groupThreshold: 2,
  groupCount: 3,
  groupsComplete: 1,
  groupsNeeded: 1,
  groups: [
    { group: 1, have: 2, threshold: 2, needed: 0, complete: true },
    { group: 2, have: 1, threshold: 2, needed: 1, complete: false },
    { group: 3, have: 0, threshold: 3, needed: 3, complete: false },
  ],
  canFinish: false,
  sentences: ['Group 1: complete (2 of 2 in hand).', 'Group 2: 1 more needed (1 of 2 in hand).', 'Group 3: no shards yet.'],
  summary: '2 of 3 groups must be complete and 1 is: 1 more group needed (group 2 needs 1 more).',
};

describe('recovery progress words', () => {
  it('English: main’s own sentences', () => {
    assert.deepEqual(progressWords(twoGroups, 'en'), { summary: twoGroups.summary, sentences: twoGroups.sentences });
  });

  it('German: every group and the summary from the numbers, no English left', () => {
    const w = progressWords(twoGroups, 'de');
    assert.deepEqual(w.sentences, [
      'Gruppe 1: vollständig (2 von 2 liegen vor).',
      'Gruppe 2: 1 weitere nötig (1 von 2 liegen vor).',
      'Gruppe 3: noch keine Anteile.',
    ]);
    assert.equal(w.summary, '2 von 3 Gruppen müssen vollständig sein; vollständig: 1. Noch 1 Gruppe nötig.');
  });

  it('German: one group counts shares, plural by count; enough says so; none yet', () => {
    const one: RecoveryProgress = {
      ...twoGroups,
      groupThreshold: 1,
      groupCount: 1,
      groups: [{ group: 1, have: 1, threshold: 3, needed: 2, complete: false }],
    };
    assert.equal(progressWords(one, 'de').summary, 'Noch 2 Anteile nötig (1 von 3 liegen vor).');
    assert.equal(progressWords(one, 'de').sentences[0], 'Anteile: 2 weitere nötig (1 von 3 liegen vor).');
    const oneMore = { ...one, groups: [{ group: 1, have: 2, threshold: 3, needed: 1, complete: false }] };
    assert.equal(progressWords(oneMore, 'de').summary, 'Noch 1 Anteil nötig (2 von 3 liegen vor).');
    assert.equal(progressWords({ ...one, canFinish: true }, 'de').summary, 'Genug Anteile liegen vor: Stellen Sie den Schlüssel jetzt wieder her.');
    assert.equal(progressWords({ ...one, groups: [], groupThreshold: null, groupCount: null }, 'de').summary, 'Noch kein Anteil. Fügen Sie die Anteile einen nach dem anderen hinzu.');
  });
});
