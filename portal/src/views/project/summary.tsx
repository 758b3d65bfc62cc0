// The project's summary (Harbor's first project tab): access, quota use, members by role and the
// repositories most recently pushed to, from GET /projects/{id}/summary and one short list.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { pathOf, registerProjectTab } from '../../router';
import type { Perms, Project, ProjectSummary, Repository } from '../../types';
import { ErrorBanner, Link, Spinner, Time } from '../../ui/components';
import { StaticTable } from '../../ui/DataTable';
import { bytes } from '../../ui/format';
import { QuotaBar } from '../projects';
import { ROLES } from '../roles';
import { shortRepo } from './repositories';

/** How many recently updated repositories the summary lists. */
const RECENT = 5;

const ROLE_COUNTS: Record<number, keyof ProjectSummary> = {
  1: 'project_admin_count',
  4: 'maintainer_count',
  2: 'developer_count',
  3: 'guest_count',
  5: 'limited_guest_count',
};

function SummaryTab({ project }: { project: Project; perms: Perms }) {
  const [summary, setSummary] = useState<ProjectSummary | null>(null);
  const [recent, setRecent] = useState<Repository[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<ProjectSummary>(`/projects/${seg(project.project_id)}/summary`).then(setSummary).catch(setError);
    api
      .get<Repository[]>(`/projects/${seg(project.name)}/repositories`, { page: 1, page_size: RECENT, sort: '-update_time' })
      .then((r) => setRecent(r ?? []))
      .catch(() => setRecent([]));
  }, [project.project_id]);
  if (error) return <ErrorBanner error={error} />;
  if (!summary) return <Spinner />;
  const members = summary.project_admin_count !== undefined;
  const total = ROLES.reduce((n, r) => n + Number(summary[ROLE_COUNTS[r.id]] ?? 0), 0);
  return (
    <div class="panels" data-testid="project-summary">
      <div class="card">
        <h2>{t('summary.about')}</h2>
        <dl class="kv">
          <dt>{t('projects.access')}</dt>
          <dd>{project.metadata?.public === 'true' ? t('projects.public') : t('projects.private')}</dd>
          <dt>{t('summary.owner')}</dt>
          <dd>{project.owner_name ?? '—'}</dd>
          <dt>{t('common.created')}</dt>
          <dd>
            <Time iso={project.creation_time} />
          </dd>
          <dt>{t('projects.repositories')}</dt>
          <dd>{summary.repo_count ?? 0}</dd>
        </dl>
      </div>
      {summary.quota && (
        <div class="card">
          <h2>{t('quota.storage')}</h2>
          <QuotaBar quota={summary.quota} />
          <dl class="kv">
            <dt>{t('quota.used')}</dt>
            <dd>{bytes(summary.quota.used?.storage)}</dd>
            <dt>{t('quota.limit')}</dt>
            <dd>{(summary.quota.hard?.storage ?? -1) < 0 ? t('quota.unlimited') : bytes(summary.quota.hard?.storage)}</dd>
          </dl>
        </div>
      )}
      {members && (
        <div class="card">
          <h2>{t('summary.members', { n: total })}</h2>
          <dl class="kv">
            {ROLES.map((r) => (
              <>
                <dt key={`${r.id}-k`}>{t(r.key)}</dt>
                <dd key={`${r.id}-v`}>{Number(summary[ROLE_COUNTS[r.id]] ?? 0)}</dd>
              </>
            ))}
          </dl>
        </div>
      )}
      <div class="card span-all">
        <h2>{t('summary.recent')}</h2>
        {recent === null ? (
          <Spinner />
        ) : (
          <StaticTable<Repository>
            caption={t('summary.recent')}
            rows={recent}
            rowKey={(r) => r.id}
            empty={t('repositories.empty')}
            columns={[
              {
                label: t('repositories.name'),
                render: (r) => <Link href={pathOf('projects', project.project_id, 'repositories', shortRepo(project.name, r.name))}>{r.name}</Link>,
              },
              { label: t('repositories.artifacts'), render: (r) => r.artifact_count },
              { label: t('repositories.pulls'), render: (r) => r.pull_count ?? 0 },
              { label: t('common.updated'), render: (r) => <Time iso={r.update_time} /> },
            ]}
          />
        )}
      </div>
    </div>
  );
}

registerProjectTab({ id: 'summary', label: 'summary.title', order: 5, view: SummaryTab });
