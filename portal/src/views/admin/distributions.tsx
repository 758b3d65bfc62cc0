// Administration → Distributions: the P2P preheat provider instances (Harbor's
// /p2p/preheat/instances): list, create and edit with the auth mode (none, basic, OAuth token) and
// `insecure`, test the connection (ping, before saving or of a stored instance), enable and
// disable, make one the default, delete. Credentials are write-only: the form never shows the
// stored ones and keeps them unless new ones are typed.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { attempt, Badge, confirmAction, ErrorBanner, Field, FormModal, PageHeader, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';

export interface ProviderInstance {
  id: number;
  name: string;
  description?: string;
  vendor: string;
  endpoint: string;
  auth_mode: string;
  status?: string;
  enabled: boolean;
  default: boolean;
  insecure: boolean;
  setup_timestamp?: number;
}

export interface ProviderInfo {
  id: string;
  name: string;
  version?: string;
  source?: string;
}

const BASE = '/p2p/preheat/instances';
const AUTH_MODES = ['NONE', 'BASIC', 'OAUTH'] as const;

function authLabel(mode: string): string {
  if (mode === 'BASIC') return t('distributions.auth.BASIC');
  if (mode === 'OAUTH') return t('distributions.auth.OAUTH');
  if (mode === 'NONE') return t('distributions.auth.NONE');
  return mode;
}

function DistributionsView() {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<ProviderInstance | 'new' | null>(null);
  const [providers, setProviders] = useState<ProviderInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<ProviderInfo[]>('/p2p/preheat/providers').then((x) => setProviders(x ?? []), setError);
  }, []);
  const changed = () => setReload((n) => n + 1);
  const vendorName = (id: string) => providers.find((p) => p.id === id)?.name ?? id;
  const update = async (i: ProviderInstance, change: Partial<ProviderInstance>, done: string) => {
    // auth_info left out: the stored credentials are kept
    if (await attempt(() => api.put(`${BASE}/${seg(i.name)}`, { ...i, ...change }), done)) changed();
  };
  const ping = (i: ProviderInstance) => attempt(() => api.post(`${BASE}/ping`, { id: i.id }), t('distributions.healthy', { name: i.name }));
  const remove = async (i: ProviderInstance) => {
    if (!(await confirmAction(t('distributions.confirmDelete', { name: i.name })))) return;
    if (await attempt(() => api.del(`${BASE}/${seg(i.name)}`), t('distributions.deleted', { name: i.name }))) changed();
  };
  return (
    <section>
      <PageHeader title={t('distributions.title')} />
      <p class="hint">{t('distributions.hint')}</p>
      <ErrorBanner error={error} />
      <DataTable<ProviderInstance>
        caption={t('distributions.title')}
        rowKey={(i) => i.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<ProviderInstance>(BASE, query)}
        searchField="name"
        searchLabel={t('distributions.search')}
        empty={t('distributions.empty')}
        toolbar={
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('distributions.new')}
          </button>
        }
        columns={[
          {
            label: t('distributions.name'),
            sort: 'name',
            render: (i) => (
              <>
                <b>{i.name}</b> {i.default && <Badge tone="ok">{t('distributions.default')}</Badge>}
              </>
            ),
          },
          { label: t('distributions.provider'), render: (i) => vendorName(i.vendor) },
          { label: t('distributions.endpoint'), render: (i) => <code class="wrap">{i.endpoint}</code> },
          {
            label: t('robots.status'),
            render: (i) => (i.enabled ? <Badge tone="ok">{t('robots.enabledState')}</Badge> : <Badge tone="warn">{t('robots.disabledState')}</Badge>),
          },
          { label: t('distributions.authMode'), render: (i) => authLabel(i.auth_mode) },
          { label: t('distributions.insecure'), render: (i) => (i.insecure ? t('distributions.yes') : t('distributions.no')) },
          { label: t('common.created'), render: (i) => <Time iso={i.setup_timestamp ? new Date(i.setup_timestamp * 1000).toISOString() : undefined} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (i) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => ping(i)} aria-label={t('distributions.testNamed', { name: i.name })}>
                  {t('distributions.test')}
                </button>
                {!i.default && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => update(i, { default: true }, t('distributions.madeDefault', { name: i.name }))}
                    aria-label={t('distributions.setDefaultNamed', { name: i.name })}
                  >
                    {t('distributions.setDefault')}
                  </button>
                )}
                <button
                  type="button"
                  class="small"
                  onClick={() => update(i, { enabled: !i.enabled }, t(i.enabled ? 'distributions.disabled' : 'distributions.enabled', { name: i.name }))}
                  aria-label={t(i.enabled ? 'distributions.disableNamed' : 'distributions.enableNamed', { name: i.name })}
                >
                  {i.enabled ? t('robots.disable') : t('robots.enable')}
                </button>
                <button type="button" class="small" onClick={() => setEditing(i)} aria-label={t('distributions.editNamed', { name: i.name })}>
                  {t('common.edit')}
                </button>
                <button type="button" class="small danger" onClick={() => remove(i)} aria-label={t('distributions.deleteNamed', { name: i.name })}>
                  {t('common.delete')}
                </button>
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <InstanceForm
          providers={providers}
          instance={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            changed();
          }}
        />
      )}
    </section>
  );
}

