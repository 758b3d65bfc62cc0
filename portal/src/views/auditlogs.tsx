// The audit trail: the whole system's (administration) or one project's (project tab).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import type { AuditLog } from '../types';
import { DataTable } from '../ui/DataTable';
import { time } from '../ui/format';

const FILTERS = ['resource', 'username', 'operation', 'resource_type'] as const;

export function AuditLogList({ path }: { path: string }) {
  const [field, setField] = useState<(typeof FILTERS)[number]>('resource');
  return (
    <>
      <label class="inline filter-field">
        {t('audit.filterBy')}
        <select value={field} onChange={(e) => setField((e.target as HTMLSelectElement).value as (typeof FILTERS)[number])}>
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {t(`audit.${f}`)}
            </option>
          ))}
        </select>
      </label>
      <DataTable<AuditLog>
        key={field}
        caption={t('audit.title')}
        rowKey={(l) => l.id}
        searchField={field}
        searchLabel={t('audit.search')}
        defaultSort="-op_time"
        pageSize={20}
        fetchPage={(query) => api.page<AuditLog>(path, query)}
        empty={t('audit.empty')}
        columns={[
          { label: t('audit.username'), sort: 'username', render: (l) => l.username },
          { label: t('audit.resource'), sort: 'resource', render: (l) => <code>{l.resource}</code> },
          { label: t('audit.resource_type'), sort: 'resource_type', render: (l) => l.resource_type },
          { label: t('audit.operation'), sort: 'operation', render: (l) => l.operation },
          { label: t('audit.time'), sort: 'op_time', render: (l) => time(l.op_time) },
        ]}
      />
    </>
  );
}
