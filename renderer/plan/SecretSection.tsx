import { KEY_CURVES, type KeyCurve } from '../../core/policy';
import { useT } from '../i18n';
import { NumberField, RadioGroup, SectionProblems, SelectField } from './formKit';
import { CURVE_LABELS, type SecretChoice } from './planForm';
import type { SectionProps } from './types';

const SECRET_CHOICES = [
  { value: 'new-key', key: 'plan.secret.newKey' },
  { value: 'new-seed', key: 'plan.secret.newSeed' },
  { value: 'import', key: 'plan.secret.import' },
] as const satisfies readonly { value: SecretChoice; key: string }[];

const CURVES = KEY_CURVES.map((c) => ({ value: c, label: CURVE_LABELS[c] }));

export function SecretSection({ form, update }: SectionProps) {
  const t = useT();
  return (
    <fieldset id="section-secret" tabIndex={-1} data-testid="section-secret">
      <legend>{t('plan.secret.legend')}</legend>
      <RadioGroup
        path="secret.type"
        label={t('plan.secret.type')}
        value={form.secretType}
        options={SECRET_CHOICES.map((c) => ({ value: c.value, label: t(c.key) }))}
        onChange={(v) => update((f) => ({ ...f, secretType: v }))}
      />
      {form.secretType === 'new-key' ? (
        <RadioGroup
          path="secret.curve"
          label={t('plan.secret.curve')}
          value={form.keyCurve}
          options={CURVES}
          onChange={(v) => update((f) => ({ ...f, keyCurve: v, ciphersuite: v }))}
        />
      ) : null}
      {form.secretType === 'new-seed' ? (
        <RadioGroup
          path="secret.bits"
          label={t('plan.secret.bits')}
          value={form.seedBits}
          options={[
            { value: '128', label: t('plan.secret.bits128') },
            { value: '256', label: t('plan.secret.bits256') },
          ]}
          onChange={(v) => update((f) => ({ ...f, seedBits: v }))}
        />
      ) : null}
      {form.secretType === 'import' ? (
        <>
          <p className="notice" data-testid="import-notice">
            {t('plan.secret.importNotice')}
          </p>
          <div className="row">
            <SelectField<KeyCurve | 'seed'>
              path="secret.kind"
              label={t('plan.secret.kind')}
              value={form.importKind}
              options={[...CURVES.map((c) => ({ value: c.value, label: t('plan.secret.privateKey', { curve: c.label }) })), { value: 'seed', label: t('plan.secret.seedKind') }]}
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
              label={t('plan.secret.length')}
              hint={form.importKind === 'seed' ? t('plan.secret.length.seedHint') : t('plan.secret.length.keyHint')}
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
