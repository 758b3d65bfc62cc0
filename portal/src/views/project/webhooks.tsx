// A project's webhooks (Harbor's /projects/{p}/webhook/...): the policies with the last time each
// event type fired, a form to create and edit them, enable/disable, and each policy's deliveries
// (executions, their tasks and the task logs). Secrets (auth header, signing secret) are
// write-only: the form says whether one is stored and leaves it unchanged unless a new one is typed.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { word } from '../../i18n/words';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, Badge, confirmAction, ErrorBanner, Field, FormModal, Modal, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { LogModal } from '../admin/runs';

export interface WebhookTarget {
  type: string;
  address: string;
  skip_cert_verify: boolean;
  payload_format?: string;
  auth_header?: string;
  signing_secret?: string;
  has_auth_header?: boolean;
  has_signing_secret?: boolean;
}

export interface WebhookPolicy {
  id: number;
  name: string;
  description?: string;
  project_id?: number;
  targets: WebhookTarget[];
  event_types: string[];
  creator?: string;
  creation_time?: string;
  update_time?: string;
  enabled: boolean;
}

interface LastTrigger {
  policy_name: string;
  event_type: string;
  enabled: boolean;
  creation_time?: string;
  last_trigger_time?: string;
}

interface Supported {
  event_type: string[];
  notify_type: string[];
  payload_formats: { notify_type: string; formats: string[] }[];
}

export interface WebhookExecution {
  id: number;
  vendor_type: string;
  status: string;
  status_message?: string;
  trigger?: string;
  extra_attrs?: Record<string, unknown>;
  start_time?: string;
  end_time?: string;
}

export interface WebhookTask {
  id: number;
  execution_id: number;
  status: string;
  status_message?: string;
  run_count: number;
  start_time?: string;
  end_time?: string;
}

function statusTone(status: string): string {
  if (status === 'Success') return 'ok';
  if (status === 'Error' || status === 'Stopped') return 'warn';
  return '';
}

/** The newest trigger per event type of one policy, newest first. */
function lastTriggers(all: LastTrigger[], policy: string): LastTrigger[] {
  return all
    .filter((x) => x.policy_name === policy && x.last_trigger_time)
    .sort((a, b) => String(b.last_trigger_time).localeCompare(String(a.last_trigger_time)));
}

