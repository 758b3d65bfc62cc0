// System configuration (the editable settings) and system information.
import { SystemAllowlistCard } from '../cve-allowlist';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { checkSession } from '../../session';
import type { Configurations, SystemInfo } from '../../types';
import type { ComponentChildren } from 'preact';
import { word } from '../../i18n/words';
import { attempt, confirmAction, ErrorBanner, Field, PageHeader, Spinner } from '../../ui/components';
import { bytes, time } from '../../ui/format';
import { LDAP_ITEMS, LdapFields } from './ldap';
import { AUTHPROXY_ITEMS, AuthProxyFields } from './authproxy';
import { OIDC_ITEMS, OidcFields } from './oidc';
import { formatBanner, parseBanner, toInputDate, type BannerType } from '../../ui/banner';

/** What the server accepts for each number (ConfigurationItems): whole numbers from 1 to max. */
const LIMITS: Record<string, { max: number; unit: 'config.minutes' | 'config.days' }> = {
  token_expiration: { max: 525_600, unit: 'config.minutes' },
  session_timeout: { max: 525_600, unit: 'config.minutes' },
  robot_token_duration: { max: 36_500, unit: 'config.days' },
};

function numberError(k: string, v: unknown): string | undefined {
  const n = Number(v);
  const limit = LIMITS[k];
  if (!limit) return undefined;
  return Number.isInteger(n) && n >= 1 && n <= limit.max ? undefined : t('config.badNumber', { max: limit.max, unit: t(limit.unit) });
}

/**
 * One section of the configuration (Harbor's Authentication, System settings): its items as a
 * form that checks them before saving, and saves only what changed.
 */
