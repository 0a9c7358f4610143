import { useState } from 'preact/hooks';
import { api, unwrap, type Schemas } from '../api/client';
import { eventHandler, FormEnd, useAction } from '../components/common';
import { Dialog } from '../components/Dialog';

const GRACE_CHOICES = [
  { seconds: 0, label: 'Now (the old key stops at once)' },
  { seconds: 3600, label: 'In 1 hour' },
  { seconds: 86400, label: 'In 1 day' },
  { seconds: 604800, label: 'In 7 days' },
];

/** "Regenerate": a successor key, and how long the old one keeps working. */
export function RegenerateKeyDialog(props: {
  orgId: string;
  applicationId: string;
  keyName: string;
  apiKey: Schemas['ApiKey'];
  onClose: () => void;
  onRegenerated: (key: Schemas['IssuedApiKey'], graceSeconds: number) => void;
}) {
  const [grace, setGrace] = useState(3600);
  const action = useAction();
  return (
    <Dialog title={`Regenerate key ${props.keyName}`} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          await action.run(async () => {
            const key = await unwrap(
              api.POST('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}/regenerate', {
                params: { path: { orgId: props.orgId, applicationId: props.applicationId, keyId: props.apiKey.keyId } },
                body: { graceSeconds: grace },
              }),
            );
            props.onRegenerated(key, grace);
          });
        })}
      >
        <fieldset>
          <legend>When should the old key stop working?</legend>
          {GRACE_CHOICES.map((choice) => (
            <label class="check" key={choice.seconds}>
              <input type="radio" name="grace" checked={grace === choice.seconds} onChange={() => setGrace(choice.seconds)} />
              <span>{choice.label}</span>
            </label>
          ))}
        </fieldset>
        <FormEnd
          error={action.error}
          busy={action.busy}
          submit="Regenerate"
          submitting="Regenerating…"
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
