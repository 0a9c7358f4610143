import { useState } from 'preact/hooks';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { eventHandler, Field, FormEnd, useAction } from '../components/common';
import { Dialog } from '../components/Dialog';

/** An org's report requests a UTC day, all its connected applications together (the API's limit). */
const REPORTS_PER_DAY = 30;

/** A connection's share as its row in the Applications screen says it. */
export function reportShareText(connection: Pick<Schemas['Connection'], 'reportShare'>): string {
  if (connection.reportShare === 0) return 'none';
  return `${connection.reportShare} of ${REPORTS_PER_DAY} a day`;
}

/**
 * "Report share" of a connected application: how many of this org's 30 report requests a UTC
 * day it may make (0 to 30; 30, the default, is the whole quota), so one application cannot
 * leave none to the others. Past it the application's report requests are answered 429.
 */
export function ReportShareDialog(props: {
  orgId: string;
  connection: Schemas['Connection'];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const name = props.connection.applicationName;
  const [value, setValue] = useState(String(props.connection.reportShare));
  const [fieldError, setFieldError] = useState<string>();
  const action = useAction();
  const save = async () => {
    // Sent as typed: the API says what is wrong with it (31, 1.5), next to the field.
    const share = Number(value);
    const saved = await unwrap(
      api.PATCH('/admin/orgs/{orgId}/connections/{applicationId}', {
        params: { path: { orgId: props.orgId, applicationId: props.connection.applicationId } },
        body: { reportShare: share },
      }),
    );
    props.onSaved(
      saved.reportShare === 0
        ? `${name} may make no report requests here now.`
        : `${name} may make ${saved.reportShare} of this organization's ${REPORTS_PER_DAY} report requests a day.`,
    );
  };
  const explain = (failure: unknown) => {
    const detail = failure instanceof ApiError && failure.status === 400 ? failure.detailFor('reportShare') : undefined;
    if (detail === undefined) return undefined;
    setFieldError(detail);
    return '';
  };
  return (
    <Dialog title={`Report share of ${name}`} open onClose={props.onClose}>
      <form
        onSubmit={eventHandler(async (event: Event) => {
          event.preventDefault();
          setFieldError(undefined);
          await action.run(save, explain);
        })}
      >
        <p>
          This organization may request {REPORTS_PER_DAY} reports a UTC day, all its connected applications together. Give {name}{' '}
          a share of them so it cannot leave none to the others; past its share its report requests are refused (429) until
          midnight UTC.
        </p>
        <Field
          label="Report requests a day"
          type="number"
          value={value}
          onInput={setValue}
          error={fieldError}
          hint={`0 to ${REPORTS_PER_DAY}; ${REPORTS_PER_DAY} lets it use the whole quota, 0 none of it.`}
          required
          autoFocus
        />
        <FormEnd
          error={action.error || undefined}
          busy={action.busy}
          submit="Save share"
          submitting="Saving…"
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
