import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, ApiError, describeError, unwrap } from '../api/client';
import { useDraft } from '../auth/drafts';
import { announce, EmptyState, eventHandler, Field, LoadState, Table, useLoad } from '../components/common';
import { href, navigate } from '../routing';

/** Organizations: the person's orgs, invitations waiting for them, and creating an org. */
export function OrgsPage(props: { orgs: OrgSummary[]; onChanged: () => void }) {
  const invitations = useLoad(async () => (await unwrap(api.GET('/admin/invitations'))).invitations, []);
  const [name, setName] = useDraft('orgs:create:name', '');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [accepting, setAccepting] = useState<string>();

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const org = await unwrap(api.POST('/admin/orgs', { body: { name } }));
      setName('');
      announce(`Organization ${org.name} created. You are its admin.`);
      props.onChanged();
      navigate({ screen: 'applications', orgId: org.orgId });
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.detailFor('name') ?? describeError(failure)) : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const accept = async (orgId: string, orgName: string) => {
    setAccepting(orgId);
    try {
      await unwrap(api.POST('/admin/orgs/{orgId}/people/accept', { params: { path: { orgId } } }));
      announce(`You joined ${orgName}.`);
      invitations.reload();
      props.onChanged();
    } catch (failure) {
      announce(`Could not accept the invitation: ${describeError(failure)}`);
    } finally {
      setAccepting(undefined);
    }
  };

  return (
    <>
      <h1>Organizations</h1>
      <section aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">Invitations</h2>
        <LoadState loading={invitations.loading && !invitations.data} error={invitations.error} what="your invitations" />
        {invitations.data?.length === 0 && <EmptyState>No invitations are waiting for you.</EmptyState>}
        {invitations.data && invitations.data.length > 0 && (
          <ul class="cards">
            {invitations.data.map((invitation) => (
              <li key={invitation.orgId}>
                <p>
                  <strong>{invitation.orgName}</strong> invites you as {invitation.roles.join(', ')} (from {invitation.invitedBy}
                  ).
                </p>
                <button
                  type="button"
                  class="primary"
                  disabled={accepting === invitation.orgId}
                  aria-label={`Accept the invitation to ${invitation.orgName}`}
                  onClick={eventHandler(() => accept(invitation.orgId, invitation.orgName))}
                >
                  {accepting === invitation.orgId ? 'Accepting…' : 'Accept'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="your-orgs-heading">
        <h2 id="your-orgs-heading">Your organizations</h2>
        {props.orgs.length === 0 ? (
          <EmptyState>You are not in any organization yet. Create one below, or ask an admin to invite you.</EmptyState>
        ) : (
          <Table caption="Organizations you belong to">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Organization ID</th>
                <th scope="col">Your roles</th>
              </tr>
            </thead>
            <tbody>
              {props.orgs.map((org) => (
                <tr key={org.orgId}>
                  <th scope="row">
                    <a href={href({ screen: org.roles.includes('admin') ? 'applications' : 'datasources', orgId: org.orgId })}>
                      {org.name}
                    </a>
                  </th>
                  <td data-label="Organization ID">
                    <code>{org.orgId}</code>
                  </td>
                  <td data-label="Your roles">{org.roles.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
      <section aria-labelledby="create-org-heading">
        <h2 id="create-org-heading">Create an organization</h2>
        <form onSubmit={eventHandler(create)} class="inline-form">
          <Field label="Organization name" value={name} onInput={setName} error={error} required />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create organization'}
          </button>
        </form>
      </section>
    </>
  );
}
