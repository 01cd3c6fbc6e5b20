import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../electron/ipc/contract';
import { invoke } from '../../electron/ipc/client';
import { hasBridge } from '../bridge';
import { groupHex } from '../ceremony/names';
import { useT } from '../i18n';

type AppInfo = ResponseOf<'app:info'>;

/** The first 16 hex digits in groups of four, upper case: short enough for a witness to read aloud and compare. */
const readAloud = (hex: string): string => groupHex(hex.slice(0, 16).toUpperCase());

function BundleHash({ name, hex, testId }: { name: string; hex: string; testId: string }) {
  return (
    <div className="about-hash" data-testid={testId}>
      <dt>{name}</dt>
      <dd>
        <span className="mono about-short" data-testid={`${testId}-short`}>
          {readAloud(hex)}
        </span>
        <code className="about-full">{hex}</code>
      </dd>
    </div>
  );
}

/**
 * "About this build": the version and the SHA-256 of the renderer and main bundles this window runs, so witnesses can
 * compare them with the published ones before the ceremony (the same values go into each transcript's plan entry).
 */
export function AboutBuild() {
  const t = useT();
  const [info, setInfo] = useState<AppInfo | 'none' | null>(null);
  // Asked only when the person opens the panel: the start screen itself makes no extra call to main.
  const [opened, setOpened] = useState(false);
  useEffect(() => {
    if (!opened) return;
    if (!hasBridge()) {
      setInfo('none');
      return;
    }
    let live = true;
    invoke('app:info').then(
      (r) => live && setInfo(r.ok ? r.value : 'none'),
      () => live && setInfo('none'),
    );
    return () => {
      live = false;
    };
  }, [opened]);
  const build = info !== null && info !== 'none' ? info.build : undefined;
  return (
    <details className="about-build" data-testid="about-build" onToggle={(e) => e.currentTarget.open && setOpened(true)}>
      <summary>{t('about.summary')}</summary>
      {info === null ? <p>{t('about.asking')}</p> : null}
      {info === 'none' ? <p>{t('about.none')}</p> : null}
      {info !== null && info !== 'none' ? (
        <>
          <p>{t('about.version', { version: info.version, platform: info.platform, arch: info.arch })}</p>
          {build ? (
            <dl>
              <BundleHash name={t('about.renderer')} hex={build.renderer} testId="about-renderer" />
              <BundleHash name={t('about.main')} hex={build.main} testId="about-main" />
            </dl>
          ) : (
            <p data-testid="about-no-build">{t('about.noBuild')}</p>
          )}
        </>
      ) : null}
    </details>
  );
}
