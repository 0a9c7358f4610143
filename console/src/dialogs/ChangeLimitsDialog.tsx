import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { announce, eventHandler, Field, FormEnd } from '../components/common';
import { Dialog } from '../components/Dialog';

export type Limits = Schemas['ApplicationDetail']['limits'];
type LimitName = keyof Limits;

/** The three limits, in the words the screen and the dialog use for them. */
export const LIMIT_FIELDS: { name: LimitName; label: string; hint: string }[] = [
  { name: 'requestsPerSecond', label: 'Requests a second', hint: 'The steady rate the application may keep up.' },
  { name: 'burst', label: 'Burst', hint: 'The most requests at once, above the steady rate for a moment.' },
  { name: 'requestsPerDay', label: 'Requests a day', hint: 'Counted per UTC day.' },
];

/** "Change limits": an application's requests a second, burst and requests a day (contract section 7). */
export function ChangeLimitsDialog(props: {
  orgId: string;
  application: { applicationId: string; name: string; limits: Limits };
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  return (
    <Dialog title={`Change limits of ${props.application.name}`} open={props.open} onClose={props.onClose}>
      {/* Rendered only while open, so each opening starts from the limits in force. */}
      <LimitsForm {...props} />
    </Dialog>
  );
}

function LimitsForm(props: Parameters<typeof ChangeLimitsDialog>[0]) {
  const [values, setValues] = useState(
    () =>
      Object.fromEntries(LIMIT_FIELDS.map(({ name }) => [name, String(props.application.limits[name])])) as Record<
        LimitName,
        string
      >,
  );
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<LimitName, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={eventHandler(async (event) => {
        event.preventDefault();
        setBusy(true);
        setFieldErrors({});
        setError(undefined);
        try {
          // Sent as typed: the API says what is wrong with a value, next to its field.
          await unwrap(
            api.PUT('/admin/orgs/{orgId}/applications/{applicationId}/limits', {
              params: { path: { orgId: props.orgId, applicationId: props.application.applicationId } },
              body: {
                requestsPerSecond: Number(values.requestsPerSecond),
                burst: Number(values.burst),
                requestsPerDay: Number(values.requestsPerDay),
              },
            }),
          );
          announce(`Limits of ${props.application.name} changed; they take effect within seconds.`);
          props.onSaved();
        } catch (failure) {
          const details = failure instanceof ApiError && failure.status === 400 ? failure : undefined;
          const perField = Object.fromEntries(LIMIT_FIELDS.map(({ name }) => [name, details?.detailFor(name)]));
          setFieldErrors(perField);
          if (!Object.values(perField).some(Boolean)) setError(describeError(failure));
        } finally {
          setBusy(false);
        }
      })}
    >
      <p>
        Over a limit, the application's requests are answered 429 with Retry-After. The application sees its limits in GET
        /v2/whoami.
      </p>
      {LIMIT_FIELDS.map((field, index) => (
        <Field
          key={field.name}
          label={field.label}
          type="number"
          value={values[field.name]}
          onInput={(value) => setValues((previous) => ({ ...previous, [field.name]: value }))}
          error={fieldErrors[field.name]}
          hint={field.hint}
          required
          autoFocus={index === 0}
        />
      ))}
      <FormEnd error={error} busy={busy} submit="Save limits" submitting="Saving…" onCancel={props.onClose} />
    </form>
  );
}
