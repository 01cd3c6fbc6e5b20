/**
 * Recover a key, in three steps on one route: what the key should be (transcript, typed fingerprint, or skip), the
 * shards one at a time (camera, typed words, files), and the result (fingerprint match, then show or save only where
 * the person chooses). Every shard and the secret live in main's recovery service; this screen holds public facts.
 * Leaving the screen (or starting again) asks main to wipe everything (recovery:clear).
 */
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../app/routes';
import { Shell } from '../components/Shell';
import { StepList } from '../components/StepList';
import { useT } from '../i18n';
import { recoveryApi, type FinishResponse } from './api';
import { CollectStep } from './CollectStep';
import { ExpectStep, type Expectation } from './ExpectStep';
import { ResultStep } from './ResultStep';
import { RECOVERY_FLOW, type RecoveryFlowStep } from './steps';

type Stage =
  | { readonly name: 'expect' }
  | { readonly name: 'collect'; readonly expectation: Expectation; readonly round: number }
  | { readonly name: 'result'; readonly expectation: Expectation; readonly result: FinishResponse };

export function RecoveryScreen() {
  const t = useT();
  const [stage, setStage] = useState<Stage>({ name: 'expect' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    // Nothing from an earlier visit (or a reloaded window) may linger in main; and nothing stays after this screen.
    void recoveryApi.clear();
    return () => void recoveryApi.clear();
  }, []);

  const restart = useCallback(() => {
    void recoveryApi.clear().then(() => {
      setRound((r) => r + 1);
      setStage({ name: 'expect' });
    });
  }, []);

  const done = useCallback(() => {
    void recoveryApi.clear().then(() => navigate('start'));
  }, []);

  let current: RecoveryFlowStep;
  let doneSteps: RecoveryFlowStep[];
  switch (stage.name) {
    case 'expect':
      current = 'expect';
      doneSteps = [];
      break;
    case 'collect':
      current = 'shards';
      doneSteps = ['expect'];
      break;
    case 'result':
      current = stage.result.verdict === 'mismatch' ? 'recover' : 'use';
      doneSteps = current === 'use' ? ['expect', 'shards', 'recover'] : ['expect', 'shards'];
      break;
  }

  return (
    <Shell
      purpose={t('recovery.purpose')}
      steps={<StepList title={t('recovery.steps')} steps={RECOVERY_FLOW.map((s) => ({ id: s.id, label: t(s.label) }))} current={current} done={doneSteps} />}
    >
      <div className="recovery" data-testid="recovery" data-stage={stage.name}>
        {stage.name === 'expect' ? <ExpectStep key={round} onStarted={(expectation) => setStage({ name: 'collect', expectation, round })} /> : null}
        {stage.name === 'collect' ? (
          <CollectStep
            key={stage.round}
            expectation={stage.expectation}
            onFinished={(result) => setStage({ name: 'result', expectation: stage.expectation, result })}
            onRestart={restart}
          />
        ) : null}
        {stage.name === 'result' ? <ResultStep result={stage.result} onRestart={restart} onDone={done} /> : null}
      </div>
    </Shell>
  );
}
