import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Role } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { announce, eventHandler, Field, FormEnd, RolePicker } from '../components/common';
import { DatasourcePicker } from '../components/DatasourcePicker';
import { Dialog } from '../components/Dialog';

/** "Invite person": an email and roles (a guest's datasources too); they accept after signing in. */
export function InvitePersonDialog(props: { orgId: string; onClose: () => void; onInvited: () => void }) {
  const draft = `${props.orgId}:invite`;
  const [email, setEmail] = useDraft(`${draft}:email`, '');
  const [roles, setRoles] = useDraft<Role[]>(`${draft}:roles`, ['observer']);
  const [datasourceIds, setDatasourceIds] = useDraft<string[]>(`${draft}:datasourceIds`, []);
  const [errors, setErrors] = useState<{ email?: string; roles?: string; datasourceIds?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const close = () => {
    clearDrafts(draft);
    props.onClose();
  };
  return (
    <Dialog title="Invite person" open onClose={close}>
      <form
        onSubmit={eventHandler(async (event) => {
          event.preventDefault();
          setBusy(true);
          setErrors({});
          try {
            const person = await unwrap(
              api.POST('/admin/orgs/{orgId}/people', {
                params: { path: { orgId: props.orgId } },
                body: { email: email.trim(), roles, ...(roles.includes('guest') ? { datasourceIds } : {}) },
              }),
            );
            announce(`${person.email} is invited. They accept after signing in with that email.`);
            clearDrafts(draft);
            props.onInvited();
          } catch (failure) {
            if (failure instanceof ApiError && failure.status === 409)
              setErrors({ email: 'This person is already invited or a member.' });
            else if (failure instanceof ApiError && failure.status === 400)
              setErrors({
                email: failure.detailFor('email'),
                roles: failure.detailFor('roles'),
                datasourceIds: failure.detailFor('datasourceIds'),
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
        {roles.includes('guest') && (
          <DatasourcePicker orgId={props.orgId} value={datasourceIds} onChange={setDatasourceIds} error={errors.datasourceIds} />
        )}
        <FormEnd error={errors.form} busy={busy} submit="Invite" submitting="Inviting…" onCancel={close} />
      </form>
    </Dialog>
  );
}
