import { useCallback, useEffect, useState } from 'react';
import type { CeremonyPlan } from '../../core/policy';
import { initialForm, type PlanForm } from '../plan/planForm';
import { PlanScreen } from '../plan/PlanScreen';
import { CeremonyScreen } from '../ceremony/CeremonyScreen';
import { acceptPlan } from '../ceremony/planStore';
import { LifecycleScreen } from '../lifecycle/LifecycleScreen';
import { RecoveryScreen } from '../recovery/RecoveryScreen';
import { CustodyCheckScreen } from '../signing/CustodyCheckScreen';
import { DrillScreen } from '../signing/DrillScreen';
import { SignerScreen } from '../signing/SignerScreen';
import { SigningScreen } from '../signing/SigningScreen';
import { ComponentsScreen } from '../screens/ComponentsScreen';
import { NotFoundScreen } from '../screens/NotFoundScreen';
import { ResumeScreen } from '../screens/ResumeScreen';
import { StartScreen } from '../screens/StartScreen';
import { VerifyTranscriptScreen } from '../transcript/VerifyTranscriptScreen';
import { navigate, useRoute } from './routes';

/** The app: one screen per route. The plan being edited lives here so leaving the plan screen does not lose it. */
export function App() {
  const route = useRoute();
  const [form, setFormState] = useState<PlanForm>(initialForm);
  const [plan, setPlan] = useState<CeremonyPlan | null>(null);
  const setForm = useCallback((change: (f: PlanForm) => PlanForm) => setFormState(change), []);

  useEffect(() => {
    window.scrollTo(0, 0);
  }, [route]);

  switch (route.name) {
    case 'start':
      return <StartScreen />;
    case 'plan':
      return (
        <PlanScreen
          form={form}
          setForm={setForm}
          onAccept={(p) => {
            setPlan(p);
            acceptPlan(p);
            navigate('ceremony');
          }}
        />
      );
    case 'ceremony':
      return <CeremonyScreen plan={plan} />;
    case 'resume':
      return <ResumeScreen />;
    case 'verify':
      return <VerifyTranscriptScreen />;
    case 'recover':
      return <RecoveryScreen />;
    case 'refresh':
    case 'repair':
    case 'extend':
      return <LifecycleScreen key={route.name} kind={route.name} />;
    case 'sign':
      return <SigningScreen />;
    case 'signer':
      return <SignerScreen />;
    case 'custody':
      return <CustodyCheckScreen />;
    case 'drill':
      return <DrillScreen />;
    case 'components':
      return <ComponentsScreen />;
    case 'not-found':
      return <NotFoundScreen path={route.path} />;
  }
}