/** Create and edit. The vendor of a stored instance cannot change (Harbor refuses it). */
export function InstanceForm(props: { providers: ProviderInfo[]; instance: ProviderInstance | null; onClose: () => void; onSaved: () => void }) {
  const old = props.instance;
  const [vendor, setVendor] = useState(old?.vendor ?? props.providers[0]?.id ?? 'dragonfly');
  const [name, setName] = useState(old?.name ?? '');
  const [description, setDescription] = useState(old?.description ?? '');
  const [endpoint, setEndpoint] = useState(old?.endpoint ?? '');
  const [mode, setMode] = useState(old?.auth_mode ?? 'NONE');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [enabled, setEnabled] = useState(old?.enabled ?? true);
  const [insecure, setInsecure] = useState(old?.insecure ?? false);
  const [tested, setTested] = useState<string | null>(null);
  const [testError, setTestError] = useState<unknown>(null);
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  // A stored credential of the same mode is kept when nothing new is typed.
  const keeps = !!old && old.auth_mode === mode && mode !== 'NONE';
  const authInfo = (): Record<string, string> | undefined => {
    if (mode === 'BASIC' && (username || password)) return { username, password };
    if (mode === 'OAUTH' && token) return { token };
    return undefined;
  };
  const body = () => ({ name, description, vendor, endpoint, auth_mode: mode, auth_info: authInfo(), enabled, insecure, ...(old ? { default: old.default } : {}) });
  const test = async () => {
    setTested(null);
    setTestError(null);
    try {
      // A stored instance whose credentials are kept is tested as stored, with the typed endpoint.
      await api.post(`${BASE}/ping`, keeps && !authInfo() && endpoint === old!.endpoint ? { id: old!.id } : body());
      setTested(t('distributions.testOk'));
    } catch (e) {
      setTestError(e);
    }
  };
  return (
    <FormModal
      title={old ? t('distributions.editNamed', { name: old.name }) : t('distributions.new')}
      submitLabel={old ? t('common.save') : t('common.create')}
      wide
      onClose={props.onClose}
      onSubmit={async () => {
        if (old) await api.put(`${BASE}/${seg(old.name)}`, body());
        else await api.create(BASE, body());
        props.onSaved();
      }}
    >
      <Field label={t('distributions.provider')}>
        {(id) => (
          <select id={id} value={vendor} disabled={!!old} onChange={input(setVendor)}>
            {props.providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('distributions.name')}>{(id) => <input id={id} required maxLength={255} value={name} onInput={input(setName)} />}</Field>
      <Field label={t('distributions.description')}>{(id) => <textarea id={id} rows={2} value={description} onInput={input(setDescription)} />}</Field>
      <Field label={t('distributions.endpoint')} hint={t('distributions.endpointHint')}>
        {(id) => <input id={id} type="url" required value={endpoint} placeholder="https://" onInput={input(setEndpoint)} />}
      </Field>
      <Field label={t('distributions.authMode')}>
        {(id) => (
          <select id={id} value={mode} onChange={input(setMode)}>
            {AUTH_MODES.map((m) => (
              <option key={m} value={m}>
                {authLabel(m)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {mode === 'BASIC' && (
        <>
          <Field label={t('distributions.username')} hint={keeps ? t('distributions.storedHint') : undefined}>
            {(id) => <input id={id} autoComplete="off" required={!keeps} value={username} placeholder={keeps ? t('webhooks.unchanged') : ''} onInput={input(setUsername)} />}
          </Field>
          <Field label={t('distributions.password')}>
            {(id) => <input id={id} type="password" autoComplete="new-password" value={password} placeholder={keeps ? t('webhooks.unchanged') : ''} onInput={input(setPassword)} />}
          </Field>
        </>
      )}
      {mode === 'OAUTH' && (
        <Field label={t('distributions.token')} hint={keeps ? t('distributions.storedHint') : t('distributions.tokenHint')}>
          {(id) => (
            <input id={id} type="password" autoComplete="off" required={!keeps} value={token} placeholder={keeps ? t('webhooks.unchanged') : ''} onInput={input(setToken)} />
          )}
        </Field>
      )}
      <label class="inline">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} /> {t('distributions.enabledField')}
      </label>
      <label class="inline">
        <input type="checkbox" checked={insecure} onChange={(e) => setInsecure((e.target as HTMLInputElement).checked)} /> {t('distributions.insecureField')}
      </label>
      <div class="actions">
        <button type="button" onClick={test}>
          {t('distributions.testConnection')}
        </button>
      </div>
      {tested && (
        <p class="ok" role="status">
          {tested}
        </p>
      )}
      <ErrorBanner error={testError} />
    </FormModal>
  );
}

registerRoute({ path: '/admin/distributions', view: DistributionsView, title: 'distributions.title', admin: true, nav: { section: 'admin', order: 55 } });
