import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, ApiError, describeError, unwrap, type Role, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { signedInEmail } from '../auth/session';
import { ActionsMenu } from '../components/ActionsMenu';
import {
  announce,
  EmptyState,
  eventHandler,
  Field,
  formatTime,
  LoadState,
  RolePicker,
  Table,
  useLoad,
} from '../components/common';
import { DatasourcePicker } from '../components/DatasourcePicker';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { RolesDialog } from '../dialogs/SimpleDialogs';

type Person = Schemas['Person'];
type Pending = { kind: 'roles'; person: Person } | { kind: 'remove'; person: Person };

/** The API's 409 for the last admin, in words that say what to do. */
function explainLastAdmin(failure: ApiError, person: Person): string | undefined {
  if (failure.status !== 409 || !/admin/i.test(failure.body.message)) return undefined;
  return `${person.email} is the last active admin of this organization, and an organization must keep one. Make someone else an admin first.`;
}

/** Organization > Users: people with their roles and status; invite, change roles, remove. */
export function PeoplePage(props: { org: OrgSummary }) {
  const orgId = props.org.orgId;
  const people = useLoad(
    async () => (await unwrap(api.GET('/admin/orgs/{orgId}/people', { params: { path: { orgId } } }))).people,
    [orgId],
  );
  const draft = `${orgId}:invite`;
  const [inviting, setInviting] = useDraft(`${draft}:open`, false);
  const [email, setEmail] = useDraft(`${draft}:email`, '');
  const [roles, setRoles] = useDraft<Role[]>(`${draft}:roles`, ['observer']);
  const [datasourceIds, setDatasourceIds] = useDraft<string[]>(`${draft}:datasourceIds`, []);
  const [errors, setErrors] = useState<{ email?: string; roles?: string; form?: string }>({});
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const closeInvite = () => {
    clearDrafts(draft);
    setEmail('');
    setRoles(['observer']);
    setDatasourceIds([]);
    setErrors({});
    setInviting(false);
  };

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
                <td>
                  {person.roles.join(', ')}
                  {person.datasourceIds && ` (${person.datasourceIds.length} datasources)`}
                </td>
                <td>{person.status}</td>
                <td>{formatTime(person.addedAt)}</td>
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

      <Dialog title="Invite person" open={inviting} onClose={closeInvite}>
        <form
          onSubmit={eventHandler(async (event) => {
            event.preventDefault();
            setBusy(true);
            setErrors({});
            try {
              const person = await unwrap(
                api.POST('/admin/orgs/{orgId}/people', {
                  params: { path: { orgId } },
                  body: { email: email.trim(), roles, ...(roles.includes('guest') ? { datasourceIds } : {}) },
                }),
              );
              announce(`${person.email} is invited. They accept after signing in with that email.`);
              closeInvite();
              people.reload();
            } catch (failure) {
              if (failure instanceof ApiError && failure.status === 409)
                setErrors({ email: 'This person is already invited or a member.' });
              else if (failure instanceof ApiError && failure.status === 400)
                setErrors({
                  email: failure.detailFor('email'),
                  roles: failure.detailFor('roles'),
                  form: failure.body.details?.length ? undefined : failure.body.message,
                });
              else setErrors({ form: describeError(failure) });
            } finally {
              setBusy(false);
            }
          })}
        >
          <Field label="Email" type="email" value={email} onInput={setEmail} error={errors.email} required autoFocus />
          <RolePicker value={roles} onChange={setRoles} error={errors.roles} />
          {roles.includes('guest') && <DatasourcePicker orgId={orgId} value={datasourceIds} onChange={setDatasourceIds} />}
          {errors.form && (
            <p class="error" role="alert">
              {errors.form}
            </p>
          )}
          <div class="buttons">
            <button type="button" onClick={closeInvite}>
              Cancel
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Inviting…' : 'Invite'}
            </button>
          </div>
        </form>
      </Dialog>

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
        <ConfirmDialog
          title={
            pending.person.status === 'pending'
              ? `Withdraw the invitation of ${pending.person.email}?`
              : `Remove ${pending.person.email}?`
          }
          open
          confirmLabel={pending.person.status === 'pending' ? 'Withdraw' : 'Remove'}
          busy={busy}
          error={error}
          onClose={() => {
            setError(undefined);
            setPending(undefined);
          }}
          onConfirm={eventHandler(async () => {
            setBusy(true);
            setError(undefined);
            try {
              await unwrap(
                api.DELETE('/admin/orgs/{orgId}/people/{email}', { params: { path: { orgId, email: pending.person.email } } }),
              );
              announce(`${pending.person.email} removed.`);
              setPending(undefined);
              people.reload();
            } catch (failure) {
              setError((failure instanceof ApiError && explainLastAdmin(failure, pending.person)) || describeError(failure));
            } finally {
              setBusy(false);
            }
          })}
        >
          <p>They lose access to this organization at once.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
