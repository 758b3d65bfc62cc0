import { useState } from 'preact/hooks';
import { api, repoPath, seg } from '../../api';
import { t } from '../../i18n';
import { pathOf, registerProjectTab } from '../../router';
import { session } from '../../session';
import type { Perms, Project, Repository } from '../../types';
import { attempt, confirmAction, CopyField, Link, Time } from '../../ui/components';
import { runBulk } from '../../ui/bulk';
import { DataTable, useSelection } from '../../ui/DataTable';

export function registryHost(): string {
  const info = session.get().info;
  return info.registry_url || (typeof window !== 'undefined' ? window.location.host : 'localhost');
}

/** The repository name without its project, as the API's paths want it. */
export function shortRepo(project: string, full: string): string {
  return full.startsWith(project + '/') ? full.slice(project.length + 1) : full;
}

function RepositoriesTab({ project, perms }: { project: Project; perms: Perms }) {
  const [reload, setReload] = useState(0);
  const selection = useSelection<Repository>();
  const canDelete = perms.has('repository', 'delete');
  const path = (r: Repository) => `/projects/${seg(project.name)}/repositories/${repoPath(shortRepo(project.name, r.name))}`;
  const remove = async (r: Repository) => {
    if (!(await confirmAction(t('repositories.confirmDelete', { name: r.name })))) return;
    if (await attempt(() => api.del(path(r)), t('repositories.deleted', { name: r.name }))) setReload(reload + 1);
  };
  const removeSelected = async () => {
    const list = selection.list;
    if (!(await confirmAction(t('repositories.confirmDeleteMany', { n: list.length, names: list.map((r) => r.name).join(', ') })))) return;
    await runBulk(list, (r) => api.del(path(r)), (r) => r.name, 'repositories.deletedMany');
    selection.clear();
    setReload((n) => n + 1);
  };
  return (
    <>
      {perms.has('repository', 'push') && (
        <details class="push-help">
          <summary>{t('repositories.pushCommands')}</summary>
          <CopyField label={t('repositories.podmanPush')} value={`podman push ${registryHost()}/${project.name}/REPOSITORY[:TAG]`} />
          <CopyField label={t('repositories.dockerPush')} value={`docker push ${registryHost()}/${project.name}/REPOSITORY[:TAG]`} />
        </details>
      )}
      <DataTable<Repository>
        caption={t('repositories.title')}
        rowKey={(r) => r.id}
        searchField="name"
        searchLabel={t('repositories.search')}
        reloadKey={reload}
        fetchPage={(query) => api.page<Repository>(`/projects/${seg(project.name)}/repositories`, query)}
        empty={t('repositories.empty')}
        selection={canDelete ? selection : undefined}
        selectLabel={(r) => t('repositories.selectNamed', { name: r.name })}
        bulk={
          <button type="button" class="small danger" onClick={removeSelected}>
            {t('common.delete')}
          </button>
        }
        columns={[
          {
            label: t('repositories.name'),
            sort: 'name',
            render: (r) => <Link href={pathOf('projects', project.project_id, 'repositories', shortRepo(project.name, r.name))}>{r.name}</Link>,
          },
          { label: t('repositories.artifacts'), sort: 'artifact_count', render: (r) => r.artifact_count },
          { label: t('repositories.pulls'), sort: 'pull_count', render: (r) => r.pull_count ?? 0 },
          { label: t('common.updated'), sort: 'update_time', render: (r) => <Time iso={r.update_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (r) =>
              canDelete ? (
                <button type="button" class="danger small" onClick={() => remove(r)} aria-label={t('repositories.deleteNamed', { name: r.name })}>
                  {t('common.delete')}
                </button>
              ) : null,
          },
        ]}
      />
    </>
  );
}

registerProjectTab({ id: 'repositories', label: 'repositories.title', order: 10, view: RepositoriesTab });
