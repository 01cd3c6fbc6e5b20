import { KEY_CURVES, type KeyCurve } from '../../core/policy';
import { NumberField, RadioGroup, SectionProblems, SelectField } from './formKit';
import { CURVE_LABELS, type SecretChoice } from './planForm';
import type { SectionProps } from './types';

const SECRET_CHOICES: readonly { value: SecretChoice; label: string }[] = [
  { value: 'new-key', label: 'Make a new signing key' },
  { value: 'new-seed', label: 'Make a new seed' },
  { value: 'import', label: 'Import an existing secret' },
];

const CURVES = KEY_CURVES.map((c) => ({ value: c, label: CURVE_LABELS[c] }));

export function SecretSection({ form, update }: SectionProps) {
  return (
    <fieldset id="section-secret" tabIndex={-1} data-testid="section-secret">
      <legend>1. The secret</legend>
      <RadioGroup
        path="secret.type"
        label="What will the ceremony split?"
        value={form.secretType}
        options={SECRET_CHOICES}
        onChange={(v) => update((f) => ({ ...f, secretType: v }))}
      />
      {form.secretType === 'new-key' ? (
        <RadioGroup
          path="secret.curve"
          label="Key type"
          value={form.keyCurve}
          options={CURVES}
          onChange={(v) => update((f) => ({ ...f, keyCurve: v, ciphersuite: v }))}
        />
      ) : null}
      {form.secretType === 'new-seed' ? (
        <RadioGroup
          path="secret.bits"
          label="Seed length"
          value={form.seedBits}
          options={[
            { value: '128', label: '128 bits (20-word shares)' },
            { value: '256', label: '256 bits (33-word shares)' },
          ]}
          onChange={(v) => update((f) => ({ ...f, seedBits: v }))}
        />
      ) : null}
      {form.secretType === 'import' ? (
        <>
          <p className="notice" data-testid="import-notice">
            The plan records only what kind of secret it is and how long. The secret itself is entered during the
            ceremony, on the air-gapped machine, and never goes into this plan.
          </p>
          <div className="row">
            <SelectField<KeyCurve | 'seed'>
              path="secret.kind"
              label="Kind of secret"
              value={form.importKind}
              options={[...CURVES.map((c) => ({ value: c.value, label: `${c.label} private key` })), { value: 'seed', label: 'Seed (SLIP-39 master secret, or a BIP-39 wallet)' }]}
              onChange={(v) =>
                update((f) => ({
                  ...f,
                  importKind: v,
                  importLength: v === 'seed' ? f.importLength : '32',
                  ciphersuite: v === 'seed' ? f.ciphersuite : v,
                }))
              }
            />
            <NumberField
              path="secret.lengthBytes"
              label="Length in bytes"
              hint={form.importKind === 'seed' ? 'An even number from 16 to 64. A BIP-39 wallet: 16 for 12 words, 32 for 24.' : 'Private keys are 32 bytes.'}
              value={form.importLength}
              min={16}
              max={64}
              onChange={(v) => update((f) => ({ ...f, importLength: v }))}
            />
          </div>
        </>
      ) : null}
      <SectionProblems paths={['secret']} testId="problem-secret" />
    </fieldset>
  );
}
