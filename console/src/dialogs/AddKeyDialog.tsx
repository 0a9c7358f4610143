import { useState } from 'preact/hooks';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { AddressRangesField, parseRanges, rangesError } from '../components/AddressRangesField';
import { eventHandler, Field, FormEnd } from '../components/common';
import { Dialog } from '../components/Dialog';

/**
 * "Add key": a label, an optional expiry and the address ranges it works from (the field of
 * "Allowed addresses"; empty: any address); the new key is handed to `onAdded` to be shown once.
 */
export function AddKeyDialog(props: {
  orgId: string;
  applicationId: string;
  onClose: () => void;
  onAdded: (key: Schemas['IssuedApiKey']) => void;
}) {
  const draft = `${props.applicationId}:add-key`;
  const [label, setLabel] = useDraft(`${draft}:label`, '');
  const [expiry, setExpiry] = useDraft(`${draft}:expiry`, '');
  const [rangesText, setRangesText] = useDraft(`${draft}:ranges`, '');
  const [fieldErrors, setFieldErrors] = useState<{ label?: string; expiresAt?: string; allowedCidrs?: string }>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const close = () => {
    clearDrafts(draft);
    props.onClose();
  };
  return (
    <Dialog title="Add key" open onClose={close}>
      <form
        onSubmit={eventHandler(async (event) => {
          event.preventDefault();
          setBusy(true);
          setFieldErrors({});
          setError(undefined);
          const ranges = parseRanges(rangesText);
          try {
            const key = await unwrap(
              api.POST('/admin/orgs/{orgId}/applications/{applicationId}/keys', {
                params: { path: { orgId: props.orgId, applicationId: props.applicationId } },
                body: {
                  ...(label.trim() ? { label } : {}),
                  ...(expiry ? { expiresAt: new Date(expiry).toISOString() } : {}),
                  ...(ranges.length > 0 ? { allowedCidrs: ranges } : {}),
                },
              }),
            );
            clearDrafts(draft);
            props.onAdded(key);
          } catch (failure) {
            if (failure instanceof ApiError && failure.status === 400)
              setFieldErrors({
                label: failure.detailFor('label'),
                expiresAt: failure.detailFor('expiresAt'),
                allowedCidrs: rangesError(failure, ranges),
              });
            if (!(failure instanceof ApiError) || !failure.body.details?.length) setError(describeError(failure));
          } finally {
            setBusy(false);
          }
        })}
      >
        <Field
          label="Label"
          value={label}
          onInput={setLabel}
          error={fieldErrors.label}
          hint="Where the key is used, e.g. staging."
          autoFocus
        />
        <Field
          label="Expires (optional)"
          type="datetime-local"
          value={expiry}
          onInput={setExpiry}
          error={fieldErrors.expiresAt}
        />
        <AddressRangesField value={rangesText} onInput={setRangesText} error={fieldErrors.allowedCidrs} optional />
        <FormEnd error={error} busy={busy} submit="Add key" submitting="Adding…" onCancel={close} />
      </form>
    </Dialog>
  );
}
