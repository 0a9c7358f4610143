import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, unwrap, type Schemas } from '../api/client';
import { useDraft } from '../auth/drafts';
import { signedInEmail } from '../auth/session';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, formatTime, LoadState, Table, useLoad } from '../components/common';
import { InvitePersonDialog } from '../dialogs/InvitePersonDialog';
import { explainLastAdmin, RemovePersonDialog } from '../dialogs/RemovePersonDialog';
import { RolesDialog } from '../dialogs/SimpleDialogs';

type Person = Schemas['Person'];
type Pending = { kind: 'roles'; person: Person } | { kind: 'remove'; person: Person };

/** Organization > Users: people with their roles and status; invite, change roles, remove. */
export function PeoplePage(props: { org: OrgSummary }) {
  const orgId = props.org.orgId;
  const people = useLoad(
    async () => (await unwrap(api.GET('/admin/orgs/{orgId}/people', { params: { path: { orgId } } }))).people,
    [orgId],
  );
  // Whether "Invite person" is open survives a sign-in round trip (with what was typed in it).
  const [inviting, setInviting] = useDraft(`${orgId}:invite:open`, false);
  const [pending, setPending] = useState<Pending>();

  return (
    <>
      <h1>Users</h1>
      <p class="lede">People of {props.org.name}. An invited person signs in with that email and accepts the invitation.</p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setInviting(true)}>
          Invite person
        </button>
      </div>
      <LoadState loading={people.loading && !people.data} error={people.error} what="people" />
      {people.data?.length === 0 && <EmptyState>Nobody is here yet. Use "Invite person".</EmptyState>}
      {people.data && people.data.length > 0 && (
        <Table caption={`People of ${props.org.name}`}>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {people.data.map((person) => (
              <tr key={person.email}>
                <th scope="row">
                  {person.email}
                  {person.email === signedInEmail().toLowerCase() && ' (you)'}
                </th>
                <td data-label="Roles">
                  {person.roles.join(', ')}
                  {person.datasourceIds && ` (${person.datasourceIds.length} datasources)`}
                </td>
                <td data-label="Status">{person.status}</td>
                <td data-label="Added">{formatTime(person.addedAt)}</td>
                <td>
                  <ActionsMenu
                    label={`Actions for ${person.email}`}
                    items={[
                      { label: 'Change roles', onSelect: () => setPending({ kind: 'roles', person }) },
                      {
                        label: person.status === 'pending' ? 'Withdraw invitation' : 'Remove',
                        danger: true,
                        onSelect: () => setPending({ kind: 'remove', person }),
                      },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      {inviting && (
        <InvitePersonDialog
          orgId={orgId}
          onClose={() => setInviting(false)}
          onInvited={() => {
            setInviting(false);
            people.reload();
          }}
        />
      )}

      {pending?.kind === 'roles' && (
        <RolesDialog
          title={`Roles of ${pending.person.email}`}
          orgId={orgId}
          initialRoles={pending.person.roles}
          initialDatasourceIds={pending.person.datasourceIds}
          open
          onClose={() => setPending(undefined)}
          explain={(failure) => explainLastAdmin(failure, pending.person)}
          onSave={async (roles, datasourceIds) => {
            await unwrap(
              api.PATCH('/admin/orgs/{orgId}/people/{email}', {
                params: { path: { orgId, email: pending.person.email } },
                body: { roles, ...(datasourceIds ? { datasourceIds } : {}) },
              }),
            );
            announce(`${pending.person.email} now has ${roles.join(', ')}.`);
            setPending(undefined);
            people.reload();
          }}
        />
      )}
      {pending?.kind === 'remove' && (
        <RemovePersonDialog
          orgId={orgId}
          person={pending.person}
          onClose={() => setPending(undefined)}
          onRemoved={(message) => {
            announce(message);
            setPending(undefined);
            people.reload();
          }}
        />
      )}
    </>
  );
}