function WebhooksTab({ project, perms }: { project: Project; perms: Perms }) {
  const base = `/projects/${seg(project.project_id)}/webhook`;
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<WebhookPolicy | 'new' | null>(null);
  const [executions, setExecutions] = useState<WebhookPolicy | null>(null);
  const [triggers, setTriggers] = useState<LastTrigger[]>([]);
  const [supported, setSupported] = useState<Supported | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<LastTrigger[]>(`${base}/lasttrigger`).then((x) => setTriggers(x ?? []), setError);
  }, [base, reload]);
  useEffect(() => {
    api.get<Supported>(`${base}/events`).then(setSupported, setError);
  }, [base]);
  const changed = () => setReload((n) => n + 1);
  const toggle = async (p: WebhookPolicy) => {
    const done = t(p.enabled ? 'webhooks.disabled' : 'webhooks.enabled', { name: p.name });
    if (await attempt(() => api.put(`${base}/policies/${p.id}`, { ...p, enabled: !p.enabled }), done)) changed();
  };
  const remove = async (p: WebhookPolicy) => {
    if (!(await confirmAction(t('webhooks.confirmDelete', { name: p.name })))) return;
    if (await attempt(() => api.del(`${base}/policies/${p.id}`), t('webhooks.deleted', { name: p.name }))) changed();
  };
  return (
    <>
      <p class="hint">{t('webhooks.hint')}</p>
      <ErrorBanner error={error} />
      <DataTable<WebhookPolicy>
        caption={t('webhooks.title')}
        rowKey={(p) => p.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<WebhookPolicy>(`${base}/policies`, query)}
        empty={t('webhooks.empty')}
        toolbar={
          perms.has('notification-policy', 'create') && (
            <button type="button" class="primary" onClick={() => setEditing('new')}>
              {t('webhooks.new')}
            </button>
          )
        }
        columns={[
          { label: t('webhooks.name'), sort: 'name', render: (p) => <b>{p.name}</b> },
          {
            label: t('robots.status'),
            render: (p) => (p.enabled ? <Badge tone="ok">{t('robots.enabledState')}</Badge> : <Badge tone="warn">{t('robots.disabledState')}</Badge>),
          },
          { label: t('webhooks.notifyType'), render: (p) => p.targets.map((x) => t(`webhooks.notify.${x.type === 'slack' ? 'slack' : 'http'}`)).join(', ') },
          { label: t('webhooks.address'), render: (p) => p.targets.map((x) => <code class="wrap" key={x.address}>{x.address}</code>) },
          { label: t('webhooks.eventTypes'), render: (p) => <span class="small">{p.event_types.map((e) => word('eventType', e)).join(', ')}</span> },
          {
            label: t('webhooks.lastTrigger'),
            render: (p) => {
              const last = lastTriggers(triggers, p.name);
              if (!last.length) return <span class="small">{t('webhooks.never')}</span>;
              return (
                <span class="params small">
                  {last.map((x) => (
                    <span key={x.event_type}>
                      {word('eventType', x.event_type)}: <Time iso={x.last_trigger_time} />
                    </span>
                  ))}
                </span>
              );
            },
          },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (p) => (
              <span class="row-actions">
                {perms.has('notification-policy', 'read') && (
                  <button type="button" class="small" onClick={() => setExecutions(p)} aria-label={t('webhooks.executionsOf', { name: p.name })}>
                    {t('webhooks.executions')}
                  </button>
                )}
                {perms.has('notification-policy', 'update') && (
                  <>
                    <button type="button" class="small" onClick={() => setEditing(p)} aria-label={t('webhooks.editNamed', { name: p.name })}>
                      {t('common.edit')}
                    </button>
                    <button type="button" class="small" onClick={() => toggle(p)}>
                      {p.enabled ? t('robots.disable') : t('robots.enable')}
                    </button>
                  </>
                )}
                {perms.has('notification-policy', 'delete') && (
                  <button type="button" class="small danger" onClick={() => remove(p)} aria-label={t('webhooks.deleteNamed', { name: p.name })}>
                    {t('common.delete')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {editing && supported && (
        <PolicyForm
          base={base}
          supported={supported}
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

/** The create and edit form. A policy has one target, as Harbor's portal gives it. */
export function PolicyForm(props: { base: string; supported: Supported; policy: WebhookPolicy | null; onClose: () => void; onSaved: () => void }) {
  const old = props.policy;
  const target = old?.targets[0];
  const [name, setName] = useState(old?.name ?? '');
  const [description, setDescription] = useState(old?.description ?? '');
  const [type, setType] = useState(target?.type ?? 'http');
  const [format, setFormat] = useState(target?.payload_format || 'Default');
  const [address, setAddress] = useState(target?.address ?? '');
  const [authHeader, setAuthHeader] = useState('');
  const [removeAuth, setRemoveAuth] = useState(false);
  const [secret, setSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [skipVerify, setSkipVerify] = useState(target?.skip_cert_verify ?? false);
  const [events, setEvents] = useState<string[]>(old?.event_types ?? [...props.supported.event_type]);
  const [enabled, setEnabled] = useState(old?.enabled ?? true);
  const formats = props.supported.payload_formats.find((f) => f.notify_type === type)?.formats ?? [];
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  const toggleEvent = (e: string) => setEvents(events.includes(e) ? events.filter((x) => x !== e) : [...events, e]);
  // write-only secrets: null keeps the stored one (same address), "" removes it, text replaces it
  const secretField = (typed: string, remove: boolean) => (remove ? '' : typed !== '' ? typed : undefined);
  return (
    <FormModal
      title={old ? t('webhooks.editNamed', { name: old.name }) : t('webhooks.new')}
      submitLabel={old ? t('common.save') : t('common.create')}
      wide
      onClose={props.onClose}
      onSubmit={async () => {
        if (events.length === 0) throw new Error(t('webhooks.chooseEvent'));
        const body = {
          name,
          description,
          enabled,
          event_types: events,
          targets: [
            {
              type,
              address,
              skip_cert_verify: skipVerify,
              ...(type === 'http' ? { payload_format: format } : {}),
              auth_header: secretField(authHeader, removeAuth),
              ...(type === 'http' ? { signing_secret: secretField(secret, removeSecret) } : {}),
            },
          ],
        };
        if (old) await api.put(`${props.base}/policies/${old.id}`, body);
        else await api.create(`${props.base}/policies`, body);
        props.onSaved();
      }}
    >
      <Field label={t('webhooks.name')}>{(id) => <input id={id} required maxLength={256} value={name} onInput={input(setName)} />}</Field>
      <Field label={t('webhooks.description')}>{(id) => <textarea id={id} rows={2} value={description} onInput={input(setDescription)} />}</Field>
      <Field label={t('webhooks.notifyType')}>
        {(id) => (
          <select id={id} value={type} onChange={input(setType)}>
            {props.supported.notify_type.map((x) => (
              <option key={x} value={x}>
                {t(`webhooks.notify.${x === 'slack' ? 'slack' : 'http'}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {type === 'http' && formats.length > 0 && (
        <Field label={t('webhooks.payloadFormat')} hint={t('webhooks.payloadFormatHint')}>
          {(id) => (
            <select id={id} value={format} onChange={input(setFormat)}>
              {formats.map((x) => (
                <option key={x} value={x}>
                  {x === 'Default' ? t('webhooks.format.Default') : x}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('webhooks.address')} hint={t('webhooks.addressHint')}>
        {(id) => <input id={id} type="url" required value={address} placeholder="https://" onInput={input(setAddress)} />}
      </Field>
      <Field label={t('webhooks.authHeader')} hint={target?.has_auth_header ? t('webhooks.storedSecretHint') : t('webhooks.authHeaderHint')}>
        {(id) => (
          <input
            id={id}
            type="password"
            autoComplete="off"
            disabled={removeAuth}
            value={authHeader}
            placeholder={target?.has_auth_header ? t('webhooks.unchanged') : ''}
            onInput={input(setAuthHeader)}
          />
        )}
      </Field>
      {target?.has_auth_header && (
        <label class="inline">
          <input type="checkbox" checked={removeAuth} onChange={(e) => setRemoveAuth((e.target as HTMLInputElement).checked)} /> {t('webhooks.removeAuthHeader')}
        </label>
      )}
      {type === 'http' && (
        <>
          <Field label={t('webhooks.signingSecret')} hint={target?.has_signing_secret ? t('webhooks.storedSecretHint') : t('webhooks.signingSecretHint')}>
            {(id) => (
              <input
                id={id}
                type="password"
                autoComplete="off"
                disabled={removeSecret}
                value={secret}
                placeholder={target?.has_signing_secret ? t('webhooks.unchanged') : ''}
                onInput={input(setSecret)}
              />
            )}
          </Field>
          {target?.has_signing_secret && (
            <label class="inline">
              <input type="checkbox" checked={removeSecret} onChange={(e) => setRemoveSecret((e.target as HTMLInputElement).checked)} /> {t('webhooks.removeSigningSecret')}
            </label>
          )}
        </>
      )}
      <label class="inline">
        <input type="checkbox" checked={skipVerify} onChange={(e) => setSkipVerify((e.target as HTMLInputElement).checked)} /> {t('webhooks.skipCertVerify')}
      </label>
      <fieldset>
        <legend>{t('webhooks.eventTypes')}</legend>
        {props.supported.event_type.map((e) => (
          <label class="inline" key={e}>
            <input type="checkbox" checked={events.includes(e)} onChange={() => toggleEvent(e)} /> {word('eventType', e)}
          </label>
        ))}
      </fieldset>
      <label class="inline">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} /> {t('webhooks.enabledField')}
      </label>
    </FormModal>
  );
}

/** A policy's deliveries: one execution per event, its tasks (one per attempt series) and their logs. */
export function Executions({ base, policy, onClose }: { base: string; policy: WebhookPolicy; onClose: () => void }) {
  const [open, setOpen] = useState<WebhookExecution | null>(null);
  const [log, setLog] = useState<WebhookTask | null>(null);
  const path = `${base}/policies/${policy.id}/executions`;
  return (
    <Modal title={t('webhooks.executionsOf', { name: policy.name })} onClose={onClose} wide>
      <DataTable<WebhookExecution>
        caption={t('webhooks.executions')}
        rowKey={(e) => e.id}
        reloadKey={policy.id}
        fetchPage={(query) => api.page<WebhookExecution>(path, query)}
        empty={t('webhooks.noExecutions')}
        columns={[
          { label: t('runs.id'), render: (e) => e.id },
          { label: t('webhooks.eventType'), render: (e) => word('eventType', String(e.extra_attrs?.event_type ?? '')) },
          { label: t('runs.status'), render: (e) => <Badge tone={statusTone(e.status)}>{word('status', e.status)}</Badge> },
          { label: t('webhooks.started'), render: (e) => <Time iso={e.start_time} /> },
          { label: t('webhooks.ended'), render: (e) => <Time iso={e.end_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (e) => (
              <button type="button" class="small" aria-expanded={open?.id === e.id} onClick={() => setOpen(open?.id === e.id ? null : e)}>
                {t('webhooks.tasks')}
              </button>
            ),
          },
        ]}
      />
      {open && (
        <DataTable<WebhookTask>
          caption={t('webhooks.tasksOf', { id: open.id })}
          rowKey={(x) => x.id}
          reloadKey={open.id}
          fetchPage={(query) => api.page<WebhookTask>(`${path}/${open.id}/tasks`, query)}
          empty={t('webhooks.noTasks')}
          columns={[
            { label: t('runs.id'), render: (x) => x.id },
            { label: t('runs.status'), render: (x) => <Badge tone={statusTone(x.status)}>{word('status', x.status)}</Badge> },
            { label: t('webhooks.attempts'), render: (x) => x.run_count },
            { label: t('webhooks.message'), render: (x) => <span class="small wrap">{x.status_message ?? ''}</span> },
            { label: t('webhooks.started'), render: (x) => <Time iso={x.start_time} /> },
            {
              label: t('common.actions'),
              class: 'actions-col',
              render: (x) => (
                <button type="button" class="small" onClick={() => setLog(x)}>
                  {t('runs.log')}
                </button>
              ),
            },
          ]}
        />
      )}
      {log && open && <LogModal title={t('webhooks.logOf', { id: log.id })} path={`${path}/${open.id}/tasks/${log.id}/log`} onClose={() => setLog(null)} />}
    </Modal>
  );
}

registerProjectTab({ id: 'webhooks', label: 'webhooks.title', order: 47, view: WebhooksTab, visible: (p) => p.has('notification-policy', 'list') });
