// The project's configuration (metadata) and its storage quota.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { navigate, registerProjectTab } from '../../router';
import { isAdmin } from '../../session';
import type { Perms, Project, ProjectSummary } from '../../types';
import { attempt, confirmAction, ErrorBanner, notify, Spinner, SubmitRow } from '../../ui/components';
import { bytes } from '../../ui/format';
import { QuotaBar, StorageLimitInput } from '../projects';
import { ProjectSecurityCards } from './security';

function ConfigurationTab({ project, perms }: { project: Project; perms: Perms }) {
  const [meta, setMeta] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isPublic, setPublic] = useState(project.metadata?.public === 'true');
  const canEdit = perms.has('project', 'update');
  useEffect(() => {
    api.get<Record<string, string>>(`/projects/${seg(project.project_id)}/metadatas/`).then(setMeta).catch(setError);
  }, [project.project_id]);

  const save = async (e: Event) => {
    e.preventDefault();
    await attempt(() => api.put(`/projects/${seg(project.project_id)}`, { metadata: { public: String(isPublic) } }), t('common.saved'));
  };
  const remove = async () => {
    try {
      const d = await api.get<{ deletable: boolean; message?: string }>(`/projects/${seg(project.project_id)}/_deletable`);
      if (!d.deletable) return notify(d.message || t('config.notDeletable'), 'error');
    } catch (err) {
      return notify(String((err as Error).message), 'error');
    }
    if (!(await confirmAction(t('config.confirmDelete', { name: project.name })))) return;
    if (await attempt(() => api.del(`/projects/${seg(project.project_id)}`), t('config.deleted', { name: project.name }))) navigate('/projects');
  };

  return (
    <div class="panels">
      <form class="card" onSubmit={save}>
        <h2>{t('config.access')}</h2>
        <label class="inline">
          <input type="checkbox" name="public" disabled={!canEdit} checked={isPublic} onChange={(e) => setPublic((e.target as HTMLInputElement).checked)} />
          {t('projects.publicHint')}
        </label>
        {canEdit && <SubmitRow />}
      </form>
      <div class="card">
        <h2>{t('config.metadata')}</h2>
        <ErrorBanner error={error} />
        {!meta && !error && <Spinner />}
        {meta && (
          <dl class="kv">
            {Object.entries(meta).map(([k, v]) => (
              <>
                <dt key={`${k}-k`}>{k}</dt>
                <dd key={`${k}-v`}>{v}</dd>
              </>
            ))}
          </dl>
        )}
      </div>
      {meta && <ProjectSecurityCards project={project} meta={meta} canEdit={canEdit} />}
      {perms.has('project', 'delete') && (
        <div class="card danger-zone">
          <h2>{t('config.dangerZone')}</h2>
          <p>{t('config.deleteHint')}</p>
          <button type="button" class="danger" onClick={remove}>
            {t('config.delete')}
          </button>
        </div>
      )}
    </div>
  );
}

function QuotaTab({ project }: { project: Project }) {
  const [summary, setSummary] = useState<ProjectSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [limit, setLimit] = useState(-1);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .get<ProjectSummary>(`/projects/${seg(project.project_id)}/summary`)
      .then((s) => {
        setSummary(s);
        setLimit(s.quota?.hard?.storage ?? -1);
      })
      .catch(setError);
  }, [project.project_id, version]);
  const save = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put(`/projects/${seg(project.project_id)}`, { storage_limit: limit }), t('common.saved'))) setVersion(version + 1);
  };
  if (error) return <ErrorBanner error={error} />;
  if (!summary) return <Spinner />;
  return (
    <div class="panels">
      <div class="card">
        <h2>{t('quota.storage')}</h2>
        <QuotaBar quota={summary.quota} />
        <dl class="kv">
          <dt>{t('quota.used')}</dt>
          <dd>{bytes(summary.quota?.used?.storage)}</dd>
          <dt>{t('quota.limit')}</dt>
          <dd>{(summary.quota?.hard?.storage ?? -1) < 0 ? t('quota.unlimited') : bytes(summary.quota?.hard?.storage)}</dd>
          <dt>{t('projects.repositories')}</dt>
          <dd>{summary.repo_count ?? 0}</dd>
        </dl>
      </div>
      {isAdmin() && (
        <form class="card" onSubmit={save}>
          <h2>{t('quota.change')}</h2>
          <StorageLimitInput label={t('quota.limit')} value={limit} onChange={setLimit} />
          <SubmitRow />
        </form>
      )}
    </div>
  );
}

registerProjectTab({ id: 'configuration', label: 'config.title', order: 60, view: ConfigurationTab, visible: (p) => p.has('metadata', 'read') });
registerProjectTab({ id: 'quotas', label: 'quota.title', order: 70, view: QuotaTab, visible: (p) => p.has('quota', 'read') });
