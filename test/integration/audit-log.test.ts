import { useTestApi } from '../support/local-api';
import { addMember, connect, createApplication, createDatasource, createOrg, signIn } from '../support/scenario';

const api = useTestApi();

describe('the audit log', () => {
  it('records every change in the org where it happened, newest first, with the actor', async () => {
    const admin = await signIn(api, 'auditor');
    const orgId = await createOrg(api, admin, 'Audited');
    const datasourceId = await createDatasource(api, orgId, admin);
    await api.call('PATCH', `/admin/orgs/${orgId}/datasources/${datasourceId}`, { token: admin.token, body: { tags: ['roof'] } });
    const person = await signIn(api, 'person');
    await addMember(api, orgId, admin, person, ['observer']);
    await api.call('PATCH', `/admin/orgs/${orgId}/people/${encodeURIComponent(person.email)}`, {
      token: admin.token,
      body: { roles: ['analyst'] },
    });
    const { applicationId, keyId } = await createApplication(api, orgId, admin);
    const keys = `/admin/orgs/${orgId}/applications/${applicationId}/keys`;
    await api.call('PATCH', `${keys}/${keyId}`, { token: admin.token, body: { label: 'main' } });
    await api.call('POST', `${keys}/${keyId}/regenerate`, { token: admin.token, body: { graceSeconds: 0 } });
    await connect(api, orgId, admin, applicationId, ['observer']);
    await api.call('PATCH', `/admin/orgs/${orgId}/connections/${applicationId}`, {
      token: admin.token,
      body: { roles: ['analyst'] },
    });
    await api.call('DELETE', `/admin/orgs/${orgId}/connections/${applicationId}`, { token: admin.token });
    await api.call('PATCH', `/admin/orgs/${orgId}`, { token: admin.token, body: { name: 'Audited Org' } });
    const extra = await api.call('POST', keys, { token: admin.token, body: { label: 'extra' } });
    await api.call('DELETE', `${keys}/${extra.body.keyId}`, { token: admin.token });
    const application = `/admin/orgs/${orgId}/applications/${applicationId}`;
    await api.call('PATCH', application, { token: admin.token, body: { name: 'Renamed' } });
    await api.call('DELETE', `/admin/orgs/${orgId}/people/${encodeURIComponent(person.email)}`, { token: admin.token });
    await api.call('DELETE', `/admin/orgs/${orgId}/datasources/${datasourceId}`, { token: admin.token });
    await api.call('DELETE', application, { token: admin.token });

    const answer = await api.call('GET', `/admin/orgs/${orgId}/audit-events?limit=100`, { token: admin.token });
    expect(answer.status).toBe(200);
    const actions = answer.body.events.map((event: { action: string }) => event.action);
    expect(actions).toEqual([
      'application.delete',
      'datasource.retire',
      'person.remove',
      'application.update',
      'key.delete',
      'key.create',
      'org.update',
      'connection.delete',
      'connection.update',
      'connection.create',
      'key.regenerate',
      'key.update',
      'application.create',
      'person.update',
      'person.accept',
      'person.invite',
      'datasource.update',
      'datasource.create',
      'org.create',
    ]);
    const accept = answer.body.events.find((event: { action: string }) => event.action === 'person.accept');
    expect(accept.actor).toEqual({ type: 'person', id: person.email.toLowerCase() });
    const renamed = answer.body.events.find((event: { action: string }) => event.action === 'org.update');
    expect(renamed).toEqual({
      eventId: expect.stringMatching(/^evt_/),
      time: expect.any(String),
      actor: { type: 'person', id: admin.email.toLowerCase() },
      action: 'org.update',
      target: orgId,
      details: { from: 'Audited', to: 'Audited Org' },
    });
    expect(answer.body.events[0]).toMatchObject({ action: 'application.delete', target: applicationId });
    expect(answer.body.nextToken).toBeUndefined();
  });

  it('pages with limit and an opaque nextToken that cannot be edited to read another org', async () => {
    const admin = await signIn(api, 'pager');
    const orgId = await createOrg(api, admin, 'Paged');
    for (let index = 0; index < 4; index++) await createDatasource(api, orgId, admin, `Site ${index}`);
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await api.call(
        'GET',
        `/admin/orgs/${orgId}/audit-events?limit=2${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`,
        {
          token: admin.token,
        },
      );
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.events.map((event: { eventId: string }) => event.eventId));
      nextToken = page.body.nextToken;
      pages += 1;
    } while (nextToken);
    expect(seen).toHaveLength(5);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(pages).toBeGreaterThanOrEqual(3);

    // A token from this org, edited to point at another org's partition, is refused.
    const other = await signIn(api, 'victim');
    const otherOrg = await createOrg(api, other, 'Victim');
    const first = await api.call('GET', `/admin/orgs/${orgId}/audit-events?limit=1`, { token: admin.token });
    const decoded = JSON.parse(Buffer.from(first.body.nextToken, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...decoded, PK: `AUDIT#${otherOrg}` })).toString('base64url');
    const refused = await api.call('GET', `/admin/orgs/${orgId}/audit-events?nextToken=${forged}`, { token: admin.token });
    expect(refused.status).toBe(400);
    expect((await api.call('GET', `/admin/orgs/${orgId}/audit-events?nextToken=garbage`, { token: admin.token })).status).toBe(
      400,
    );
    expect((await api.call('GET', `/admin/orgs/${orgId}/audit-events?limit=1000`, { token: admin.token })).status).toBe(400);
  });
});
