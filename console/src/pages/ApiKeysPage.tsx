import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, eventHandler, Field, FormEnd, formatTime, LoadState, Table, useLoad } from '../components/common';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { ChangeLimitsDialog, LIMIT_FIELDS } from '../dialogs/ChangeLimitsDialog';
import { ShownOnce } from '../components/ShownOnce';
import { href } from '../routing';

type Key = Schemas['ApiKey'];
type Pending = { kind: 'regenerate'; key: Key } | { kind: 'delete'; key: Key };

const GRACE_CHOICES = [
  { seconds: 0, label: 'Now (the old key stops at once)' },
  { seconds: 3600, label: 'In 1 hour' },
  { seconds: 86400, label: 'In 1 day' },
  { seconds: 604800, label: 'In 7 days' },
];

const keyName = (key: Key) => (key.label ? `${key.label} (${key.hint})` : key.hint);

function keyState(key: Key, keys: Key[]): string {
  if (key.replacedBy) {
    const successor = keys.find((candidate) => candidate.keyId === key.replacedBy);
    return `Replaced by ${successor ? successor.hint : key.replacedBy}; works until ${formatTime(key.expiresAt)}`;
  }
  if (!key.enabled) return 'Disabled';
  if (key.expiresAt && new Date(key.expiresAt) <= new Date()) return 'Expired';
  return 'Enabled';
}

/**
 * Actions > API Keys, the application's screen: its keys, shown by hint (add, enable/disable,
 * regenerate, delete), and its limits (change).
 */
