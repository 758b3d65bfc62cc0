// The project page: a header and the tabs registered with registerProjectTab.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { allProjectTabs, registerRoute, type Params } from '../../router';
import type { Perms, Project } from '../../types';
import { Badge, ErrorBanner, PageHeader, Spinner, Tabs } from '../../ui/components';
import { projectPerms } from '../perms';
import { roleName } from '../roles';

export function useProject(id: string) {
  const [project, setProject] = useState<Project | null>(null);
  const [perms, setPerms] = useState<Perms | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .get<Project>(`/projects/${seg(id)}`)
      .then(async (p) => {
        setPerms(await projectPerms(p.project_id));
        setProject(p);
      })
      .catch(setError);
  }, [id, version]);
  return { project, perms, error, reload: () => setVersion((v) => v + 1) };
}

function ProjectPage({ params }: { params: Params }) {
  const { project, perms, error, reload } = useProject(params.project);
  if (error) return <ErrorBanner error={error} />;
  if (!project || !perms) return <Spinner />;
  const tabs = allProjectTabs().filter((tab) => !tab.visible || tab.visible(perms, project));
  const active = tabs.find((tab) => tab.id === params.tab) ?? tabs[0];
  const base = `/projects/${project.project_id}`;
  const View = active?.view;
  return (
    <section>
      <PageHeader title={project.name} crumbs={[{ href: '/projects', label: t('projects.title') }]}>
        {project.metadata?.public === 'true' ? <Badge tone="ok">{t('projects.public')}</Badge> : <Badge>{t('projects.private')}</Badge>}
        {project.current_user_role_id ? <Badge>{t('projects.myRole', { role: roleName(project.current_user_role_id) })}</Badge> : null}
      </PageHeader>
      <Tabs current={`${base}/${active?.id}`} items={tabs.map((tab) => ({ href: `${base}/${tab.id}`, label: t(tab.label) }))} />
      {View ? <View project={project} perms={perms} reload={reload} /> : <p class="empty">{t('app.notFound')}</p>}
    </section>
  );
}

registerRoute({ path: '/projects/:project/:tab', view: ProjectPage, title: 'projects.title' });
registerRoute({ path: '/projects/:project', view: ProjectPage, title: 'projects.title' });
