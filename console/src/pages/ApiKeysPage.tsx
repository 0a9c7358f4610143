import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { useDraft } from '../auth/drafts';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, formatTime, LoadState, Table, useLoad } from '../components/common';
import { AddKeyDialog } from '../dialogs/AddKeyDialog';
import { AllowedAddressesDialog, allowedFrom } from '../dialogs/AllowedAddressesDialog';
import { ChangeLimitsDialog, LIMIT_FIELDS } from '../dialogs/ChangeLimitsDialog';
import { DeleteKeyDialog } from '../dialogs/DeleteKeyDialog';
import { NewKeyDialog } from '../dialogs/NewKeyDialog';
import { RegenerateKeyDialog } from '../dialogs/RegenerateKeyDialog';
import { href } from '../routing';

type Key = Schemas['ApiKey'];
type Pending = { kind: 'regenerate'; key: Key } | { kind: 'delete'; key: Key } | { kind: 'addresses'; key: Key };

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
 * regenerate, delete, the addresses each works from), and its limits (change).
 */
export function ApiKeysPage(props: { org: OrgSummary; applicationId: string }) {
  const orgId = props.org.orgId;
  const applicationId = props.applicationId;
  const detail = useLoad(
    () => unwrap(api.GET('/admin/orgs/{orgId}/applications/{applicationId}', { params: { path: { orgId, applicationId } } })),
    [orgId, applicationId],
  );
  // Whether "Add key" is open survives a sign-in round trip (with what was typed in it).
  const [adding, setAdding] = useDraft(`${applicationId}:add-key:open`, false);
  const [pending, setPending] = useState<Pending>();
  const [issued, setIssued] = useState<{ title: string; key: Schemas['IssuedApiKey'] }>();
  const [changingLimits, setChangingLimits] = useState(false);

  const toggle = async (key: Key) => {
    try {
      await unwrap(
        api.PATCH('/admin/orgs/{orgId}/applications/{applicationId}/keys/{keyId}', {
          params: { path: { orgId, applicationId, keyId: key.keyId } },
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
              <th scope="col">Allowed from</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {application.keys.map((key) => (
              <tr key={key.keyId}>
                <th scope="row">
                  <code>{key.hint}</code>
                </th>
                <td data-label="Label">{key.label || '—'}</td>
                <td data-label="Created">{formatTime(key.createdAt)}</td>
                <td data-label="Last used">{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</td>
                <td data-label="Expires">{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</td>
                <td data-label="State">{keyState(key, application.keys)}</td>
                <td data-label="Allowed from">{allowedFrom(key)}</td>
                <td>
                  <ActionsMenu
                    label={`Actions for key ${keyName(key)}`}
                    items={[
                      ...(key.replacedBy ? [] : [{ label: key.enabled ? 'Disable' : 'Enable', onSelect: () => toggle(key) }]),
                      ...(key.replacedBy
                        ? []
                        : [{ label: 'Regenerate', onSelect: () => setPending({ kind: 'regenerate', key }) }]),
                      { label: 'Allowed addresses', onSelect: () => setPending({ kind: 'addresses', key }) },
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

      {adding && (
        <AddKeyDialog
          orgId={orgId}
          applicationId={applicationId}
          onClose={() => setAdding(false)}
          onAdded={(key) => {
            setAdding(false);
            setIssued({ title: 'New API key', key });
            announce('Key added.');
            detail.reload();
          }}
        />
      )}
      {issued && <NewKeyDialog title={issued.title} apiKey={issued.key} onClose={() => setIssued(undefined)} />}
      {pending?.kind === 'regenerate' && (
        <RegenerateKeyDialog
          orgId={orgId}
          applicationId={applicationId}
          keyName={keyName(pending.key)}
          apiKey={pending.key}
          onClose={() => setPending(undefined)}
          onRegenerated={(key, graceSeconds) => {
            setPending(undefined);
            setIssued({ title: 'Regenerated API key', key });
            announce(
              graceSeconds === 0
                ? 'Key regenerated; the old key stopped.'
                : 'Key regenerated; the old key keeps working during the grace period.',
            );
            detail.reload();
          }}
        />
      )}
      {pending?.kind === 'addresses' && (
        <AllowedAddressesDialog
          orgId={orgId}
          applicationId={applicationId}
          keyName={keyName(pending.key)}
          apiKey={pending.key}
          onClose={() => setPending(undefined)}
          onSaved={(message) => {
            setPending(undefined);
            announce(message);
            detail.reload();
          }}
        />
      )}
      {pending?.kind === 'delete' && (
        <DeleteKeyDialog
          orgId={orgId}
          applicationId={applicationId}
          keyName={keyName(pending.key)}
          apiKey={pending.key}
          onClose={() => setPending(undefined)}
          onDeleted={(message) => {
            setPending(undefined);
            announce(message);
            detail.reload();
          }}
        />
      )}
    </>
  );
}
