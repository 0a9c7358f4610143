import { useTestApi } from '../support/local-api';
import { addMember, createDatasource, createOrg, expectStatus, signIn, type Member } from '../support/scenario';

const api = useTestApi();

describe('people in an org', () => {
  let admin: Member;
  let orgId: string;

  beforeEach(async () => {
    admin = await signIn(api, 'admin');
    orgId = await createOrg(api, admin, 'People Org');
  });

  it('an invitation is pending until the invitee, signed in with that verified email, accepts it', async () => {
    const invitee = await signIn(api, 'Invitee');
    const invited = await api.call('POST', `/admin/orgs/${orgId}/people`, {
      token: admin.token,
      body: { email: invitee.email.toUpperCase(), roles: ['analyst', 'observer'] },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toEqual({
      email: invitee.email.toLowerCase(),
      roles: ['analyst', 'observer'],
      status: 'pending',
      addedAt: expect.any(String),
    });

    // Pending: no access yet, and the org is not among the invitee's orgs.
    expect((await api.call('GET', `/admin/orgs/${orgId}`, { token: invitee.token })).status).toBe(403);
    expect((await api.call('GET', '/admin/orgs', { token: invitee.token })).body.orgs).toEqual([]);

    // Someone else cannot accept it.
    const stranger = await signIn(api, 'stranger');
    expect((await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: stranger.token })).status).toBe(404);
    const unverified = await api.tokenFor(invitee.email, { emailVerified: false });
    expect((await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: unverified })).status).toBe(403);

    const accepted = await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: invitee.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('active');
    expect((await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: invitee.token })).status).toBe(409);

    expect((await api.call('GET', `/admin/orgs/${orgId}`, { token: invitee.token })).status).toBe(200);
    const people = await api.call('GET', `/admin/orgs/${orgId}/people`, { token: admin.token });
    expect(people.body.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: admin.email.toLowerCase(), roles: ['admin'], status: 'active' }),
        expect.objectContaining({ email: invitee.email.toLowerCase(), roles: ['analyst', 'observer'], status: 'active' }),
      ]),
    );
  });

  it('inviting someone already there is 409', async () => {
    const invitee = await signIn(api, 'dup');
    expectStatus(
      await api.call('POST', `/admin/orgs/${orgId}/people`, {
        token: admin.token,
        body: { email: invitee.email, roles: ['guest'] },
      }),
      201,
    );
    expect(
      (
        await api.call('POST', `/admin/orgs/${orgId}/people`, {
          token: admin.token,
          body: { email: invitee.email, roles: ['admin'] },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await api.call('POST', `/admin/orgs/${orgId}/people`, {
          token: admin.token,
          body: { email: admin.email, roles: ['guest'] },
        })
      ).status,
    ).toBe(409);
  });

  it('permissions are the union of roles, and changing roles changes them', async () => {
    const person = await signIn(api, 'tech');
    await addMember(api, orgId, admin, person, ['observer']);
    const create = () => api.call('POST', `/admin/orgs/${orgId}/datasources`, { token: person.token, body: { name: 'Site' } });
    expect((await create()).status).toBe(403);
    const changed = await api.call('PATCH', `/admin/orgs/${orgId}/people/${encodeURIComponent(person.email)}`, {
      token: admin.token,
      body: { roles: ['observer', 'technician'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['observer', 'technician']);
    expect((await create()).status).toBe(201);
  });

  it('a person guest sees only the datasources on its membership', async () => {
    const listed = await createDatasource(api, orgId, admin, 'Listed');
    await createDatasource(api, orgId, admin, 'Hidden');
    const guest = await signIn(api, 'guest');
    await addMember(api, orgId, admin, guest, ['guest'], [listed]);
    const seen = await api.call('GET', `/admin/orgs/${orgId}/datasources`, { token: guest.token });
    expect(seen.body.datasources.map((d: { datasourceId: string }) => d.datasourceId)).toEqual([listed]);
    const bogus = await api.call('POST', `/admin/orgs/${orgId}/people`, {
      token: admin.token,
      body: { email: 'x@example.org', roles: ['guest'], datasourceIds: ['ds_' + '0'.repeat(24)] },
    });
    expect(bogus.status).toBe(400);
  });

  it("a role change keeps a guest's datasource list unless it sends one, and drops it with the guest role", async () => {
    const listed = await createDatasource(api, orgId, admin, 'Listed');
    const other = await createDatasource(api, orgId, admin, 'Other');
    const guest = await signIn(api, 'guest');
    await addMember(api, orgId, admin, guest, ['guest'], [listed]);
    const path = `/admin/orgs/${orgId}/people/${encodeURIComponent(guest.email)}`;
    const seen = async () =>
      (await api.call('GET', `/admin/orgs/${orgId}/datasources`, { token: guest.token })).body.datasources
        .map((d: { datasourceId: string }) => d.datasourceId)
        .sort();

    const kept = await api.call('PATCH', path, { token: admin.token, body: { roles: ['guest'] } });
    expect(kept.status).toBe(200);
    expect(kept.body.datasourceIds).toEqual([listed]);
    expect(await seen()).toEqual([listed]);

    const replaced = await api.call('PATCH', path, { token: admin.token, body: { roles: ['guest'], datasourceIds: [other] } });
    expect(replaced.body.datasourceIds).toEqual([other]);
    expect(await seen()).toEqual([other]);

    const observer = await api.call('PATCH', path, { token: admin.token, body: { roles: ['observer'] } });
    expect(observer.body).not.toHaveProperty('datasourceIds');
    expect(await seen()).toEqual([listed, other].sort());
    const people = (await api.call('GET', `/admin/orgs/${orgId}/people`, { token: admin.token })).body.people;
    expect(people.find((p: { email: string }) => p.email === guest.email)).not.toHaveProperty('datasourceIds');
  });

  it('the last admin can be neither demoted nor removed; with a second admin both work', async () => {
    const self = encodeURIComponent(admin.email);
    const demote = await api.call('PATCH', `/admin/orgs/${orgId}/people/${self}`, {
      token: admin.token,
      body: { roles: ['analyst'] },
    });
    expect(demote.status).toBe(409);
    expect((await api.call('DELETE', `/admin/orgs/${orgId}/people/${self}`, { token: admin.token })).status).toBe(409);

    // A pending admin invitation does not count as an admin.
    const second = await signIn(api, 'second');
    expectStatus(
      await api.call('POST', `/admin/orgs/${orgId}/people`, {
        token: admin.token,
        body: { email: second.email, roles: ['admin'] },
      }),
      201,
    );
    expect((await api.call('DELETE', `/admin/orgs/${orgId}/people/${self}`, { token: admin.token })).status).toBe(409);

    expectStatus(await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: second.token }), 200);
    expect(
      (await api.call('PATCH', `/admin/orgs/${orgId}/people/${self}`, { token: admin.token, body: { roles: ['analyst'] } }))
        .status,
    ).toBe(200);
    expect((await api.call('GET', `/admin/orgs/${orgId}/people`, { token: admin.token })).status).toBe(403);
    expect(
      (await api.call('DELETE', `/admin/orgs/${orgId}/people/${encodeURIComponent(second.email)}`, { token: second.token }))
        .status,
    ).toBe(409);
  });

  it('two admins demoting each other at once leave the org with one admin (one 200, one refused)', async () => {
    const other = await signIn(api, 'other');
    await addMember(api, orgId, admin, other, ['admin']);
    const [a, b] = await Promise.all([
      api.call('PATCH', `/admin/orgs/${orgId}/people/${encodeURIComponent(other.email)}`, {
        token: admin.token,
        body: { roles: ['observer'] },
      }),
      api.call('PATCH', `/admin/orgs/${orgId}/people/${encodeURIComponent(admin.email)}`, {
        token: other.token,
        body: { roles: ['observer'] },
      }),
    ]);
    // The loser is refused either as the last admin (409) or, when the winner committed before
    // its permission check, as no longer an admin (403).
    const [winner, loser] = [a.status, b.status].sort();
    expect(winner).toBe(200);
    expect([403, 409]).toContain(loser);
    const people = (await api.call('GET', `/admin/orgs/${orgId}/people`, { token: (a.status === 200 ? admin : other).token }))
      .body.people;
    expect(people.filter((p: { roles: string[] }) => p.roles.includes('admin'))).toHaveLength(1);
  });

  it('a removed person loses access at once; an invitation can be withdrawn', async () => {
    const person = await signIn(api, 'leaver');
    await addMember(api, orgId, admin, person, ['observer']);
    expect(
      (await api.call('DELETE', `/admin/orgs/${orgId}/people/${encodeURIComponent(person.email)}`, { token: admin.token }))
        .status,
    ).toBe(204);
    expect((await api.call('GET', `/admin/orgs/${orgId}`, { token: person.token })).status).toBe(404);
    expect(
      (await api.call('DELETE', `/admin/orgs/${orgId}/people/${encodeURIComponent(person.email)}`, { token: admin.token }))
        .status,
    ).toBe(404);
    expect(
      (await api.call('PATCH', `/admin/orgs/${orgId}/people/not-an-email`, { token: admin.token, body: { roles: ['guest'] } }))
        .status,
    ).toBe(404);
  });

  it('an admin renames the org', async () => {
    const renamed = await api.call('PATCH', `/admin/orgs/${orgId}`, { token: admin.token, body: { name: 'Renamed' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ orgId, name: 'Renamed', createdAt: expect.any(String) });
    expect((await api.call('GET', `/admin/orgs/${orgId}`, { token: admin.token })).body.name).toBe('Renamed');
  });
});
