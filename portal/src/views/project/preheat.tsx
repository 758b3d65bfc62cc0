// A project's P2P Preheat tab (Harbor's /projects/{p}/preheat/...): the policies with their
// provider, filters and trigger; a form to create and edit them (filters: repository, tag, labels,
// signed only, vulnerability severity; triggers: manual, scheduled by cron, on push); run one by
// hand; and each policy's executions, their tasks (one per tag) and the task logs.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { word } from '../../i18n/words';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, Badge, confirmAction, ErrorBanner, Field, FormModal, Modal, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { LogModal } from '../admin/runs';

export interface PreheatPolicy {
  id: number;
  name: string;
  description?: string;
  project_id?: number;
  provider_id: number;
  provider_name?: string;
  filters: string;
  trigger: string;
  enabled: boolean;
  extra_attrs?: string;
  creation_time?: string;
  update_time?: string;
}

interface ProviderUnderProject {
  id: number;
  provider: string;
  enabled: boolean;
  default: boolean;
}

interface PreheatExecution {
  id: number;
  status: string;
  status_message?: string;
  trigger?: string;
  extra_attrs?: Record<string, unknown>;
  metrics?: Record<string, number>;
  start_time?: string;
  end_time?: string;
}

interface PreheatTask {
  id: number;
  execution_id: number;
  status: string;
  status_message?: string;
  extra_attrs?: { artifact?: string; digest?: string; kind?: string };
  start_time?: string;
  end_time?: string;
}

/** The policy's filters as the form edits them (Harbor keeps them as a JSON string). */
export interface Filters {
  repository: string;
  tag: string;
  labels: string;
  signed: boolean;
  /** Harbor's severity code: only artifacts below it are preheated; 0 means no such filter. */
  severity: number;
}

export interface TriggerForm {
  type: 'manual' | 'scheduled' | 'event_based';
  cron: string;
}

/** Harbor's severity codes, Negligible 1 … Critical 5. */
const SEVERITIES: { code: number; key: MessageKey }[] = [
  { code: 2, key: 'preheat.severity.2' },
  { code: 3, key: 'preheat.severity.3' },
  { code: 4, key: 'preheat.severity.4' },
  { code: 5, key: 'preheat.severity.5' },
];

export function parseFilters(text: string): Filters {
  const out: Filters = { repository: '**', tag: '**', labels: '', signed: false, severity: 0 };
  let list: { type?: string; value?: unknown }[] = [];
  try {
    const parsed = JSON.parse(text || '[]');
    if (Array.isArray(parsed)) list = parsed;
  } catch {
    // an unreadable value shows the defaults
  }
  for (const f of list) {
    if (f.type === 'repository') out.repository = String(f.value ?? '');
    else if (f.type === 'tag') out.tag = String(f.value ?? '');
    else if (f.type === 'label') out.labels = String(f.value ?? '');
    else if (f.type === 'signature') out.signed = f.value === true;
    else if (f.type === 'vulnerability') out.severity = Number(f.value) || 0;
  }
  return out;
}

export function filtersJson(f: Filters): string {
  const list: { type: string; value: unknown }[] = [
    { type: 'repository', value: f.repository },
    { type: 'tag', value: f.tag },
  ];
  const labels = f.labels
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (labels.length) list.push({ type: 'label', value: labels.join(',') });
  if (f.signed) list.push({ type: 'signature', value: true });
  if (f.severity > 0) list.push({ type: 'vulnerability', value: f.severity });
  return JSON.stringify(list);
}

export function parseTrigger(text: string): TriggerForm {
  try {
    const v = JSON.parse(text || '{}');
    const type = v?.type === 'scheduled' || v?.type === 'event_based' ? v.type : 'manual';
    return { type, cron: String(v?.trigger_setting?.cron ?? '') };
  } catch {
    return { type: 'manual', cron: '' };
  }
}

export function triggerJson(tr: TriggerForm): string {
  if (tr.type === 'scheduled') return JSON.stringify({ type: 'scheduled', trigger_setting: { cron: tr.cron.trim() } });
  return JSON.stringify({ type: tr.type });
}

function triggerText(text: string): string {
  const tr = parseTrigger(text);
  if (tr.type === 'scheduled') return `${t('preheat.trigger.scheduled')} (${tr.cron})`;
  return t(`preheat.trigger.${tr.type}`);
}

