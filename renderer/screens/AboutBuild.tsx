import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../electron/ipc/contract';
import { invoke } from '../../electron/ipc/client';
import { hasBridge } from '../bridge';
import { groupHex } from '../ceremony/names';

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
      <summary>About this build</summary>
      {info === null ? <p>Asking the app…</p> : null}
      {info === 'none' ? <p>The app did not say which build this is. Do not run a ceremony with it until it does.</p> : null}
      {info !== null && info !== 'none' ? (
        <>
          <p>
            keyshard {info.version} ({info.platform}, {info.arch}). Read these hashes aloud and compare them with the published ones
            for this version; every ceremony transcript records them too.
          </p>
          {build ? (
            <dl>
              <BundleHash name="Screens (renderer bundle) SHA-256" hex={build.renderer} testId="about-renderer" />
              <BundleHash name="Main process (main bundle) SHA-256" hex={build.main} testId="about-main" />
            </dl>
          ) : (
            <p data-testid="about-no-build">Development build, no hash: this copy runs from sources, so there is nothing to compare. Use a built release for a real ceremony.</p>
          )}
        </>
      ) : null}
    </details>
  );
}
