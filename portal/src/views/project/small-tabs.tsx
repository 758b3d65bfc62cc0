// The project tabs that reuse a shared list: labels and logs.
import { seg } from '../../api';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { AuditLogList } from '../auditlogs';
import { LabelList } from '../labels';

function LabelsTab({ project, perms }: { project: Project; perms: Perms }) {
  return <LabelList scope="p" projectId={project.project_id} canEdit={perms.has('label', 'create')} />;
}

function LogsTab({ project }: { project: Project }) {
  return <AuditLogList path={`/projects/${seg(project.name)}/auditlog-exts`} fileName={`audit-log-${project.name}.csv`} />;
}

registerProjectTab({ id: 'labels', label: 'labels.title', order: 40, view: LabelsTab, visible: (p) => p.has('label', 'list') });
registerProjectTab({ id: 'logs', label: 'audit.logs', order: 50, view: LogsTab, visible: (p) => p.has('log', 'list') });
