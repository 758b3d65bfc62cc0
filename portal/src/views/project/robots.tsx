import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { RobotList } from '../robots';

function RobotsTab({ project, perms }: { project: Project; perms: Perms }) {
  return (
    <>
      <p class="hint">{t('robots.projectHint')}</p>
      <RobotList level="project" projectId={project.project_id} projectName={project.name} canCreate={perms.has('robot', 'create')} canChange={perms.has('robot', 'delete')} canEdit={perms.has('robot', 'update')} />
    </>
  );
}

registerProjectTab({ id: 'robots', label: 'robots.title', order: 30, view: RobotsTab, visible: (p) => p.has('robot', 'list') });
