import type { Role } from '../../functions/core/orgs/roles';
import { uniqueEmail, type TestApi } from './local-api';

/**
 * Builders for integration tests, all through the HTTP API: an org with one active member per
 * role, applications with keys, connections. Every name is unique, so test files can share
 * one table.
 */

export interface Member {
  email: string;
  token: string;
}

export interface OrgWithPeople {
  orgId: string;
  admin: Member;
  members: Record<Role, Member>;
}

export function expectStatus(answer: { status: number; body: unknown }, status: number): void {
  if (answer.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

export async function signIn(api: TestApi, name: string): Promise<Member> {
  const email = uniqueEmail(name);
  return { email, token: await api.tokenFor(email) };
}

export async function createOrg(api: TestApi, admin: Member, name = 'Org'): Promise<string> {
  const answer = await api.call('POST', '/admin/orgs', { token: admin.token, body: { name } });
  expectStatus(answer, 201);
  return answer.body.orgId;
}

/** Invites `person` with roles and has them accept. */
export async function addMember(
  api: TestApi,
  orgId: string,
  admin: Member,
  person: Member,
  roles: Role[],
  datasourceIds?: string[],
) {
  expectStatus(
    await api.call('POST', `/admin/orgs/${orgId}/people`, {
      token: admin.token,
      body: { email: person.email, roles, ...(datasourceIds ? { datasourceIds } : {}) },
    }),
    201,
  );
  expectStatus(await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: person.token }), 200);
}

/** An org with an admin (its creator) and one more active member per role. */
export async function orgWithPeople(api: TestApi, name = 'Org'): Promise<OrgWithPeople> {
  const admin = await signIn(api, 'admin');
  const orgId = await createOrg(api, admin, name);
  const members = { admin } as Record<Role, Member>;
  for (const role of ['technician', 'analyst', 'observer', 'guest'] as const) {
    members[role] = await signIn(api, role);
    await addMember(api, orgId, admin, members[role], [role]);
  }
  return { orgId, admin, members };
}

export async function createApplication(api: TestApi, orgId: string, admin: Member, name = 'App') {
  const answer = await api.call('POST', `/admin/orgs/${orgId}/applications`, { token: admin.token, body: { name } });
  expectStatus(answer, 201);
  return {
    applicationId: answer.body.application.applicationId as string,
    key: answer.body.apiKey.key as string,
    keyId: answer.body.apiKey.keyId as string,
  };
}

export async function createDatasource(api: TestApi, orgId: string, admin: Member, name = 'Site') {
  const answer = await api.call('POST', `/admin/orgs/${orgId}/datasources`, { token: admin.token, body: { name } });
  expectStatus(answer, 201);
  return answer.body.datasourceId as string;
}

export async function connect(
  api: TestApi,
  orgId: string,
  admin: Member,
  applicationId: string,
  roles: Role[],
  datasourceIds?: string[],
) {
  const answer = await api.call('POST', `/admin/orgs/${orgId}/connections`, {
    token: admin.token,
    body: { applicationId, roles, ...(datasourceIds ? { datasourceIds } : {}) },
  });
  expectStatus(answer, 201);
  return answer.body;
}

/**
 * Polls `probe` until it returns true, failing if that takes longer than `withinMs`: how the
 * tests prove "takes effect within 10 seconds" without fixed sleeps.
 */
export async function eventually(probe: () => Promise<boolean>, withinMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