export function ApiKeysPage(props: { org: OrgSummary; applicationId: string }) {
  const params = { params: { path: { orgId: props.org.orgId, applicationId: props.applicationId } } };
  const detail = useLoad(
    () => unwrap(api.GET('/admin/orgs/{orgId}/applications/{applicationId}', params)),
    [props.applicationId],
  );
  const draft = `${props.applicationId}:add-key`;
  const [adding, setAdding] = useDraft(`${draft}:open`, false);
  const [label, setLabel] = useDraft(`${draft}:label`, '');
  const [expiry, setExpiry] = useDraft(`${draft}:expiry`, '');
  const [pending, setPending] = useState<Pending>();
  const [grace, setGrace] = useState(3600);
  const [issued, setIssued] = useState<{ title: string; key: Schemas['IssuedApiKey'] }>();
  const [changingLimits, setChangingLimits] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<{ label?: string; expiresAt?: string }>({});

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      detail.reload();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const closeAdd = () => {
    clearDrafts(draft);
    setLabel('');
    setExpiry('');
    setFieldErrors({});
    setError(undefined);
    setAdding(false);
  };
  const keyPath = (key: Key) => ({ params: { path: { ...params.params.path, keyId: key.keyId } } });
  const toggle = async (key: Key) => {
    try {
      await unwrap(
        api.PATCH('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}', {
          ...keyPath(key),
          body: { enabled: !key.enabled },
        }),
      );
      announce(`Key ${keyName(key)} ${key.enabled ? 'disabled: it stops working within 10 seconds' : 'enabled'}.`);
      detail.reload();
    } catch (failure) {
      announce(`Could not change key ${keyName(key)}: ${describeError(failure)}`);
    }
  };

  const application = detail.data;
  return (
    <>
      <p>
        <a href={href({ screen: 'applications', orgId: props.org.orgId })}>← Applications</a>
      </p>
      <h1>API keys{application && ` of ${application.name}`}</h1>
      <p class="lede">Keys are shown by their hint only. An application holds at most 20 keys.</p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setAdding(true)} disabled={!application}>
          Add key
        </button>
      </div>
      <LoadState loading={detail.loading && !application} error={detail.error} what="the keys" />
      {application?.keys.length === 0 && <EmptyState>This application has no keys. Use "Add key" to issue one.</EmptyState>}
      {application && application.keys.length > 0 && (
        <Table caption={`API keys of ${application.name}`}>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Label</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {application.keys.map((key) => (
              <tr key={key.keyId}>
                <th scope="row">
                  <code>{key.hint}</code>
                </th>
                <td>{key.label || '—'}</td>
                <td>{formatTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</td>
                <td>{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</td>
                <td>{keyState(key, application.keys)}</td>
                <td>
                  <ActionsMenu
                    label={`Actions for key ${keyName(key)}`}
                    items={[
                      ...(key.replacedBy ? [] : [{ label: key.enabled ? 'Disable' : 'Enable', onSelect: () => toggle(key) }]),
                      ...(key.replacedBy
                        ? []
                        : [{ label: 'Regenerate', onSelect: () => setPending({ kind: 'regenerate', key }) }]),
                      { label: 'Delete', danger: true, onSelect: () => setPending({ kind: 'delete', key }) },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      {application && (
        <section class="limits" aria-labelledby="limits-heading">
          <h2 id="limits-heading">Limits</h2>
          <p class="lede">
            {application.limitsAreDefaults
              ? "This deployment's defaults: no admin has set limits for this application."
              : 'Set by an admin of this organization.'}{' '}
            Over a limit, the application's requests are answered 429 with Retry-After.
          </p>
          <Table caption={`Limits of ${application.name}`}>
            <tbody>
              {LIMIT_FIELDS.map((field) => (
                <tr key={field.name}>
                  <th scope="row">{field.label}</th>
                  <td>{application.limits[field.name].toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div class="toolbar">
            <button type="button" onClick={() => setChangingLimits(true)}>
              Change limits
            </button>
          </div>
          <ChangeLimitsDialog
            orgId={props.org.orgId}
            application={application}
            open={changingLimits}
            onClose={() => setChangingLimits(false)}
            onSaved={() => {
              setChangingLimits(false);
              detail.reload();
            }}
          />
        </section>
      )}

      <Dialog title="Add key" open={adding} onClose={closeAdd}>
        <form
          onSubmit={eventHandler(async (event) => {
            event.preventDefault();
            setBusy(true);
            setFieldErrors({});
            setError(undefined);
            try {
              const key = await unwrap(
                api.POST('/admin/orgs/{orgId}/applications/{applicationId}/keys', {
                  ...params,
                  body: { ...(label.trim() ? { label } : {}), ...(expiry ? { expiresAt: new Date(expiry).toISOString() } : {}) },
                }),
              );
              closeAdd();
              setIssued({ title: 'New API key', key });
              announce('Key added.');
              detail.reload();
            } catch (failure) {
              if (failure instanceof ApiError && failure.status === 400)
                setFieldErrors({ label: failure.detailFor('label'), expiresAt: failure.detailFor('expiresAt') });
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
          <FormEnd error={error} busy={busy} submit="Add key" submitting="Adding…" onCancel={closeAdd} />
        </form>
      </Dialog>

      <Dialog title={issued?.title ?? ''} open={issued !== undefined} onClose={() => setIssued(undefined)}>
        {issued && (
          <>
            <ShownOnce label="API key" value={issued.key.key} />
            <div class="buttons">
              <button type="button" class="primary" onClick={() => setIssued(undefined)} autoFocus>
                Done
              </button>
            </div>
          </>
        )}
      </Dialog>

      {pending?.kind === 'regenerate' && (
        <Dialog title={`Regenerate key ${keyName(pending.key)}`} open onClose={() => setPending(undefined)}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void run(async () => {
                const key = await unwrap(
                  api.POST('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}/regenerate', {
                    ...keyPath(pending.key),
                    body: { graceSeconds: grace },
                  }),
                );
                setPending(undefined);
                setIssued({ title: 'Regenerated API key', key });
                announce(
                  grace === 0
                    ? 'Key regenerated; the old key stopped.'
                    : 'Key regenerated; the old key keeps working during the grace period.',
                );
              });
            }}
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
              error={error}
              busy={busy}
              submit="Regenerate"
              submitting="Regenerating…"
              onCancel={() => setPending(undefined)}
            />
          </form>
        </Dialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete key ${keyName(pending.key)}?`}
          open
          confirmLabel="Delete key"
          busy={busy}
          error={error}
          onClose={() => setPending(undefined)}
          onConfirm={eventHandler(() =>
            run(async () => {
              await unwrap(api.DELETE('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}', keyPath(pending.key)));
              setPending(undefined);
              announce(`Key ${keyName(pending.key)} deleted.`);
            }),
          )}
        >
          <p>Software using this key is refused within 10 seconds. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
