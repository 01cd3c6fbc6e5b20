import { ErrorPanel } from '../components/ErrorPanel';
import { ProgressBar } from '../components/ProgressBar';
import { SecretBanner } from '../components/SecretBanner';
import { ScreenTitle, Shell } from '../components/Shell';
import { CEREMONY_STEPS, StepList } from '../components/StepList';

/**
 * The shared building blocks in one place (#/components, not linked from any screen): for design review and
 * screenshots of components that no finished screen shows yet (the secret banner is for the handoff screens).
 */
export function ComponentsScreen() {
  return (
    <Shell
      purpose="Building blocks of the keyshard screens (for review)"
      steps={
        <StepList
          title="Key ceremony"
          steps={CEREMONY_STEPS}
          current="handoff"
          custodians={[
            { id: 'a', name: 'Alice Meier', state: 'confirmed' },
            { id: 'b', name: 'Bruno Keller', state: 'handed-off' },
            { id: 'c', name: 'Chiara Rossi', state: 'waiting' },
          ]}
        />
      }
    >
      <ScreenTitle>Building blocks</ScreenTitle>
      <SecretBanner custodian="Bruno Keller" />
      <ErrorPanel
        title="The shard could not be written"
        error={{
          code: 'USB_NO_SPACE',
          message: 'The USB drive is full: the shard file needs 4 KB and the drive has 0 bytes free.',
          todo: 'Use another USB drive, or delete files from this one, then press "Write again".',
        }}
      />
      <section className="panel">
        <h2>Progress</h2>
        <ProgressBar fraction={0.42} label="Example progress" testId="example-progress" />
        <ProgressBar fraction={1} label="Example complete" testId="example-complete" complete />
      </section>
      <section className="panel">
        <h2>Buttons</h2>
        <div className="actions" style={{ marginTop: 0 }}>
          <button type="button" className="button">
            Continue
          </button>
          <button type="button" className="button secondary">
            Save
          </button>
          <button type="button" className="button danger">
            Remove
          </button>
          <button type="button" className="button" disabled>
            Not yet
          </button>
        </div>
      </section>
    </Shell>
  );
}