function ConfigSection(props: {
  title: string;
  config: Configurations;
  items: string[];
  onSaved: () => Promise<void>;
  children: (ctl: { value: (k: string) => unknown; set: (k: string, v: unknown) => void; editable: (k: string) => boolean; error: (k: string) => string | undefined }) => ComponentChildren;
  confirm?: (draft: Record<string, unknown>) => Promise<boolean>;
}) {
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const value = (k: string) => (k in draft ? draft[k] : props.config[k]?.value);
  const set = (k: string, v: unknown) => {
    const next = { ...draft, [k]: v };
    if (v === props.config[k]?.value) delete next[k];
    setDraft(next);
  };
  const error = (k: string) => (k in draft ? numberError(k, draft[k]) : undefined);
  const invalid = props.items.some((k) => error(k));
  const dirty = Object.keys(draft).length > 0;
  const save = async (e: Event) => {
    e.preventDefault();
    if (invalid || !dirty) return;
    if (props.confirm && !(await props.confirm(draft))) return;
    if (await attempt(() => api.put('/configurations', draft), t('config.savedSection', { section: props.title }))) {
      setDraft({});
      await props.onSaved();
    }
  };
  return (
    <form class="card" onSubmit={save} aria-label={props.title} noValidate>
      <h2>{props.title}</h2>
      {props.children({ value, set, editable: (k) => !!props.config[k]?.editable, error })}
      <div class="actions">
        <button type="button" disabled={!dirty} onClick={() => setDraft({})}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="primary" disabled={!dirty || invalid}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

function ConfigurationView() {
  const [config, setConfig] = useState<Configurations | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<Configurations>('/configurations').then(setConfig).catch(setError);
  }, []);
  if (error) return <ErrorBanner error={error} />;
  if (!config) return <Spinner />;
  const reread = async () => {
    setConfig(await api.get<Configurations>('/configurations'));
    await checkSession();
  };
  const number = (ctl: { value: (k: string) => unknown; set: (k: string, v: unknown) => void; editable: (k: string) => boolean; error: (k: string) => string | undefined }, k: string, label: string) => {
    const err = ctl.error(k);
    return (
      <Field label={label} hint={t('config.numberHint', { max: LIMITS[k].max, unit: t(LIMITS[k].unit) })}>
        {(id) => (
          <>
            <input
              id={id}
              name={k}
              type="number"
              min={1}
              max={LIMITS[k].max}
              step={1}
              disabled={!ctl.editable(k)}
              aria-invalid={err ? 'true' : undefined}
              aria-describedby={`${id}-hint`}
              value={String(ctl.value(k) ?? '')}
              onInput={(e) => {
                const raw = (e.target as HTMLInputElement).value;
                ctl.set(k, raw === '' ? '' : Number(raw));
              }}
            />
            {err && (
              <span class="field-error" role="alert">
                {err}
              </span>
            )}
          </>
        )}
      </Field>
    );
  };
  const confirmReadOnly = async (draft: Record<string, unknown>) =>
    draft.read_only === true ? confirmAction(t('config.confirmReadOnly'), t('config.readOnlyOn')) : true;
  return (
    <section>
      <PageHeader title={t('config.systemTitle')} />
      <div class="panels">
        <ConfigSection title={t('config.authentication')} config={config} items={['auth_mode', 'self_registration', ...LDAP_ITEMS, ...OIDC_ITEMS, ...AUTHPROXY_ITEMS]} onSaved={reread}>
          {(ctl) => (
            <>
              <Field label={t('config.authMode')} hint={t('config.authModeHint')}>
                {(id) => (
                  <select id={id} name="auth_mode" disabled={!ctl.editable('auth_mode')} value={String(ctl.value('auth_mode'))} onChange={(e) => ctl.set('auth_mode', (e.target as HTMLSelectElement).value)}>
                    <option value="db_auth">{word('value', 'db_auth')}</option>
                    <option value="ldap_auth">{word('value', 'ldap_auth')}</option>
                    <option value="oidc_auth">{word('value', 'oidc_auth')}</option>
                    <option value="http_auth">{word('value', 'http_auth')}</option>
                  </select>
                )}
              </Field>
              {ctl.value('auth_mode') === 'ldap_auth' ? (
                <LdapFields ctl={ctl} />
              ) : ctl.value('auth_mode') === 'oidc_auth' ? (
                <OidcFields ctl={ctl} />
              ) : ctl.value('auth_mode') === 'http_auth' ? (
                <AuthProxyFields ctl={ctl} />
              ) : (
                <label class="inline">
                  <input
                    type="checkbox"
                    name="self_registration"
                    disabled={!ctl.editable('self_registration')}
                    checked={ctl.value('self_registration') === true}
                    onChange={(e) => ctl.set('self_registration', (e.target as HTMLInputElement).checked)}
                  />
                  {t('config.selfRegistration')}
                </label>
              )}
            </>
          )}
        </ConfigSection>
        <ConfigSection title={t('config.banner')} config={config} items={['banner_message']} onSaved={reread}>
          {(ctl) => {
            const current = parseBanner(String(ctl.value('banner_message') ?? ''));
            const fields = {
              message: current?.message ?? '',
              type: current?.type ?? ('info' as BannerType),
              closable: current?.closable ?? false,
              fromDate: toInputDate(current?.fromDate),
              toDate: toInputDate(current?.toDate),
            };
            const update = (change: Partial<typeof fields>) => ctl.set('banner_message', formatBanner({ ...fields, ...change }));
            const disabled = !ctl.editable('banner_message');
            return (
              <>
                <Field label={t('config.bannerMessage')} hint={t('config.bannerHint')}>
                  {(id) => (
                    <textarea id={id} name="banner_message" maxLength={1000} disabled={disabled} value={fields.message} onInput={(e) => update({ message: (e.target as HTMLTextAreaElement).value })} />
                  )}
                </Field>
                <Field label={t('config.bannerType')}>
                  {(id) => (
                    <select id={id} name="banner_type" disabled={disabled} value={fields.type} onChange={(e) => update({ type: (e.target as HTMLSelectElement).value as BannerType })}>
                      <option value="info">{t('config.bannerInfo')}</option>
                      <option value="warning">{t('config.bannerWarning')}</option>
                      <option value="danger">{t('config.bannerDanger')}</option>
                      <option value="success">{t('config.bannerSuccess')}</option>
                    </select>
                  )}
                </Field>
                <Field label={t('config.bannerFrom')}>
                  {(id) => <input id={id} type="date" name="banner_from" disabled={disabled} value={fields.fromDate} onInput={(e) => update({ fromDate: (e.target as HTMLInputElement).value })} />}
                </Field>
                <Field label={t('config.bannerTo')}>
                  {(id) => <input id={id} type="date" name="banner_to" disabled={disabled} value={fields.toDate} onInput={(e) => update({ toDate: (e.target as HTMLInputElement).value })} />}
                </Field>
                <label class="inline">
                  <input type="checkbox" name="banner_closable" disabled={disabled} checked={fields.closable} onChange={(e) => update({ closable: (e.target as HTMLInputElement).checked })} />
                  {t('config.bannerClosable')}
                </label>
              </>
            );
          }}
        </ConfigSection>
        <ConfigSection
          title={t('config.system')}
          config={config}
          items={['project_creation_restriction', 'read_only', 'token_expiration', 'session_timeout', 'robot_token_duration']}
          onSaved={reread}
          confirm={confirmReadOnly}
        >
          {(ctl) => (
            <>
              <Field label={t('config.projectCreation')}>
                {(id) => (
                  <select
                    id={id}
                    name="project_creation_restriction"
                    disabled={!ctl.editable('project_creation_restriction')}
                    value={String(ctl.value('project_creation_restriction'))}
                    onChange={(e) => ctl.set('project_creation_restriction', (e.target as HTMLSelectElement).value)}
                  >
                    <option value="everyone">{t('config.everyone')}</option>
                    <option value="adminonly">{t('config.adminOnly')}</option>
                  </select>
                )}
              </Field>
              {number(ctl, 'token_expiration', t('config.tokenExpiration'))}
              {number(ctl, 'session_timeout', t('config.sessionTimeout'))}
              {number(ctl, 'robot_token_duration', t('config.robotDuration'))}
              <Field label={t('config.robotPrefix')} hint={t('config.robotPrefixHint')}>
                {(id) => <input id={id} readOnly value={String(ctl.value('robot_name_prefix') ?? '')} />}
              </Field>
              <label class="inline">
                <input type="checkbox" name="read_only" disabled={!ctl.editable('read_only')} checked={ctl.value('read_only') === true} onChange={(e) => ctl.set('read_only', (e.target as HTMLInputElement).checked)} />
                {t('config.readOnly')}
              </label>
              <p class="hint">{t('config.readOnlyHint')}</p>
            </>
          )}
        </ConfigSection>
      </div>
      <SystemAllowlistCard />
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
    [t('config.authMode'), word('value', info.auth_mode)],
    [t('config.selfRegistration'), word('value', String(info.self_registration))],
    [t('config.projectCreation'), word('value', info.project_creation_restriction)],
    [t('sysinfo.storage'), word('value', info.registry_storage_provider_name)],
    [t('sysinfo.readOnly'), word('value', String(info.read_only))],
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
              <dd>{word('health', health.status)}</dd>
              {health.components.map((c) => (
                <>
                  <dt key={`${c.name}-k`}>{word('component', c.name)}</dt>
                  <dd key={`${c.name}-v`}>
                    {word('health', c.status)}
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
