import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { t } from '../i18n';
import { navigate, registerRoute } from '../router';
import { isAdmin, session } from '../session';
import { useSignal } from '../state';
import type { Project, ProjectSummary } from '../types';
import { Badge, confirmAction, Field, FormModal, Link, PageHeader, PatternInput, notify, Time } from '../ui/components';
import { runBulk } from '../ui/bulk';
import { DataTable, useSelection } from '../ui/DataTable';
import { bytes } from '../ui/format';
import { roleName } from './roles';

/** Harbor's rule for project names; said in words when broken. */
const NAME_PATTERN = '[a-z0-9]+([._\\-][a-z0-9]+)*';

export function ProjectsView() {
  const s = useSignal(session);
  const [creating, setCreating] = useState(false);
  const [reload, setReload] = useState(0);
  const [access, setAccess] = useState('');
  const canCreate = isAdmin() || s.info.project_creation_restriction !== 'adminonly';
  const selection = useSelection<Project>();
  const removeSelected = async () => {
    const list = selection.list;
    if (!(await confirmAction(t('projects.confirmDeleteMany', { n: list.length, names: list.map((p) => p.name).join(', ') })))) return;
    await runBulk(list, (p) => api.del(`/projects/${seg(p.project_id)}`), (p) => p.name, 'projects.deletedMany');
    selection.clear();
    setReload((n) => n + 1);
  };
  return (
    <section>
      <PageHeader title={t('projects.title')}>
        {canCreate && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('projects.new')}
          </button>
        )}
      </PageHeader>
      <DataTable<Project>
        caption={t('projects.title')}
        rowKey={(p) => p.project_id}
        searchField="name"
        searchLabel={t('projects.search')}
        defaultSort="name"
        reloadKey={reload}
        baseQ={access ? `public=${access}` : undefined}
        fetchPage={(query) => api.page<Project>('/projects', query)}
        empty={canCreate ? t('projects.emptyCreate') : t('projects.empty')}
        selection={isAdmin() ? selection : undefined}
        selectLabel={(p) => t('projects.selectNamed', { name: p.name })}
        bulk={
          <button type="button" class="small danger" onClick={removeSelected}>
            {t('common.delete')}
          </button>
        }
        toolbar={
          <select aria-label={t('projects.access')} value={access} onChange={(e) => setAccess((e.target as HTMLSelectElement).value)}>
            <option value="">{t('projects.allAccess')}</option>
            <option value="true">{t('projects.public')}</option>
            <option value="false">{t('projects.private')}</option>
          </select>
        }
        columns={[
          {
            label: t('projects.name'),
            sort: 'name',
            render: (p) => <Link href={`/projects/${p.project_id}/repositories`}>{p.name}</Link>,
          },
          {
            label: t('projects.access'),
            render: (p) =>
              p.metadata?.public === 'true' ? <Badge tone="ok">{t('projects.public')}</Badge> : <Badge>{t('projects.private')}</Badge>,
          },
          { label: t('projects.type'), render: (p) => (p.registry_id ? t('projects.proxyCache') : t('projects.typeProject')) },
          { label: t('projects.role'), render: (p) => (p.current_user_role_id ? roleName(p.current_user_role_id) : '—') },
          { label: t('projects.repositories'), sort: 'repo_count', render: (p) => p.repo_count ?? 0 },
          { label: t('projects.quota'), sort: 'storage_used', render: (p) => <QuotaCell projectId={p.project_id} /> },
          { label: t('common.created'), sort: 'creation_time', render: (p) => <Time iso={p.creation_time} /> },
        ]}
      />
      {creating && (
        <CreateProject
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            setReload(reload + 1);
            notify(t('projects.created', { name }));
          }}
        />
      )}
    </section>
  );
}

/** Storage used against the limit, from the project's summary (one small request per shown row). */
export function QuotaCell({ projectId }: { projectId: number }) {
  const [summary, setSummary] = useState<ProjectSummary | null>(null);
  useEffect(() => {
    api
      .get<ProjectSummary>(`/projects/${seg(projectId)}/summary`)
      .then(setSummary)
      .catch(() => setSummary({}));
  }, [projectId]);
  if (!summary) return <span aria-busy="true">…</span>;
  return <QuotaBar quota={summary.quota} />;
}

export function QuotaBar({ quota }: { quota?: ProjectSummary['quota'] }) {
  if (!quota) return <span>—</span>;
  const used = quota.used?.storage ?? 0;
  const hard = quota.hard?.storage ?? -1;
  if (hard < 0) return <span>{t('quota.usedOfUnlimited', { used: bytes(used) })}</span>;
  const pct = hard === 0 ? 100 : Math.min(100, Math.round((used / hard) * 100));
  return (
    <span class="quota">
      <progress max={100} value={pct} aria-label={t('quota.usage')} class={pct >= 90 ? 'high' : ''} />
      {t('quota.usedOf', { used: bytes(used), hard: bytes(hard) })}
    </span>
  );
}

