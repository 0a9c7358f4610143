import { useEffect, useRef } from 'preact/hooks';
import { api, unwrap, type Role } from './api/client';
import { signedInEmail, signOut } from './auth/session';
import { Announcer, LoadState, useLoad } from './components/common';
import type { SignInConfig } from './config';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { ApplicationsPage } from './pages/ApplicationsPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { DatasourcesPage } from './pages/DatasourcesPage';
import { OrgsPage } from './pages/OrgsPage';
import { PeoplePage } from './pages/PeoplePage';
import { href, navigate, parseRoute, useHash, type Section } from './routing';

export interface OrgSummary {
  orgId: string;
  name: string;
  roles: Role[];
}

const SECTIONS: { section: Section; label: string; adminOnly: boolean }[] = [
  { section: 'people', label: 'Users', adminOnly: true },
  { section: 'applications', label: 'Applications', adminOnly: true },
  { section: 'datasources', label: 'Datasources', adminOnly: false },
  { section: 'audit', label: 'Audit log', adminOnly: true },
];

/** The signed-in console: header with the org switcher, the org's sections, the current screen. */
export function App(props: { config: SignInConfig }) {
  const hash = useHash();
  const orgs = useLoad(async () => (await unwrap(api.GET('/admin/orgs'))).orgs as OrgSummary[], []);
  const route = parseRoute(hash);
  const heading = useRef<HTMLElement>(null);

  // A screen with no org: the first org's main screen, or the orgs screen when there is none.
  const routed = route !== undefined;
  useEffect(() => {
    if (!orgs.data || routed) return;
    const first = orgs.data[0];
    navigate(
      first ? { screen: first.roles.includes('admin') ? 'applications' : 'datasources', orgId: first.orgId } : { screen: 'orgs' },
    );
  }, [orgs.data, routed]);

  // Moving between screens moves focus to the new screen, as a page load would.
  useEffect(() => {
    heading.current?.focus();
  }, [hash]);

  const orgId = route && route.screen !== 'orgs' ? route.orgId : undefined;
  const org = orgs.data?.find((candidate) => candidate.orgId === orgId);
  const isAdmin = org?.roles.includes('admin') ?? false;

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Datagate</span>
        {orgs.data && orgs.data.length > 0 && (
          <label class="org-switch">
            <span>Organization</span>
            <select
              value={orgId ?? ''}
              onChange={(event) => {
                const next = orgs.data!.find((candidate) => candidate.orgId === event.currentTarget.value);
                if (next) navigate({ screen: next.roles.includes('admin') ? 'applications' : 'datasources', orgId: next.orgId });
              }}
            >
              {!org && <option value="">Choose…</option>}
              {orgs.data.map((candidate) => (
                <option key={candidate.orgId} value={candidate.orgId}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <span class="who">{signedInEmail()}</span>
        <button type="button" onClick={() => signOut(props.config)}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections">
        <ul>
          <li>
            <a href={href({ screen: 'orgs' })} aria-current={route?.screen === 'orgs' ? 'page' : undefined}>
              Organizations
            </a>
          </li>
          {org &&
            SECTIONS.filter((entry) => isAdmin || !entry.adminOnly).map((entry) => (
              <li key={entry.section}>
                <a
                  href={href({ screen: entry.section, orgId: org.orgId })}
                  aria-current={
                    route?.screen === entry.section || (entry.section === 'applications' && route?.screen === 'keys')
                      ? 'page'
                      : undefined
                  }
                >
                  {entry.label}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" ref={heading} tabIndex={-1}>
        <LoadState loading={orgs.loading && !orgs.data} error={orgs.error} what="your organizations" />
        {orgs.data && route?.screen === 'orgs' && <OrgsPage orgs={orgs.data} onChanged={orgs.reload} />}
        {orgs.data && route && route.screen !== 'orgs' && !org && (
          <p role="alert" class="error">
            You are not a member of this organization (or it does not exist).{' '}
            <a href={href({ screen: 'orgs' })}>See your organizations</a>.
          </p>
        )}
        {org && route?.screen === 'people' && <PeoplePage org={org} />}
        {org && route?.screen === 'applications' && <ApplicationsPage org={org} orgs={orgs.data!} />}
        {org && route?.screen === 'keys' && <ApiKeysPage org={org} applicationId={route.applicationId} />}
        {org && route?.screen === 'datasources' && <DatasourcesPage org={org} />}
        {org && route?.screen === 'audit' && <AuditLogPage org={org} />}
      </main>
      <Announcer />
    </>
  );
}
