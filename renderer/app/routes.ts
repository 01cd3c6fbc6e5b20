/**
 * Hash routing: the app is one page loaded from app:// (or file:// in tests) and Electron blocks navigation, so screens
 * are addressed by the part after '#'. Unknown hashes show a "not found" screen with a way back, never a blank page.
 */
import { useEffect, useState } from 'react';

export const ROUTES = ['start', 'plan', 'ceremony', 'resume', 'verify', 'recover', 'refresh', 'repair', 'extend', 'sign', 'signer', 'custody', 'drill', 'components'] as const;
export type RouteName = (typeof ROUTES)[number];
export type Route = { readonly name: RouteName } | { readonly name: 'not-found'; readonly path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  if (path === '') return { name: 'start' };
  return (ROUTES as readonly string[]).includes(path) ? { name: path as RouteName } : { name: 'not-found', path };
}

export function hrefOf(name: RouteName): string {
  return name === 'start' ? '#/' : `#/${name}`;
}

export function navigate(name: RouteName): void {
  const href = hrefOf(name);
  if (window.location.hash !== href) window.location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