const UNITS: Record<string, number> = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** A storage limit input: a number and a unit, or unlimited (-1). */
export function StorageLimitInput(props: { value: number; onChange: (bytes: number) => void; label: string }) {
  const unlimited = props.value < 0;
  const unit = !unlimited && props.value % UNITS.TiB === 0 && props.value > 0 ? 'TiB' : !unlimited && props.value % UNITS.GiB === 0 && props.value > 0 ? 'GiB' : 'MiB';
  const amount = unlimited ? '' : String(props.value / UNITS[unit]);
  return (
    <fieldset class="storage-limit">
      <legend>{props.label}</legend>
      <label class="inline">
        <input type="checkbox" checked={unlimited} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? -1 : UNITS.GiB)} />
        {t('quota.unlimited')}
      </label>
      {!unlimited && (
        <span class="row">
          <input
            type="number"
            min={1}
            aria-label={t('quota.amount')}
            value={amount}
            onInput={(e) => props.onChange(Math.round(Number((e.target as HTMLInputElement).value) * UNITS[unit]))}
          />
          <select aria-label={t('quota.unit')} value={unit} onChange={(e) => props.onChange(Math.round(Number(amount || 1) * UNITS[(e.target as HTMLSelectElement).value]))}>
            {Object.keys(UNITS).map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </span>
      )}
    </fieldset>
  );
}

/** The endpoint types Harbor lets a proxy cache use (its create-project dialog offers these). */
export const PROXY_TYPES = ['docker-hub', 'harbor', 'azure-acr', 'ali-acr', 'aws-ecr', 'google-gcr', 'quay', 'docker-registry', 'github-ghcr', 'jfrog-artifactory'];

interface Endpoint {
  id: number;
  name: string;
  type: string;
  url: string;
}

/** Proxy cache (system administrators only): a toggle and a picker of the registry endpoints that can back one. */
function ProxyCacheInput(props: { registryId: number; onChange: (id: number) => void }) {
  const [enabled, setEnabled] = useState(false);
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  useEffect(() => {
    if (!enabled || endpoints) return;
    api.get<Endpoint[]>('/registries', { page_size: 100 }).then(
      (all) => setEndpoints(all.filter((e) => PROXY_TYPES.includes(e.type))),
      () => setEndpoints([]),
    );
  }, [enabled]);
  return (
    <fieldset class="proxy-cache">
      <legend>{t('projects.proxyCache')}</legend>
      <label class="inline">
        <input
          type="checkbox"
          name="proxy_cache"
          checked={enabled}
          onChange={(e) => {
            const on = (e.target as HTMLInputElement).checked;
            setEnabled(on);
            if (!on) props.onChange(0);
          }}
        />
        {t('projects.proxyCacheHint')}
      </label>
      {enabled && endpoints && endpoints.length === 0 && <small class="hint">{t('projects.noEndpoints')}</small>}
      {enabled && endpoints && endpoints.length > 0 && (
        <Field label={t('projects.endpoint')}>
          {(id) => (
            <select id={id} name="registry_id" required value={props.registryId || ''} onChange={(e) => props.onChange(Number((e.target as HTMLSelectElement).value))}>
              <option value="">{t('projects.chooseEndpoint')}</option>
              {endpoints.map((e) => (
                <option key={e.id} value={e.id}>
                  {`${e.name} (${e.type}, ${e.url})`}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </fieldset>
  );
}

function CreateProject({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [limit, setLimit] = useState(-1);
  const [registryId, setRegistryId] = useState(0);
  return (
    <FormModal
      title={t('projects.new')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        const body: Record<string, unknown> = { project_name: name, metadata: { public: String(isPublic) } };
        if (isAdmin()) body.storage_limit = limit;
        if (isAdmin() && registryId > 0) body.registry_id = registryId;
        const location = await api.create('/projects', body);
        onCreated(name);
        const id = location.split('/').pop();
        if (id) navigate(`/projects/${id}/repositories`);
      }}
    >
      <Field label={t('projects.name')} hint={t('projects.nameHint')}>
        {(id) => <PatternInput id={id} name="project_name" required pattern={NAME_PATTERN} rule={t('projects.nameHint')} maxLength={255} value={name} onValue={setName} />}
      </Field>
      <label class="inline">
        <input type="checkbox" name="public" checked={isPublic} onChange={(e) => setPublic((e.target as HTMLInputElement).checked)} />
        {t('projects.publicHint')}
      </label>
      {isAdmin() && <StorageLimitInput label={t('quota.limit')} value={limit} onChange={setLimit} />}
      {isAdmin() && <ProxyCacheInput registryId={registryId} onChange={setRegistryId} />}
    </FormModal>
  );
}

registerRoute({ path: '/projects', view: ProjectsView, title: 'projects.title', nav: { section: 'main', order: 10 } });
