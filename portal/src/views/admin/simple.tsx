// Administration pages that reuse shared lists: system robots, global labels, the audit log.
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { PageHeader } from '../../ui/components';
import { AuditLogList } from '../auditlogs';
import { LabelList } from '../labels';
import { RobotList } from '../robots';

function SystemRobotsView() {
  return (
    <section>
      <PageHeader title={t('robots.systemTitle')} />
      <RobotList level="system" canCreate canChange />
    </section>
  );
}

function GlobalLabelsView() {
  return (
    <section>
      <PageHeader title={t('labels.globalTitle')} />
      <LabelList scope="g" canEdit />
    </section>
  );
}

function AuditView() {
  return (
    <section>
      <PageHeader title={t('audit.title')} />
      <AuditLogList path="/auditlog-exts" fileName="audit-log.csv" />
    </section>
  );
}

registerRoute({ path: '/admin/robots', view: SystemRobotsView, title: 'robots.systemTitle', admin: true, nav: { section: 'admin', order: 20 } });
registerRoute({ path: '/admin/labels', view: GlobalLabelsView, title: 'labels.globalTitle', admin: true, nav: { section: 'admin', order: 30 } });
registerRoute({ path: '/admin/audit', view: AuditView, title: 'audit.title', admin: true, nav: { section: 'admin', order: 40 } });
