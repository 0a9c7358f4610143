import { useState } from 'preact/hooks';
import { api, unwrap, type Schemas } from '../api/client';
import { AddressRangesField, parseRanges, rangesError } from '../components/AddressRangesField';
import { eventHandler, FormEnd, useAction } from '../components/common';
import { Dialog } from '../components/Dialog';

/** A key's ranges as the screen says them (each kept whole unless the screen is too narrow for it). */
export function allowedFrom(key: Schemas['ApiKey']) {
  if (!key.allowedCidrs || key.allowedCidrs.length === 0) return 'any address';
  return key.allowedCidrs.flatMap((range, index) => [index > 0 ? ', ' : '', <code key={range}>{range}</code>]);
}

/**
 * "Allowed addresses" of a key: the ranges the data API accepts it from (AddressRangesField);
 * saved empty, any address.
 */
export function AllowedAddressesDialog(props: {
  orgId: string;
  applicationId: string;
  keyName: string;
  apiKey: Schemas['ApiKey'];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const [text, setText] = useState((props.apiKey.allowedCidrs ?? []).join('\n'));
  const [fieldError, setFieldError] = useState<string>();
  const action = useAction();
  const ranges = parseRanges(text);
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
    const message = rangesError(failure, ranges);
    if (message === undefined) return undefined;
    setFieldError(message);
    return '';
  };
  return (
    <Dialog title={`Allowed addresses of key ${props.keyName}`} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          setFieldError(undefined);
          await action.run(save, explain);
        })}
      >
        <AddressRangesField value={text} onInput={setText} error={fieldError} autoFocus />
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
