import { useState } from 'preact/hooks';
import type { OrgSummary } from '../App';
import { api, ApiError, describeError, unwrap, type Schemas } from '../api/client';
import { clearDrafts, useDraft } from '../auth/drafts';
import { ActionsMenu } from '../components/ActionsMenu';
import { announce, EmptyState, eventHandler, Field, formatTime, LoadState, Table, useLoad } from '../components/common';
import { ConfirmDialog, Dialog } from '../components/Dialog';

type Datasource = Schemas['Datasource'];

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/** Datasources: list; add (admin, technician); annotate (admin, technician, analyst); retire (admin, technician). */
export function DatasourcesPage(props: { org: OrgSummary }) {
  const orgId = props.org.orgId;
  const roles = props.org.roles;
  const canManage = roles.some((role) => role === 'admin' || role === 'technician');
  const canAnnotate = canManage || roles.includes('analyst');
  const list = useLoad(
    async () => (await unwrap(api.GET('/admin/orgs/{orgId}/datasources', { params: { path: { orgId } } }))).datasources,
    [orgId],
  );
  const draft = `${orgId}:datasource`;
  const [editing, setEditing] = useDraft<string | undefined>(`${draft}:editing`, undefined);
  const [name, setName] = useDraft(`${draft}:name`, '');
  const [group, setGroup] = useDraft(`${draft}:group`, '');
  const [tags, setTags] = useDraft(`${draft}:tags`, '');
  const [lat, setLat] = useDraft(`${draft}:lat`, '');
  const [lon, setLon] = useDraft(`${draft}:lon`, '');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  const [retiring, setRetiring] = useState<Datasource>();
  const [error, setError] = useState<string>();

  const open = (datasource?: Datasource) => {
    setName(datasource?.name ?? '');
    setGroup(datasource?.group ?? '');
    setTags(datasource?.tags.join(', ') ?? '');
    setLat('');
    setLon('');
    setErrors({});
    setEditing(datasource?.datasourceId ?? 'new');
  };
  const close = () => {
    clearDrafts(draft);
    setEditing(undefined);
  };
  const isNew = editing === 'new';

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      if (isNew) {
        const location = lat || lon ? { location: { lat: Number(lat), lon: Number(lon) } } : {};
        const created = await unwrap(
          api.POST('/admin/orgs/{orgId}/datasources', {
            params: { path: { orgId } },
            body: { name, ...(group ? { group } : {}), tags: tagsOf(tags), ...location },
          }),
        );
        announce(`Datasource ${created.name} added.`);
      } else {
        await unwrap(
          api.PATCH('/admin/orgs/{orgId}/datasources/{datasourceId}', {
            params: { path: { orgId, datasourceId: editing! } },
            body: { name, group, tags: tagsOf(tags) },
          }),
        );
        announce(`Datasource ${name} saved.`);
      }
      close();
      list.reload();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400 && failure.body.details?.length)
        setErrors({
          name: failure.detailFor('name'),
          group: failure.detailFor('group'),
          tags: failure.detailFor('tags'),
          location: failure.detailFor('location'),
        });
      else setErrors({ form: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Datasources</h1>
      <p class="lede">
        The sensors of {props.org.name}. Your roles here: {roles.join(', ')}.{' '}
        {!canAnnotate && 'You can read them; editing needs the analyst, technician or admin role.'}
      </p>
      {canManage && (
        <div class="toolbar">
          <button type="button" class="primary" onClick={() => open()}>
            Add datasource
          </button>
        </div>
      )}
      <LoadState loading={list.loading && !list.data} error={list.error} what="datasources" />
      {list.data?.length === 0 && (
        <EmptyState>
          {canManage
            ? 'No datasources yet. Use "Add datasource" to register a sensor.'
            : 'No datasources yet. A technician or an admin adds them.'}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Table caption={`Datasources of ${props.org.name}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Datasource ID</th>
              <th scope="col">Group</th>
              <th scope="col">Tags</th>
              <th scope="col">Location</th>
              <th scope="col">Added</th>
              {canAnnotate && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.data.map((datasource) => (
              <tr key={datasource.datasourceId}>
                <th scope="row">{datasource.name}</th>
                <td>
                  <code>{datasource.datasourceId}</code>
                </td>
                <td>{datasource.group ?? '—'}</td>
                <td>{datasource.tags.join(', ') || '—'}</td>
                <td>{datasource.location ? `${datasource.location.lat}, ${datasource.location.lon}` : '—'}</td>
                <td>{formatTime(datasource.createdAt)}</td>
                {canAnnotate && (
                  <td>
                    <ActionsMenu
                      label={`Actions for ${datasource.name}`}
                      items={[
                        { label: 'Edit', onSelect: () => open(datasource) },
                        ...(canManage ? [{ label: 'Retire', danger: true, onSelect: () => setRetiring(datasource) }] : []),
                      ]}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <Dialog title={isNew ? 'Add datasource' : 'Edit datasource'} open={editing !== undefined} onClose={close}>
        <form onSubmit={eventHandler(save)}>
          <Field label="Name" value={name} onInput={setName} error={errors.name} required autoFocus />
          <Field label="Group" value={group} onInput={setGroup} error={errors.group} />
          <Field label="Tags" value={tags} onInput={setTags} error={errors.tags} hint="Separated by commas." />
          {isNew && (
            <div class="pair">
              <Field label="Latitude" type="number" value={lat} onInput={setLat} error={errors.location} />
              <Field label="Longitude" type="number" value={lon} onInput={setLon} />
            </div>
          )}
          {errors.form && (
            <p class="error" role="alert">
              {errors.form}
            </p>
          )}
          <div class="buttons">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Saving…' : isNew ? 'Add datasource' : 'Save'}
            </button>
          </div>
        </form>
      </Dialog>
      {retiring && (
        <ConfirmDialog
          title={`Retire ${retiring.name}?`}
          open
          confirmLabel="Retire"
          busy={busy}
          error={error}
          onClose={() => {
            setError(undefined);
            setRetiring(undefined);
          }}
          onConfirm={eventHandler(async () => {
            setBusy(true);
            try {
              await unwrap(
                api.DELETE('/admin/orgs/{orgId}/datasources/{datasourceId}', {
                  params: { path: { orgId, datasourceId: retiring.datasourceId } },
                }),
              );
              announce(`${retiring.name} retired.`);
              setRetiring(undefined);
              list.reload();
            } catch (failure) {
              setError(describeError(failure));
            } finally {
              setBusy(false);
            }
          })}
        >
          <p>It leaves every listing and the data API at once; its measurements expire within 10 days.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
