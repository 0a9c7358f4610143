import { useId, useState } from 'preact/hooks';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { eventHandler, FormEnd, useAction } from '../components/common';
import { Dialog } from '../components/Dialog';

/** A key's ranges as the screen says them (each kept whole unless the screen is too narrow for it). */
export function allowedFrom(key: Schemas['ApiKey']) {
  if (!key.allowedCidrs || key.allowedCidrs.length === 0) return 'any address';
  return key.allowedCidrs.flatMap((range, index) => [index > 0 ? ', ' : '', <code key={range}>{range}</code>]);
}

/**
 * "Allowed addresses" of a key: the IPv4 and IPv6 ranges (CIDR) the data API accepts it from,
 * one a line; empty: any address. A range the API refuses (its 400 names it by index,
 * `allowedCidrs.2`) is said next to the field, with the range it concerns.
 */
export function AllowedAddressesDialog(props: {
  orgId: string;
  applicationId: string;
  keyName: string;
  apiKey: Schemas['ApiKey'];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const fieldId = useId();
  const [text, setText] = useState((props.apiKey.allowedCidrs ?? []).join('\n'));
  const [fieldError, setFieldError] = useState<string>();
  const action = useAction();
  const ranges = text
    .split(/[\s,]+/)
    .map((range) => range.trim())
    .filter(Boolean);
  const save = async () => {
    await unwrap(
      api.PATCH('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}', {
        params: { path: { orgId: props.orgId, applicationId: props.applicationId, keyId: props.apiKey.keyId } },
        body: { allowedCidrs: ranges.length > 0 ? ranges : null },
      }),
    );
    props.onSaved(
      ranges.length > 0
        ? `Key ${props.keyName} now works only from ${ranges.join(', ')}, within 10 seconds.`
        : `Key ${props.keyName} now works from any address.`,
    );
  };
  /** A 400 about the ranges goes next to the field; anything else to the form's alert. */
  const explain = (failure: unknown) => {
    const detail =
      failure instanceof ApiError && failure.status === 400
        ? failure.body.details?.find((entry) => entry.path === 'allowedCidrs' || entry.path?.startsWith('allowedCidrs.'))
        : undefined;
    if (!detail) return undefined;
    const range = ranges[Number(detail.path?.split('.')[1])];
    setFieldError(range === undefined || detail.message.includes(range) ? detail.message : `${range}: ${detail.message}`);
    return '';
  };
  const described = [`${fieldId}-hint`, fieldError && `${fieldId}-error`].filter(Boolean).join(' ');
  return (
    <Dialog title={`Allowed addresses of key ${props.keyName}`} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          setFieldError(undefined);
          await action.run(save, explain);
        })}
      >
        <div class="field">
          <label for={fieldId}>Address ranges</label>
          <small id={`${fieldId}-hint`} class="hint">
            One IPv4 or IPv6 range a line, such as 203.0.113.0/24 or 2001:db8::/32 (a bare address is one host). The data API
            refuses the key from any other address (403). Leave empty to allow any address.
          </small>
          <textarea
            id={fieldId}
            rows={5}
            value={text}
            spellcheck={false}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={described}
            onInput={(event) => setText(event.currentTarget.value)}
            autoFocus
          />
          {fieldError && (
            <p id={`${fieldId}-error`} class="error">
              {fieldError}
            </p>
          )}
        </div>
        <FormEnd
          error={action.error || undefined}
          busy={action.busy}
          submit="Save addresses"
          submitting="Saving…"
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
