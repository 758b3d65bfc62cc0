// Administration → Registries (Harbor's /registries: endpoints with test connection) and
// Replications (Harbor's /replication/policies and /replication/executions: policies with filters
// and triggers, run, executions, their tasks and logs, stop). System administrators only.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { navigate, registerRoute, type Params } from '../../router';
import { attempt, confirmAction, Empty, ErrorBanner, Field, FormModal, Link, notify, PageHeader, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';

export interface Registry {
  id: number;
  name: string;
  type: string;
  url: string;
  description?: string;
  insecure: boolean;
  status?: string;
  credential?: { type: string; access_key?: string; access_secret?: string };
  creation_time?: string;
}

interface Filter {
  type: string;
  value: string | string[];
  decoration?: string;
}

export interface Policy {
  id: number;
  name: string;
  description?: string;
  src_registry?: { id: number; name: string } | null;
  dest_registry?: { id: number; name: string } | null;
  dest_namespace?: string;
  dest_namespace_replace_count?: number;
  filters?: Filter[] | null;
  trigger?: { type: string; trigger_settings?: { cron?: string } } | null;
  deletion?: boolean;
  override?: boolean;
  enabled?: boolean;
  speed?: number;
  copy_by_chunk?: boolean;
  single_active_replication?: boolean;
}

interface Execution {
  id: number;
  policy_id: number;
  status: string;
  trigger: string;
  total: number;
  succeed: number;
  failed: number;
  in_progress: number;
  stopped: number;
  start_time?: string;
  end_time?: string;
}

interface Task {
  id: number;
  status: string;
  operation: string;
  resource_type: string;
  src_resource: string;
  dst_resource: string;
  start_time?: string;
  end_time?: string;
}

const MASK = '*****';
const STATUSES = ['InProgress', 'Succeed', 'Failed', 'Stopped', 'Pending', 'Initialized'];
const status = (s: string) => (STATUSES.includes(s) ? t(`replication.status.${s}` as never) : s);

// ---------------------------------------------------------------------------------- registries

function RegistriesView() {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Partial<Registry> | null>(null);
  const remove = async (r: Registry) => {
    if (!(await confirmAction(t('registries.confirmDelete', { name: r.name })))) return;
    if (await attempt(() => api.del(`/registries/${r.id}`), t('registries.deleted', { name: r.name }))) setReload(reload + 1);
  };
  const ping = (r: Registry) => attempt(() => api.post('/registries/ping', { id: r.id }), t('registries.healthy', { name: r.name }));
  return (
    <section>
      <PageHeader title={t('registries.title')} />
      <DataTable<Registry>
        caption={t('registries.title')}
        rowKey={(r) => r.id}
        reloadKey={reload}
        searchField="name"
        searchLabel={t('registries.search')}
        fetchPage={(query) => api.page<Registry>('/registries', query)}
        empty={t('registries.empty')}
        toolbar={
          <button type="button" class="primary" onClick={() => setEditing({ type: 'harbor', insecure: false })}>
            {t('registries.new')}
          </button>
        }
        columns={[
          { label: t('registries.name'), sort: 'name', render: (r) => r.name },
          { label: t('registries.status'), render: (r) => r.status ?? '' },
          { label: t('registries.url'), render: (r) => <code>{r.url}</code> },
          { label: t('registries.provider'), render: (r) => r.type },
          { label: t('registries.verifyCert'), render: (r) => (r.insecure ? t('common.no') : t('common.yes')) },
          { label: t('common.created'), render: (r) => <Time iso={r.creation_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (r) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => ping(r)} aria-label={t('registries.testOf', { name: r.name })}>
                  {t('registries.test')}
                </button>
                <button type="button" class="small" onClick={() => setEditing(r)} aria-label={t('registries.editOf', { name: r.name })}>
                  {t('common.edit')}
                </button>
                <button type="button" class="small danger" onClick={() => remove(r)} aria-label={t('registries.deleteOf', { name: r.name })}>
                  {t('common.delete')}
                </button>
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <EditRegistry
          registry={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setReload(reload + 1);
          }}
        />
      )}
    </section>
  );
}

/** Creates or edits an endpoint. The secret is write-only: left as it is, the stored one stays. */
function EditRegistry(props: { registry: Partial<Registry>; onClose: () => void; onSaved: () => void }) {
  const existing = props.registry.id !== undefined;
  const [adapters, setAdapters] = useState<string[]>([]);
  const [name, setName] = useState(props.registry.name ?? '');
  const [type, setType] = useState(props.registry.type ?? 'harbor');
  const [url, setUrl] = useState(props.registry.url ?? '');
  const [description, setDescription] = useState(props.registry.description ?? '');
  const [insecure, setInsecure] = useState(props.registry.insecure ?? false);
  const [accessKey, setAccessKey] = useState(props.registry.credential?.access_key ?? '');
  const [secret, setSecret] = useState(existing ? MASK : '');
  useEffect(() => {
    api.get<string[]>('/replication/adapters').then((a) => setAdapters(a ?? []), () => setAdapters([]));
  }, []);
  const body = () => ({
    name,
    type,
    url,
    description,
    insecure,
    credential: accessKey || secret ? { type: 'basic', access_key: accessKey, access_secret: secret } : undefined,
  });
  const test = () =>
    attempt(
      () =>
        api.post('/registries/ping', {
          ...(existing ? { id: props.registry.id } : {}),
          type,
          url,
          insecure,
          ...(accessKey || secret ? { credential_type: 'basic', access_key: accessKey, access_secret: secret } : {}),
        }),
      t('registries.testOk'),
    );
  return (
    <FormModal
      title={existing ? t('registries.editOf', { name: props.registry.name ?? '' }) : t('registries.new')}
      submitLabel={existing ? t('common.save') : t('common.create')}
      onClose={props.onClose}
      onSubmit={async () => {
        if (existing) {
          await api.put(`/registries/${props.registry.id}`, body());
          notify(t('registries.saved', { name }));
        } else {
          await api.create('/registries', body());
          notify(t('registries.created', { name }));
        }
        props.onSaved();
      }}
    >
      <Field label={t('registries.provider')}>
        {(id) => (
          <select id={id} name="type" value={type} disabled={existing} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            {(adapters.length ? adapters : [type]).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('registries.name')}>{(id) => <input id={id} name="name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('registries.description')}>{(id) => <input id={id} name="description" value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('registries.url')}>{(id) => <input id={id} name="url" required value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('registries.accessKey')}>{(id) => <input id={id} name="access_key" autocomplete="off" value={accessKey} onInput={(e) => setAccessKey((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('registries.accessSecret')} hint={existing ? t('registries.secretHint') : undefined}>
        {(id) => <input id={id} name="access_secret" type="password" autocomplete="new-password" value={secret} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />}
      </Field>
      <label class="check">
        <input type="checkbox" name="verify" checked={!insecure} onChange={(e) => setInsecure(!(e.target as HTMLInputElement).checked)} /> {t('registries.verifyCert')}
      </label>
      <p>
        <button type="button" onClick={test}>
          {t('registries.test')}
        </button>
      </p>
    </FormModal>
  );
}

// ---------------------------------------------------------------------------------- policies

function ReplicationsView() {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Partial<Policy> | null>(null);
  const remove = async (p: Policy) => {
    if (!(await confirmAction(t('replication.confirmDelete', { name: p.name })))) return;
    if (await attempt(() => api.del(`/replication/policies/${p.id}`), t('replication.deleted', { name: p.name }))) setReload(reload + 1);
  };
  const run = async (p: Policy) => {
    if (!(await confirmAction(t('replication.confirmRun', { name: p.name }), t('replication.run')))) return;
    try {
      const location = await api.create('/replication/executions', { policy_id: p.id });
      notify(t('replication.started', { name: p.name }));
      const id = location.slice(location.lastIndexOf('/') + 1);
      if (id) navigate(`/admin/replications/executions/${id}`);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), 'error');
    }
  };
  const registryName = (r?: { id: number; name: string } | null) => (!r || r.id === 0 ? t('replication.local') : r.name);
  return (
    <section>
      <PageHeader title={t('replication.title')} />
      <DataTable<Policy>
        caption={t('replication.title')}
        rowKey={(p) => p.id}
        reloadKey={reload}
        searchField="name"
        searchLabel={t('replication.search')}
        fetchPage={(query) => api.page<Policy>('/replication/policies', query)}
        empty={t('replication.empty')}
        toolbar={
          <button type="button" class="primary" onClick={() => setEditing({ enabled: true, override: true, trigger: { type: 'manual' }, dest_namespace_replace_count: -1 })}>
            {t('replication.new')}
          </button>
        }
        columns={[
          { label: t('replication.name'), sort: 'name', render: (p) => p.name },
          { label: t('replication.enabled'), render: (p) => (p.enabled ? t('common.yes') : t('common.no')) },
          { label: t('replication.source'), render: (p) => registryName(p.src_registry) },
          { label: t('replication.destination'), render: (p) => registryName(p.dest_registry) },
          { label: t('replication.trigger'), render: (p) => t(`replication.trigger.${p.trigger?.type ?? 'manual'}` as never) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (p) => (
              <span class="row-actions">
                <button type="button" class="small" disabled={!p.enabled} onClick={() => run(p)} aria-label={t('replication.runOf', { name: p.name })}>
                  {t('replication.run')}
                </button>
                <Link class="button small" href={`/admin/replications/${p.id}/executions`}>
                  {t('replication.executions')}
                </Link>
                <button type="button" class="small" onClick={() => setEditing(p)} aria-label={t('replication.editOf', { name: p.name })}>
                  {t('common.edit')}
                </button>
                <button type="button" class="small danger" onClick={() => remove(p)} aria-label={t('replication.deleteOf', { name: p.name })}>
                  {t('common.delete')}
                </button>
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <EditPolicy
          policy={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setReload(reload + 1);
          }}
        />
      )}
    </section>
  );
}

function filterValue(filters: Filter[] | null | undefined, type: string): Filter | undefined {
  return (filters ?? []).find((f) => f.type === type);
}

/** Creates or edits a policy: mode, remote, filters, destination, trigger and flags, as Harbor's form. */
function EditPolicy(props: { policy: Partial<Policy>; onClose: () => void; onSaved: () => void }) {
  const p = props.policy;
  const existing = p.id !== undefined;
  const [registries, setRegistries] = useState<Registry[]>([]);
  const [name, setName] = useState(p.name ?? '');
  const [description, setDescription] = useState(p.description ?? '');
  const [mode, setMode] = useState<'push' | 'pull'>(p.src_registry && p.src_registry.id !== 0 ? 'pull' : 'push');
  const [remote, setRemote] = useState<number>((mode === 'pull' ? p.src_registry?.id : p.dest_registry?.id) ?? 0);
  const [repoFilter, setRepoFilter] = useState(String(filterValue(p.filters, 'name')?.value ?? ''));
  const tag = filterValue(p.filters, 'tag');
  const [tagFilter, setTagFilter] = useState(String(tag?.value ?? ''));
  const [tagExcludes, setTagExcludes] = useState(tag?.decoration === 'excludes');
  const label = filterValue(p.filters, 'label');
  const [labelFilter, setLabelFilter] = useState(Array.isArray(label?.value) ? label.value.join(',') : String(label?.value ?? ''));
  const [labelExcludes, setLabelExcludes] = useState(label?.decoration === 'excludes');
  const [resource, setResource] = useState(String(filterValue(p.filters, 'resource')?.value ?? ''));
  const [namespace, setNamespace] = useState(p.dest_namespace ?? '');
  const [flattening, setFlattening] = useState(p.dest_namespace_replace_count ?? -1);
  const [trigger, setTrigger] = useState(p.trigger?.type ?? 'manual');
  const [cron, setCron] = useState(p.trigger?.trigger_settings?.cron ?? '0 0 * * * *');
  const [deletion, setDeletion] = useState(p.deletion ?? false);
  const [override, setOverride] = useState(p.override ?? true);
  const [enabled, setEnabled] = useState(p.enabled ?? true);
  const [speed, setSpeed] = useState(p.speed ?? 0);
  const [chunks, setChunks] = useState(p.copy_by_chunk ?? false);
  useEffect(() => {
    api.page<Registry>('/registries', { page: 1, page_size: 100 }).then(
      (page) => {
        setRegistries(page.items);
        if (!remote && page.items.length) setRemote(page.items[0].id);
      },
      () => setRegistries([]),
    );
  }, []);
  const body = () => {
    const filters: Filter[] = [];
    if (repoFilter) filters.push({ type: 'name', value: repoFilter });
    if (tagFilter) filters.push({ type: 'tag', value: tagFilter, decoration: tagExcludes ? 'excludes' : 'matches' });
    const labels = labelFilter.split(',').map((s) => s.trim()).filter(Boolean);
    if (labels.length) filters.push({ type: 'label', value: labels, decoration: labelExcludes ? 'excludes' : 'matches' });
    if (resource) filters.push({ type: 'resource', value: resource });
    const there = { id: remote };
    return {
      name,
      description,
      src_registry: mode === 'pull' ? there : null,
      dest_registry: mode === 'push' ? there : null,
      dest_namespace: namespace,
      dest_namespace_replace_count: flattening,
      filters,
      trigger: trigger === 'scheduled' ? { type: trigger, trigger_settings: { cron } } : { type: trigger },
      deletion,
      override,
      enabled,
      speed,
      copy_by_chunk: chunks,
    };
  };
  const checkbox = (nameAttr: string, label: string, value: boolean, set: (v: boolean) => void) => (
    <label class="check">
      <input type="checkbox" name={nameAttr} checked={value} onChange={(e) => set((e.target as HTMLInputElement).checked)} /> {label}
    </label>
  );
  const text = (nameAttr: string, value: string, set: (v: string) => void) => (id: string) => (
    <input id={id} name={nameAttr} value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
  );
  return (
    <FormModal
      wide
      title={existing ? t('replication.editOf', { name: p.name ?? '' }) : t('replication.new')}
      submitLabel={existing ? t('common.save') : t('common.create')}
      onClose={props.onClose}
      onSubmit={async () => {
        if (existing) {
          await api.put(`/replication/policies/${p.id}`, body());
          notify(t('replication.saved', { name }));
        } else {
          await api.create('/replication/policies', body());
          notify(t('replication.created', { name }));
        }
        props.onSaved();
      }}
    >
      <Field label={t('replication.name')}>{(id) => <input id={id} name="name" required maxLength={255} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('replication.description')}>{text('description', description, setDescription)}</Field>
      <Field label={t('replication.mode')}>
        {(id) => (
          <select id={id} name="mode" value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as 'push' | 'pull')}>
            <option value="push">{t('replication.mode.push')}</option>
            <option value="pull">{t('replication.mode.pull')}</option>
          </select>
        )}
      </Field>
      <Field label={mode === 'push' ? t('replication.destination') : t('replication.source')}>
        {(id) => (
          <select id={id} name="registry" value={String(remote)} onChange={(e) => setRemote(Number((e.target as HTMLSelectElement).value))}>
            {registries.map((r) => (
              <option key={r.id} value={String(r.id)}>
                {`${r.name} (${r.url})`}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('replication.filterName')} hint={t('replication.patternHint')}>{text('filter_name', repoFilter, setRepoFilter)}</Field>
      <Field label={t('replication.filterTag')}>{text('filter_tag', tagFilter, setTagFilter)}</Field>
      {checkbox('tag_excludes', t('replication.excludes'), tagExcludes, setTagExcludes)}
      <Field label={t('replication.filterLabel')} hint={t('replication.labelHint')}>{text('filter_label', labelFilter, setLabelFilter)}</Field>
      {checkbox('label_excludes', t('replication.excludes'), labelExcludes, setLabelExcludes)}
      <Field label={t('replication.filterResource')}>
        {(id) => (
          <select id={id} name="filter_resource" value={resource} onChange={(e) => setResource((e.target as HTMLSelectElement).value)}>
            <option value="">{t('replication.resource.all')}</option>
            <option value="image">{t('replication.resource.image')}</option>
            <option value="artifact">{t('replication.resource.artifact')}</option>
          </select>
        )}
      </Field>
      <Field label={t('replication.namespace')}>{text('dest_namespace', namespace, setNamespace)}</Field>
      <Field label={t('replication.flattening')} hint={t('replication.flatteningHint')}>
        {(id) => <input id={id} name="dest_namespace_replace_count" type="number" min={-1} value={flattening} onInput={(e) => setFlattening(Number((e.target as HTMLInputElement).value))} />}
      </Field>
      <Field label={t('replication.trigger')}>
        {(id) => (
          <select id={id} name="trigger" value={trigger} onChange={(e) => setTrigger((e.target as HTMLSelectElement).value)}>
            {['manual', 'scheduled', 'event_based'].map((x) => (
              <option key={x} value={x}>
                {t(`replication.trigger.${x}` as never)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {trigger === 'scheduled' && <Field label={t('replication.cron')}>{text('cron', cron, setCron)}</Field>}
      <Field label={t('replication.speed')}>
        {(id) => <input id={id} name="speed" type="number" min={0} value={speed} onInput={(e) => setSpeed(Number((e.target as HTMLInputElement).value))} />}
      </Field>
      {checkbox('deletion', t('replication.deletion'), deletion, setDeletion)}
      {checkbox('override', t('replication.override'), override, setOverride)}
      {checkbox('copy_by_chunk', t('replication.copyByChunk'), chunks, setChunks)}
      {checkbox('enabled', t('replication.enabled'), enabled, setEnabled)}
    </FormModal>
  );
}

// ---------------------------------------------------------------------------------- executions

function ExecutionsView({ params }: { params: Params }) {
  const policy = params.policy;
  return (
    <section>
      <PageHeader title={t('replication.executionsOf', { id: policy })} crumbs={[{ href: '/admin/replications', label: t('replication.title') }]} />
      <DataTable<Execution>
        caption={t('replication.executions')}
        rowKey={(e) => e.id}
        fetchPage={(query) => api.page<Execution>('/replication/executions', { ...query, policy_id: policy })}
        empty={t('replication.noExecutions')}
        columns={[
          { label: t('replication.execution'), render: (e) => <Link href={`/admin/replications/executions/${e.id}`}>{String(e.id)}</Link> },
          { label: t('replication.statusTitle'), render: (e) => status(e.status) },
          { label: t('replication.trigger'), render: (e) => t(`replication.trigger.${e.trigger}` as never) },
          { label: t('replication.startTime'), render: (e) => <Time iso={e.start_time} /> },
          { label: t('replication.counts'), render: (e) => t('replication.countsOf', { succeed: e.succeed, total: e.total, failed: e.failed }) },
        ]}
      />
    </section>
  );
}

function ExecutionView({ params }: { params: Params }) {
  const id = params.id;
  const [execution, setExecution] = useState<Execution | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [log, setLog] = useState<{ task: number; text: string } | null>(null);
  useEffect(() => {
    api.get<Execution>(`/replication/executions/${id}`).then(setExecution, setError);
  }, [id, reload]);
  const stop = async () => {
    if (!(await confirmAction(t('replication.confirmStop', { id }), t('replication.stop')))) return;
    if (await attempt(() => api.put(`/replication/executions/${id}`), t('replication.stopped', { id }))) setReload(reload + 1);
  };
  const showLog = async (task: Task) => {
    try {
      setLog({ task: task.id, text: await api.text(`/replication/executions/${id}/tasks/${task.id}/log`) });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <PageHeader title={t('replication.executionTitle', { id })} crumbs={[{ href: '/admin/replications', label: t('replication.title') }]}>
        <button type="button" class="small" onClick={() => setReload(reload + 1)}>
          {t('replication.refresh')}
        </button>
        {execution?.status === 'InProgress' && (
          <button type="button" class="small danger" onClick={stop}>
            {t('replication.stop')}
          </button>
        )}
      </PageHeader>
      <ErrorBanner error={error} />
      {execution && (
        <p>
          {status(execution.status)} · {t(`replication.trigger.${execution.trigger}` as never)} ·{' '}
          {t('replication.countsOf', { succeed: execution.succeed, total: execution.total, failed: execution.failed })}
        </p>
      )}
      <DataTable<Task>
        caption={t('replication.tasks')}
        rowKey={(task) => task.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<Task>(`/replication/executions/${id}/tasks`, query)}
        empty={t('replication.noTasks')}
        columns={[
          { label: t('replication.task'), render: (task) => String(task.id) },
          { label: t('replication.operation'), render: (task) => task.operation },
          { label: t('replication.source'), render: (task) => <code>{task.src_resource}</code> },
          { label: t('replication.destination'), render: (task) => <code>{task.dst_resource}</code> },
          { label: t('replication.statusTitle'), render: (task) => status(task.status) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (task) => (
              <button type="button" class="small" onClick={() => showLog(task)} aria-label={t('replication.logOf', { id: task.id })}>
                {t('replication.log')}
              </button>
            ),
          },
        ]}
      />
      {log && (
        <div class="card">
          <h3>{t('replication.logOf', { id: log.task })}</h3>
          {log.text ? <pre class="log">{log.text}</pre> : <Empty>{t('replication.emptyLog')}</Empty>}
        </div>
      )}
    </section>
  );
}

registerRoute({ path: '/admin/registries', view: RegistriesView, title: 'registries.title', admin: true, nav: { section: 'admin', order: 55 } });
registerRoute({ path: '/admin/replications', view: ReplicationsView, title: 'replication.title', admin: true, nav: { section: 'admin', order: 56 } });
registerRoute({ path: '/admin/replications/:policy/executions', view: ExecutionsView, title: 'replication.executions', admin: true });
registerRoute({ path: '/admin/replications/executions/:id', view: ExecutionView, title: 'replication.executions', admin: true });
