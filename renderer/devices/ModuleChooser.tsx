import { useEffect, useId, useRef, useState } from 'react';
import { ChooseFileButton, type ChosenFile } from '../components/ChooseFileButton';
import { ErrorPanel } from '../components/ErrorPanel';
import type { ErrorInfo } from '../components/errors';
import { useT } from '../i18n';
import { askDevices, deviceErrorInfo, type KnownModule, type SelectedModule } from './api';

interface Props {
  /** Called with the module main now uses (after hsm:select-module), or null while none is chosen. */
  readonly onChange?: (selected: SelectedModule | null) => void;
  /** Use the module main already has (the first usual one found on this machine) without a press. Default true. */
  readonly autoUse?: boolean;
  readonly testId?: string;
}

const OTHER = '';

/**
 * The PKCS#11 module (the library of the tokens' maker) that main loads: the usual modules found on this machine that
 * pass main's rules for native code (system library folders, owned by root, not on removable media) as choices, or a
 * module file chosen in main's dialog, with those rules said beside it; a refused file comes back with the rule it broke.
 * hsm:select-module opens it in main (refused unless it loads as a PKCS#11 module)
 * and the chooser then shows its manufacturer and version. Changing it is refused by main while a ceremony runs.
 */
export function ModuleChooser({ onChange, autoUse = true, testId = 'module-chooser' }: Props) {
  const [known, setKnown] = useState<readonly KnownModule[] | null>(null);
  const [choice, setChoice] = useState<string>(OTHER);
  // Another module: the file chosen in main's dialog (main checks it against its rules for native code when it loads it).
  const [other, setOther] = useState<ChosenFile | null>(null);
  const [selected, setSelected] = useState<SelectedModule | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const pathId = useId();
  const groupId = useId();
  const changed = useRef(onChange);
  const t = useT();
  changed.current = onChange;

  const use = async (modulePath: string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const s = await askDevices('hsm:select-module', { modulePath });
      setSelected(s);
      setEditing(false);
      changed.current?.(s);
    } catch (e) {
      setError(deviceErrorInfo(e));
      setEditing(true);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const s = await askDevices('hsm:suggested-modules');
        if (!live) return;
        setKnown(s.modules);
        const first = s.selected ?? s.modules[0]?.path ?? null;
        if (first !== null && s.modules.some((m) => m.path === first)) setChoice(first);
        else if (first !== null) {
          setChoice(OTHER);
          setOther({ path: first, name: first.slice(first.lastIndexOf('/') + 1) });
        }
        if (autoUse && s.selected !== null) await use(s.selected);
        else setEditing(true);
      } catch (e) {
        if (!live) return;
        setKnown([]);
        setError(deviceErrorInfo(e));
        setEditing(true);
      }
    })();
    return () => {
      live = false;
    };
    // Once, when the chooser appears.
  }, []);

  const path = choice === OTHER ? (other?.path ?? '') : choice;
  const chosenName = known?.find((m) => m.path === selected?.selected)?.name;

  return (
    <div className="module-chooser" data-testid={testId} data-selected={selected?.selected ?? ''}>
      {selected !== null && !editing ? (
        <div className="module-info" data-testid="module-info">
          <p>
            <span className="tick" aria-hidden="true">
              ✓
            </span>{' '}
            {t('module.current')} <strong>{chosenName ?? selected.module.description}</strong>
            <span className="muted">
              {t('module.facts', { maker: selected.module.manufacturer, version: selected.module.libraryVersion, cryptoki: selected.module.cryptokiVersion })}
            </span>
          </p>
          <p className="mono muted small" data-testid="module-path">
            {selected.selected}
          </p>
          <button type="button" className="button secondary small" onClick={() => setEditing(true)} data-testid="module-change">
            {t('module.change')}
          </button>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (path !== '') void use(path);
          }}
        >
          <fieldset className="module-list" aria-labelledby={groupId}>
            <legend id={groupId}>{t('module.legend')}</legend>
            {known === null ? <p className="muted">{t('module.looking')}</p> : null}
            {known !== null && known.length === 0 ? (
              <p data-testid="module-none-found">{t('module.noneFound')}</p>
            ) : null}
            {known?.map((m, i) => (
              <label key={m.path} className="checkbox module-option">
                <input type="radio" name={`${groupId}-module`} checked={choice === m.path} onChange={() => setChoice(m.path)} data-testid={`module-option-${i}`} data-path={m.path} />
                <span>
                  <strong>{m.name}</strong> <span className="mono muted small">{m.path}</span>
                  {m.note ? <span className="muted small"> · {m.note}</span> : null}
                </span>
              </label>
            ))}
            <label className="checkbox module-option">
              <input type="radio" name={`${groupId}-module`} checked={choice === OTHER} onChange={() => setChoice(OTHER)} data-testid="module-other" />
              <span>{t('module.other')}</span>
            </label>
            {choice === OTHER ? (
              <div className="field module-path-field">
                <div className="inline-form">
                  <ChooseFileButton
                    purpose="pkcs11-module"
                    label={other === null ? t('module.chooseFile') : t('module.chooseAnother')}
                    variant="secondary"
                    onChosen={(file) => {
                      setOther(file);
                      setError(null);
                    }}
                    onError={(e) => setError(deviceErrorInfo(e))}
                    describedBy={`${pathId}-rule`}
                    testId="module-choose-file"
                  />
                  {other !== null ? (
                    <span className="chosen-file" data-testid="module-chosen">
                      {other.name} <span className="mono muted small">{other.path}</span>
                    </span>
                  ) : null}
                </div>
                <p id={`${pathId}-rule`} className="muted small" data-testid="module-rule">
                  {t('module.rule')}
                </p>
              </div>
            ) : null}
          </fieldset>
          <div className="actions">
            {/* Changing a module that is already in use: the screen's own next step (e.g. checking the tokens) stays primary. */}
            <button type="submit" className={selected !== null ? 'button secondary' : 'button'} disabled={busy || path === ''} data-testid="module-use">
              {busy ? t('module.opening') : t('module.use')}
            </button>
            {selected !== null ? (
              <button type="button" className="button secondary" onClick={() => setEditing(false)} data-testid="module-keep">
                {t('module.keep', { name: chosenName ?? t('module.keepCurrent') })}
              </button>
            ) : null}
          </div>
        </form>
      )}
      {error ? <ErrorPanel title={t('module.failed')} error={error} testId="module-error" focus /> : null}
    </div>
  );
}
