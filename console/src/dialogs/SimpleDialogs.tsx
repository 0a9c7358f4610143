import { useState } from 'preact/hooks';
import { ApiError, describeError, type Role } from '../api/client';
import { eventHandler, Field, FormEnd, RolePicker } from '../components/common';
import { DatasourcePicker } from '../components/DatasourcePicker';
import { Dialog } from '../components/Dialog';

/** One text field and OK (rename an application, ...). */
export function TextDialog(props: {
  title: string;
  label: string;
  initial: string;
  open: boolean;
  onClose: () => void;
  onSave: (value: string) => Promise<void>;
}) {
  const [value, setValue] = useState(props.initial);
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          setFieldError(undefined);
          try {
            await props.onSave(value);
          } catch (failure) {
            const nameError = failure instanceof ApiError ? failure.detailFor('name') : undefined;
            if (nameError) setFieldError(nameError);
            else setError(describeError(failure));
          } finally {
            setBusy(false);
          }
        })}
      >
        <Field label={props.label} value={value} onInput={setValue} error={fieldError} required autoFocus />
        <FormEnd error={error} busy={busy} submit="Save" submitting="Saving…" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** Change the roles (and a guest's datasources) of a person or a connection. */
export function RolesDialog(props: {
  title: string;
  orgId: string;
  initialRoles: Role[];
  initialDatasourceIds?: string[];
  open: boolean;
  onClose: () => void;
  onSave: (roles: Role[], datasourceIds: string[] | undefined) => Promise<void>;
  explain?: (failure: ApiError) => string | undefined;
}) {
  const [roles, setRoles] = useState(props.initialRoles);
  const [datasourceIds, setDatasourceIds] = useState(props.initialDatasourceIds ?? []);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await props.onSave(roles, roles.includes('guest') ? datasourceIds : undefined);
          } catch (failure) {
            setError(
              failure instanceof ApiError
                ? (props.explain?.(failure) ?? failure.detailFor('roles') ?? describeError(failure))
                : describeError(failure),
            );
          } finally {
            setBusy(false);
          }
        })}
      >
        <RolePicker value={roles} onChange={setRoles} />
        {roles.includes('guest') && <DatasourcePicker orgId={props.orgId} value={datasourceIds} onChange={setDatasourceIds} />}
        <FormEnd error={error} busy={busy} submit="Save" submitting="Saving…" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