function filtersText(text: string): string {
  const f = parseFilters(text);
  const parts = [`${t('preheat.repositories')}: ${f.repository || '**'}`, `${t('preheat.tags')}: ${f.tag || '**'}`];
  if (f.labels) parts.push(`${t('preheat.labels')}: ${f.labels}`);
  if (f.signed) parts.push(t('preheat.signedOnly'));
  if (f.severity > 0) parts.push(t('preheat.belowSeverity', { severity: t(`preheat.severity.${f.severity}` as MessageKey) }));
  return parts.join(' · ');
}

function statusTone(status: string): string {
  if (status === 'Success') return 'ok';
  if (status === 'Error' || status === 'Stopped') return 'warn';
  return '';
}

function PreheatTab({ project, perms }: { project: Project; perms: Perms }) {
  const base = `/projects/${seg(project.name)}/preheat`;
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<PreheatPolicy | 'new' | null>(null);
  const [executions, setExecutions] = useState<PreheatPolicy | null>(null);
  const [providers, setProviders] = useState<ProviderUnderProject[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<ProviderUnderProject[]>(`${base}/providers`).then((x) => setProviders(x ?? []), setError);
  }, [base]);
  const changed = () => setReload((n) => n + 1);
  const run = async (p: PreheatPolicy) => {
    if (await attempt(() => api.post(`${base}/policies/${seg(p.name)}`, p), t('preheat.started', { name: p.name }))) changed();
  };
  const toggle = async (p: PreheatPolicy) => {
    const done = t(p.enabled ? 'preheat.disabled' : 'preheat.enabled', { name: p.name });
    if (await attempt(() => api.put(`${base}/policies/${seg(p.name)}`, { ...p, enabled: !p.enabled }), done)) changed();
  };
  const remove = async (p: PreheatPolicy) => {
    if (!(await confirmAction(t('preheat.confirmDelete', { name: p.name })))) return;
    if (await attempt(() => api.del(`${base}/policies/${seg(p.name)}`), t('preheat.deleted', { name: p.name }))) changed();
  };
  const canCreate = perms.has('preheat-policy', 'create');
  return (
    <>
      <p class="hint">{t('preheat.hint')}</p>
      <ErrorBanner error={error} />
      <DataTable<PreheatPolicy>
        caption={t('preheat.title')}
        rowKey={(p) => p.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<PreheatPolicy>(`${base}/policies`, query)}
        empty={providers.length === 0 ? t('preheat.noProviders') : t('preheat.empty')}
        toolbar={
          canCreate && (
            <button type="button" class="primary" disabled={providers.length === 0} onClick={() => setEditing('new')}>
              {t('preheat.new')}
            </button>
          )
        }
        columns={[
          { label: t('preheat.name'), sort: 'name', render: (p) => <b>{p.name}</b> },
          {
            label: t('robots.status'),
            render: (p) => (p.enabled ? <Badge tone="ok">{t('robots.enabledState')}</Badge> : <Badge tone="warn">{t('robots.disabledState')}</Badge>),
          },
          { label: t('preheat.provider'), render: (p) => p.provider_name ?? String(p.provider_id) },
          { label: t('preheat.filters'), render: (p) => <span class="small">{filtersText(p.filters)}</span> },
          { label: t('preheat.trigger'), render: (p) => triggerText(p.trigger) },
          { label: t('common.created'), render: (p) => <Time iso={p.creation_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (p) => (
              <span class="row-actions">
                {perms.has('preheat-policy', 'update') && (
                  <button type="button" class="small" disabled={!p.enabled} onClick={() => run(p)} aria-label={t('preheat.runNamed', { name: p.name })}>
                    {t('preheat.run')}
                  </button>
                )}
                {perms.has('preheat-policy', 'read') && (
                  <button type="button" class="small" onClick={() => setExecutions(p)} aria-label={t('preheat.executionsOf', { name: p.name })}>
                    {t('preheat.executions')}
                  </button>
                )}
                {perms.has('preheat-policy', 'update') && (
                  <>
                    <button type="button" class="small" onClick={() => setEditing(p)} aria-label={t('preheat.editNamed', { name: p.name })}>
                      {t('common.edit')}
                    </button>
                    <button type="button" class="small" onClick={() => toggle(p)} aria-label={t(p.enabled ? 'preheat.disableNamed' : 'preheat.enableNamed', { name: p.name })}>
                      {p.enabled ? t('robots.disable') : t('robots.enable')}
                    </button>
                  </>
                )}
                {perms.has('preheat-policy', 'delete') && (
                  <button type="button" class="small danger" onClick={() => remove(p)} aria-label={t('preheat.deleteNamed', { name: p.name })}>
                    {t('common.delete')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <PolicyForm
          base={base}
          providers={providers}
          policy={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            changed();
          }}
        />
      )}
      {executions && <Executions base={base} policy={executions} onClose={() => setExecutions(null)} />}
    </>
  );
}

export function PolicyForm(props: { base: string; providers: ProviderUnderProject[]; policy: PreheatPolicy | null; onClose: () => void; onSaved: () => void }) {
  const old = props.policy;
  const usable = props.providers.filter((p) => p.enabled || p.id === old?.provider_id);
  const initialProvider = old?.provider_id ?? (usable.find((p) => p.default) ?? usable[0])?.id ?? 0;
  const f0 = parseFilters(old?.filters ?? '');
  const tr0 = parseTrigger(old?.trigger ?? '');
  const [name, setName] = useState(old?.name ?? '');
  const [description, setDescription] = useState(old?.description ?? '');
  const [provider, setProvider] = useState<number>(initialProvider);
  const [filters, setFilters] = useState<Filters>(f0);
  const [trigger, setTrigger] = useState<TriggerForm>(tr0);
  const [enabled, setEnabled] = useState(old?.enabled ?? true);
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters({ ...filters, [k]: v });
  return (
    <FormModal
      title={old ? t('preheat.editNamed', { name: old.name }) : t('preheat.new')}
      submitLabel={old ? t('common.save') : t('common.create')}
      wide
      onClose={props.onClose}
      onSubmit={async () => {
        if (trigger.type === 'scheduled' && !trigger.cron.trim()) throw new Error(t('preheat.cronRequired'));
        const body = {
          ...(old ? { id: old.id } : {}),
          name,
          description,
          provider_id: provider,
          filters: filtersJson(filters),
          trigger: triggerJson(trigger),
          enabled,
          ...(old?.extra_attrs ? { extra_attrs: old.extra_attrs } : {}),
        };
        if (old) await api.put(`${props.base}/policies/${seg(old.name)}`, body);
        else await api.create(`${props.base}/policies`, body);
        props.onSaved();
      }}
    >
      <Field label={t('preheat.provider')}>
        {(id) => (
          <select id={id} value={String(provider)} onChange={(e) => setProvider(Number((e.target as HTMLSelectElement).value))}>
            {usable.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.provider}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('preheat.name')}>{(id) => <input id={id} required maxLength={255} value={name} onInput={input(setName)} />}</Field>
      <Field label={t('preheat.description')}>{(id) => <textarea id={id} rows={2} value={description} onInput={input(setDescription)} />}</Field>
      <fieldset>
        <legend>{t('preheat.filters')}</legend>
        <Field label={t('preheat.repositories')} hint={t('preheat.patternHint')}>
          {(id) => <input id={id} required value={filters.repository} onInput={(e) => setFilter('repository', (e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('preheat.tags')} hint={t('preheat.patternHint')}>
          {(id) => <input id={id} required value={filters.tag} onInput={(e) => setFilter('tag', (e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('preheat.labels')} hint={t('preheat.labelsHint')}>
          {(id) => <input id={id} value={filters.labels} onInput={(e) => setFilter('labels', (e.target as HTMLInputElement).value)} />}
        </Field>
        <label class="inline">
          <input type="checkbox" checked={filters.signed} onChange={(e) => setFilter('signed', (e.target as HTMLInputElement).checked)} /> {t('preheat.signedOnly')}
        </label>
        <Field label={t('preheat.vulnerability')} hint={t('preheat.securityHint')}>
          {(id) => (
            <select id={id} value={String(filters.severity)} onChange={(e) => setFilter('severity', Number((e.target as HTMLSelectElement).value))}>
              <option value="0">{t('preheat.anySeverity')}</option>
              {SEVERITIES.map((s) => (
                <option key={s.code} value={String(s.code)}>
                  {t('preheat.belowSeverity', { severity: t(s.key) })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>
      <Field label={t('preheat.trigger')}>
        {(id) => (
          <select id={id} value={trigger.type} onChange={(e) => setTrigger({ ...trigger, type: (e.target as HTMLSelectElement).value as TriggerForm['type'] })}>
            <option value="manual">{t('preheat.trigger.manual')}</option>
            <option value="scheduled">{t('preheat.trigger.scheduled')}</option>
            <option value="event_based">{t('preheat.trigger.event_based')}</option>
          </select>
        )}
      </Field>
      {trigger.type === 'scheduled' && (
        <Field label={t('runs.cron')} hint={t('preheat.cronHint')}>
          {(id) => <input id={id} required value={trigger.cron} placeholder="0 0 * * * *" onInput={(e) => setTrigger({ ...trigger, cron: (e.target as HTMLInputElement).value })} />}
        </Field>
      )}
      <label class="inline">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} /> {t('preheat.enabledField')}
      </label>
    </FormModal>
  );
}

/** A policy's executions, their tasks (one per tag preheated) and a task's log. */
export function Executions({ base, policy, onClose }: { base: string; policy: PreheatPolicy; onClose: () => void }) {
  const [open, setOpen] = useState<PreheatExecution | null>(null);
  const [log, setLog] = useState<PreheatTask | null>(null);
  const path = `${base}/policies/${seg(policy.name)}/executions`;
  return (
    <Modal title={t('preheat.executionsOf', { name: policy.name })} onClose={onClose} wide>
      <DataTable<PreheatExecution>
        caption={t('preheat.executions')}
        rowKey={(e) => e.id}
        reloadKey={policy.id}
        fetchPage={(query) => api.page<PreheatExecution>(path, query)}
        empty={t('preheat.noExecutions')}
        columns={[
          { label: t('runs.id'), render: (e) => e.id },
          { label: t('runs.status'), render: (e) => <Badge tone={statusTone(e.status)}>{word('status', e.status)}</Badge> },
          { label: t('preheat.trigger'), render: (e) => word('trigger', e.trigger) },
          { label: t('preheat.total'), render: (e) => String(e.extra_attrs?.totalCount ?? e.metrics?.task_count ?? '') },
          { label: t('webhooks.started'), render: (e) => <Time iso={e.start_time} /> },
          { label: t('webhooks.ended'), render: (e) => <Time iso={e.end_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (e) => (
              <button type="button" class="small" aria-expanded={open?.id === e.id} onClick={() => setOpen(open?.id === e.id ? null : e)} aria-label={t('preheat.tasksOf', { id: e.id })}>
                {t('webhooks.tasks')}
              </button>
            ),
          },
        ]}
      />
      {open && (
        <DataTable<PreheatTask>
          caption={t('preheat.tasksOf', { id: open.id })}
          rowKey={(x) => x.id}
          reloadKey={open.id}
          fetchPage={(query) => api.page<PreheatTask>(`${path}/${open.id}/tasks`, query)}
          empty={t('webhooks.noTasks')}
          columns={[
            { label: t('runs.id'), render: (x) => x.id },
            { label: t('preheat.artifact'), render: (x) => <code class="wrap">{x.extra_attrs?.artifact ?? ''}</code> },
            { label: t('runs.status'), render: (x) => <Badge tone={statusTone(x.status)}>{word('status', x.status)}</Badge> },
            { label: t('webhooks.message'), render: (x) => <span class="small wrap">{x.status_message ?? ''}</span> },
            { label: t('webhooks.started'), render: (x) => <Time iso={x.start_time} /> },
            {
              label: t('common.actions'),
              class: 'actions-col',
              render: (x) => (
                <button type="button" class="small" onClick={() => setLog(x)} aria-label={t('preheat.logOf', { id: x.id })}>
                  {t('runs.log')}
                </button>
              ),
            },
          ]}
        />
      )}
      {log && open && <LogModal title={t('preheat.logOf', { id: log.id })} path={`${path}/${open.id}/tasks/${log.id}/logs`} onClose={() => setLog(null)} />}
    </Modal>
  );
}

registerProjectTab({ id: 'preheat', label: 'preheat.title', order: 48, view: PreheatTab, visible: (p) => p.has('preheat-policy', 'list') });
