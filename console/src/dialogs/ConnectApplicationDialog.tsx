import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Role } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { announce, eventHandler, Field, FormEnd, RolePicker } from '../components/common';
import { DatasourcePicker } from '../components/DatasourcePicker';
import { Dialog } from '../components/Dialog';

/** "Connect application": an application ID (this org's or another's), roles (Observer recommended). */
export function ConnectApplicationDialog(props: { orgId: string; open: boolean; onClose: () => void; onConnected: () => void }) {
  const draft = `${props.orgId}:connect-application`;
  const [applicationId, setApplicationId] = useDraft(`${draft}:applicationId`, '');
  const [roles, setRoles] = useDraft<Role[]>(`${draft}:roles`, ['observer']);
  const [datasourceIds, setDatasourceIds] = useDraft<string[]>(`${draft}:datasourceIds`, []);
  const [errors, setErrors] = useState<{ applicationId?: string; roles?: string; datasourceIds?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const close = () => {
    clearDrafts(draft);
    setApplicationId('');
    setRoles(['observer']);
    setDatasourceIds([]);
    setErrors({});
    props.onClose();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const guest = roles.includes('guest');
      const connection = await unwrap(
        api.POST('/admin/orgs/{orgId}/connections', {
          params: { path: { orgId: props.orgId } },
          body: { applicationId: applicationId.trim(), roles, ...(guest ? { datasourceIds } : {}) },
        }),
      );
      announce(`${connection.applicationName} is connected to this organization as ${connection.roles.join(', ')}.`);
      props.onConnected();
      close();
    } catch (failure) {
      if (!(failure instanceof ApiError)) return setErrors({ form: describeError(failure) });
      if (failure.status === 404)
        setErrors({ applicationId: 'No application has this ID. Check it with the application’s owner.' });
      else if (failure.status === 409)
        setErrors({ applicationId: 'This application is already connected to this organization.' });
      else if (failure.status === 400)
        setErrors({
          applicationId: failure.detailFor('applicationId'),
          roles: failure.detailFor('roles'),
          datasourceIds: failure.detailFor('datasourceIds'),
          form: failure.body.details?.length ? undefined : failure.body.message,
        });
      else setErrors({ form: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Connect application" open={props.open} onClose={close}>
      <form onSubmit={eventHandler(submit)}>
        <Field
          label="Application ID"
          value={applicationId}
          onInput={setApplicationId}
          error={errors.applicationId}
          hint="Ask the application's owner for its ID (app_…)."
          required
          autoFocus
        />
        <RolePicker value={roles} onChange={setRoles} error={errors.roles} recommend="observer" />
        <p class="hint">Observer is read-only: it reads datasources and measurements, which is what the data API needs.</p>
        {roles.includes('guest') && (
          <DatasourcePicker orgId={props.orgId} value={datasourceIds} onChange={setDatasourceIds} error={errors.datasourceIds} />
        )}
        <FormEnd error={errors.form} busy={busy} submit="Connect" submitting="Connecting…" onCancel={close} />
      </form>
    </Dialog>
  );
}
