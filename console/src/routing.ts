import { useEffect, useState } from 'preact/hooks';

/** Screens live in the URL's hash, so the console needs no server-side routing. */
export type Section = 'people' | 'applications' | 'datasources' | 'audit';
export type Route =
  { screen: 'orgs' } | { screen: Section; orgId: string } | { screen: 'keys'; orgId: string; applicationId: string };

export function parseRoute(hash: string): Route | undefined {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'orgs') return undefined;
  if (parts.length === 1) return { screen: 'orgs' };
  const orgId = parts[1]!;
  if (parts[2] === 'applications' && parts[4] === 'keys' && parts[3]) return { screen: 'keys', orgId, applicationId: parts[3] };
  const section = parts[2] as Section | undefined;
  if (section && ['people', 'applications', 'datasources', 'audit'].includes(section)) return { screen: section, orgId };
  return undefined;
}

export function href(route: Route): string {
  if (route.screen === 'orgs') return '#/orgs';
  if (route.screen === 'keys')
    return `#/orgs/${encodeURIComponent(route.orgId)}/applications/${encodeURIComponent(route.applicationId)}/keys`;
  return `#/orgs/${encodeURIComponent(route.orgId)}/${route.screen}`;
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return hash;
}
