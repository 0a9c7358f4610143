import { useId, useState } from 'preact/hooks';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { eventHandler, FormEnd, useAction } from '../components/common';
import { Dialog } from '../components/Dialog';

type Policy = Schemas['Application']['connectPolicy'];

/** Each policy in the dialog's words. */
const POLICY_CHOICES: { policy: Policy; label: string; hint: string }[] = [
  { policy: 'anyone', label: 'Any organization given its ID', hint: 'the default' },
  { policy: 'listed', label: 'Your organization and the organizations you list', hint: 'by organization ID' },
  { policy: 'owner-only', label: 'Only your organization', hint: 'no other organization can connect it' },
];

/** Who may connect an application, as its row in the Applications screen says it. */
export function connectPolicyText(application: { connectPolicy: Policy; allowedOrgs?: string[] }): string {
  if (application.connectPolicy === 'owner-only') return 'Only this organization';
  if (application.connectPolicy === 'anyone') return 'Any organization given its ID';
  const listed = application.allowedOrgs?.length ?? 0;
  return `This organization and ${listed} listed ${listed === 1 ? 'organization' : 'organizations'}`;
}

/**
 * "Who may connect": the application's connect policy (any org given its ID, the listed orgs,
 * the owner only) and, for `listed`, the org IDs, one a line. Existing connections stay; the
 * owner ends them one by one under "Orgs connected". A list the API refuses (a malformed ID) is
 * explained next to the field.
 */
export function ConnectPolicyDialog(props: {
  orgId: string;
  application: { applicationId: string; name: string; connectPolicy: Policy; allowedOrgs?: string[] };
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const fieldId = useId();
  const [policy, setPolicy] = useState<Policy>(props.application.connectPolicy);
  const [orgs, setOrgs] = useState((props.application.allowedOrgs ?? []).join('\n'));
  const [fieldError, setFieldError] = useState<string>();
  const action = useAction();
  const allowedOrgs = orgs
    .split(/[\s,]+/)
    .map((orgId) => orgId.trim())
    .filter(Boolean);
  const save = async () => {
    const saved = await unwrap(
      api.PATCH('/admin/orgs/{orgId}/applications/{applicationId}', {
        params: { path: { orgId: props.orgId, applicationId: props.application.applicationId } },
        body: { connectPolicy: policy, ...(policy === 'listed' ? { allowedOrgs } : {}) },
      }),
    );
    props.onSaved(`${props.application.name}: ${connectPolicyText(saved).toLowerCase()} may connect it.`);
  };
  const explain = (failure: unknown) => {
    const detail = failure instanceof ApiError && failure.status === 400 ? failure.detailFor('allowedOrgs') : undefined;
    if (!detail) return undefined;
    const index =
      failure instanceof ApiError ? failure.body.details?.find((entry) => entry.path?.startsWith('allowedOrgs.')) : undefined;
    const orgId = index ? allowedOrgs[Number(index.path!.split('.')[1])] : undefined;
    setFieldError(orgId === undefined || detail.includes(orgId) ? detail : `${orgId}: ${detail}`);
    return '';
  };
  const described = [`${fieldId}-hint`, fieldError && `${fieldId}-error`].filter(Boolean).join(' ');
  return (
    <Dialog title={`Who may connect ${props.application.name}`} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          setFieldError(undefined);
          await action.run(save, explain);
        })}
      >
        <fieldset>
          <legend>Who may connect it</legend>
          {POLICY_CHOICES.map((choice) => (
            <label class="check" key={choice.policy}>
              <input
                type="radio"
                name="connect-policy"
                checked={policy === choice.policy}
                onChange={() => setPolicy(choice.policy)}
              />
              <span>
                {choice.label}
                <small> — {choice.hint}</small>
              </span>
            </label>
          ))}
        </fieldset>
        {policy === 'listed' && (
          <div class="field">
            <label for={fieldId}>Organization IDs</label>
            <small id={`${fieldId}-hint`} class="hint">
              One a line (org_…), as the other organization's admins see it on their Organizations screen. Their admins can then
              connect the application.
            </small>
            <textarea
              id={fieldId}
              rows={4}
              value={orgs}
              spellcheck={false}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={described}
              onInput={(event) => setOrgs(event.currentTarget.value)}
            />
            {fieldError && (
              <p id={`${fieldId}-error`} class="error">
                {fieldError}
              </p>
            )}
          </div>
        )}
        <p class="hint">
          Organizations connected now stay connected; end a connection under "Orgs connected" on the Applications screen.
        </p>
        <FormEnd
          error={action.error || undefined}
          busy={action.busy}
          submit="Save"
          submitting="Saving…"
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
