import { useTestApi } from '../support/local-api';
import { createOrg, expectStatus, signIn } from '../support/scenario';

const api = useTestApi();

describe('GET /admin/invitations (the console shows a person the invitations waiting for them)', () => {
  it('lists the pending invitations addressed to the verified email of the token, and drops one once accepted', async () => {
    const admin = await signIn(api, 'inviter');
    const orgId = await createOrg(api, admin, 'Inviting Org');
    const invitee = await signIn(api, 'invitee');
    expectStatus(
      await api.call('POST', `/admin/orgs/${orgId}/people`, {
        token: admin.token,
        body: { email: invitee.email.toUpperCase(), roles: ['technician'] },
      }),
      201,
    );

    const listed = await api.call('GET', '/admin/invitations', { token: invitee.token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      invitations: [
        {
          orgId,
          orgName: 'Inviting Org',
          roles: ['technician'],
          invitedAt: expect.any(String),
          invitedBy: admin.email.toLowerCase(),
        },
      ],
    });

    // Another person sees none of it; an unverified email sees nothing at all.
    const stranger = await signIn(api, 'stranger');
    expect((await api.call('GET', '/admin/invitations', { token: stranger.token })).body).toEqual({ invitations: [] });
    const unverified = await api.tokenFor(invitee.email, { emailVerified: false });
    expect((await api.call('GET', '/admin/invitations', { token: unverified })).status).toBe(403);

    expectStatus(await api.call('POST', `/admin/orgs/${orgId}/people/accept`, { token: invitee.token }), 200);
    expect((await api.call('GET', '/admin/invitations', { token: invitee.token })).body).toEqual({ invitations: [] });
  });
});
