// System configuration (the editable settings) and system information.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { checkSession } from '../../session';
import type { Configurations, SystemInfo } from '../../types';
import { attempt, ErrorBanner, Field, PageHeader, Spinner } from '../../ui/components';
import { bytes, time } from '../../ui/format';

function ConfigurationView() {
  const [config, setConfig] = useState<Configurations | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  useEffect(() => {
    api.get<Configurations>('/configurations').then(setConfig).catch(setError);
  }, []);
  if (error) return <ErrorBanner error={error} />;
  if (!config) return <Spinner />;
  const value = (k: string) => (k in draft ? draft[k] : config[k]?.value);
  const set = (k: string, v: unknown) => setDraft({ ...draft, [k]: v });
  const editable = (k: string) => !!config[k]?.editable;
  const save = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put('/configurations', draft), t('common.saved'))) {
      setConfig(await api.get<Configurations>('/configurations'));
      setDraft({});
      await checkSession();
    }
  };
  const number = (k: string, label: string, hint: string) => (
    <Field label={label} hint={hint}>
      {(id) => <input id={id} type="number" min={1} disabled={!editable(k)} value={String(value(k) ?? '')} onInput={(e) => set(k, Number((e.target as HTMLInputElement).value))} />}
    </Field>
  );
  return (
    <section>
      <PageHeader title={t('config.systemTitle')} />
      <form class="card" onSubmit={save}>
        <h2>{t('config.authentication')}</h2>
        <Field label={t('config.authMode')} hint={t('config.authModeHint')}>
          {(id) => <input id={id} readOnly value={String(value('auth_mode'))} />}
        </Field>
        <label class="inline">
          <input type="checkbox" name="self_registration" disabled={!editable('self_registration')} checked={value('self_registration') === true} onChange={(e) => set('self_registration', (e.target as HTMLInputElement).checked)} />
          {t('config.selfRegistration')}
        </label>
        <Field label={t('config.projectCreation')}>
          {(id) => (
            <select id={id} name="project_creation_restriction" disabled={!editable('project_creation_restriction')} value={String(value('project_creation_restriction'))} onChange={(e) => set('project_creation_restriction', (e.target as HTMLSelectElement).value)}>
              <option value="everyone">{t('config.everyone')}</option>
              <option value="adminonly">{t('config.adminOnly')}</option>
            </select>
          )}
        </Field>
        <h2>{t('config.durations')}</h2>
        {number('token_expiration', t('config.tokenExpiration'), t('config.minutes'))}
        {number('session_timeout', t('config.sessionTimeout'), t('config.minutes'))}
        {number('robot_token_duration', t('config.robotDuration'), t('config.days'))}
        <div class="actions">
          <button type="button" disabled={!Object.keys(draft).length} onClick={() => setDraft({})}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary" disabled={!Object.keys(draft).length}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

interface Health {
  status: string;
  components: { name: string; status: string; error?: string }[];
}
interface Statistics {
  private_project_count?: number;
  public_project_count?: number;
  total_project_count?: number;
  private_repo_count?: number;
  public_repo_count?: number;
  total_repo_count?: number;
  total_storage_consumption?: number;
}

function SystemInfoView() {
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [health, setHealth] = useState<Health | null>(null);
  const [stats, setStats] = useState<Statistics | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([api.get<SystemInfo>('/systeminfo'), api.get<Health>('/health'), api.get<Statistics>('/statistics')])
      .then(([i, h, s]) => {
        setInfo(i);
        setHealth(h);
        setStats(s);
      })
      .catch(setError);
  }, []);
  if (error) return <ErrorBanner error={error} />;
  if (!info) return <Spinner />;
  const rows: [string, unknown][] = [
    [t('sysinfo.version'), info.harbor_version],
    [t('sysinfo.externalUrl'), info.external_url],
    [t('sysinfo.registryUrl'), info.registry_url],
    [t('config.authMode'), info.auth_mode],
    [t('config.selfRegistration'), String(info.self_registration)],
    [t('config.projectCreation'), info.project_creation_restriction],
    [t('sysinfo.storage'), info.registry_storage_provider_name],
    [t('sysinfo.readOnly'), String(info.read_only)],
    [t('sysinfo.time'), time(info.current_time as string)],
  ];
  return (
    <section>
      <PageHeader title={t('sysinfo.title')} />
      <div class="panels">
        <div class="card">
          <h2>{t('sysinfo.about')}</h2>
          <dl class="kv">
            {rows.map(([k, v]) => (
              <>
                <dt key={`${k}-k`}>{k}</dt>
                <dd key={`${k}-v`}>{String(v ?? '—')}</dd>
              </>
            ))}
          </dl>
        </div>
        {health && (
          <div class="card">
            <h2>{t('sysinfo.health')}</h2>
            <dl class="kv">
              <dt>{t('sysinfo.overall')}</dt>
              <dd>{health.status}</dd>
              {health.components.map((c) => (
                <>
                  <dt key={`${c.name}-k`}>{c.name}</dt>
                  <dd key={`${c.name}-v`}>
                    {c.status}
                    {c.error ? ` — ${c.error}` : ''}
                  </dd>
                </>
              ))}
            </dl>
          </div>
        )}
        {stats && (
          <div class="card">
            <h2>{t('sysinfo.statistics')}</h2>
            <dl class="kv">
              <dt>{t('sysinfo.projects')}</dt>
              <dd>{t('sysinfo.publicPrivate', { total: stats.total_project_count ?? 0, pub: stats.public_project_count ?? 0, priv: stats.private_project_count ?? 0 })}</dd>
              <dt>{t('sysinfo.repositories')}</dt>
              <dd>{t('sysinfo.publicPrivate', { total: stats.total_repo_count ?? 0, pub: stats.public_repo_count ?? 0, priv: stats.private_repo_count ?? 0 })}</dd>
              <dt>{t('sysinfo.storageUsed')}</dt>
              <dd>{bytes(stats.total_storage_consumption)}</dd>
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}

registerRoute({ path: '/admin/configuration', view: ConfigurationView, title: 'config.systemTitle', admin: true, nav: { section: 'admin', order: 70 } });
registerRoute({ path: '/admin/system', view: SystemInfoView, title: 'sysinfo.title', admin: true, nav: { section: 'admin', order: 80 } });
