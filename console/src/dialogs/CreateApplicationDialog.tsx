import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { announce, DoneEnd, eventHandler, Field, FormEnd } from '../components/common';
import { CopyButton } from '../components/CopyButton';
import { Dialog } from '../components/Dialog';
import { ShownOnce } from '../components/ShownOnce';

/** "Create application": a name, then the application ID and its first key, shown once. */
export function CreateApplicationDialog(props: { orgId: string; open: boolean; onClose: () => void; onCreated: () => void }) {
  const draft = `${props.orgId}:create-application`;
  const [name, setName] = useDraft(`${draft}:name`, '');
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ application: Schemas['Application']; apiKey: Schemas['IssuedApiKey'] }>();

  const close = () => {
    clearDrafts(draft);
    setName('');
    setCreated(undefined);
    setError(undefined);
    setFieldError(undefined);
    props.onClose();
  };

  return (
    <Dialog title={created ? 'Application created' : 'Create application'} open={props.open} onClose={close}>
      {created ? (
        <div>
          <p class="field-label">Application ID</p>
          <p>
            <code>{created.application.applicationId}</code>{' '}
            <CopyButton value={created.application.applicationId} label="Copy application ID" />
          </p>
          <ShownOnce label="API key" value={created.apiKey.key} />
          <p>
            The application is not connected to any organization yet, this one included: use "Connect application" to let it read
            data.
          </p>
          <DoneEnd onDone={close} />
        </div>
      ) : (
        <form
          onSubmit={eventHandler(async (event) => {
            event.preventDefault();
            setBusy(true);
            setError(undefined);
            setFieldError(undefined);
            try {
              const answer = await unwrap(
                api.POST('/admin/orgs/{orgId}/applications', { params: { path: { orgId: props.orgId } }, body: { name } }),
              );
              setCreated(answer);
              announce(`Application ${answer.application.name} created.`);
              props.onCreated();
            } catch (failure) {
              const nameError = failure instanceof ApiError ? failure.detailFor('name') : undefined;
              if (nameError) setFieldError(nameError);
              else setError(describeError(failure));
            } finally {
              setBusy(false);
            }
          })}
        >
          <Field label="Name" value={name} onInput={setName} error={fieldError} required autoFocus />
          <FormEnd error={error} busy={busy} submit="OK" submitting="Creating…" onCancel={close} />
        </form>
      )}
    </Dialog>
  );
}
