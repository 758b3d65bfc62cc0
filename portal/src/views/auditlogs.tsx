// The audit trail: the whole system's (administration) or one project's (project tab), filtered by
// operation, date range and one text field on the server, and exported as CSV. Read from Harbor's
// /auditlog-exts, whose entries say what a change changed (operation_description).
import { useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { en } from '../i18n/en';
import { OPERATIONS, word } from '../i18n/words';
import type { AuditLog } from '../types';
import { attempt, Field, notify, Time } from '../ui/components';
import { DataTable, type ListQuery } from '../ui/DataTable';
import { saveFile } from '../ui/download';
import { bytes } from '../ui/format';

const FILTERS = ['resource', 'username', 'resource_type'] as const;
/** Rows a CSV export reads at most (100 pages of 100). */
export const MAX_EXPORT = 10_000;
const EXPORT_PAGE = 100;

/** A date input's value (local day) as the UTC instant it starts at, or the instant the day ends. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const at = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** Harbor's q= terms for the operation and the date range. */
export function auditQuery(operation: string, from: string, to: string): string | undefined {
  const terms: string[] = [];
  if (operation) terms.push(`operation=${operation}`);
  const a = dayBound(from, false);
  const b = dayBound(to, true);
  if (a || b) terms.push(`op_time=[${a ?? ''}~${b ?? ''}]`);
  return terms.length ? terms.join(',') : undefined;
}

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One value of a change, in words: a role, yes or no, a storage limit, a number of days. */
function changeValue(field: string, value: string): string {
  const role = `role.${value}`;
  if (field === 'role' && role in en) return t(role as MessageKey);
  if (field === 'storage_limit' && /^-?\d+$/.test(value)) return Number(value) < 0 ? t('quota.unlimited') : bytes(Number(value));
  if (field === 'duration' && value === '-1') return t('robots.never');
  return word('value', value);
}

/**
 * What an entry changed, in the reader's language: the server writes "role: developer → maintainer",
 * several joined by "; ". Empty when the entry says no more than its operation and resource (Harbor's
 * "create project: team", "push artifact: team/app@sha256:…").
 */
export function describeChange(entry: AuditLog): string {
  const d = entry.operation_description;
  const verb = entry.operation === 'create' && entry.resource_type === 'artifact' ? 'push' : entry.operation;
  if (!d || d === `${verb} ${entry.resource_type}: ${entry.resource}`) return '';
  return d
    .split('; ')
    .map((part) => {
      const fromTo = /^([\w.-]+): (.*) \u2192 (.*)$/.exec(part);
      if (fromTo) {
        const [, f, from, to] = fromTo;
        return t('audit.changeFromTo', { field: word('auditField', f), from: changeValue(f, from), to: changeValue(f, to) });
      }
      const set = /^([\w.-]+): (.*)$/.exec(part);
      if (set) return t('audit.changeSet', { field: word('auditField', set[1]), value: changeValue(set[1], set[2]) });
      if (/^[\w.-]+$/.test(part)) return t('audit.changeChanged', { field: word('auditField', part) });
      return part;
    })
    .join('; ');
}

export function toCsv(rows: AuditLog[]): string {
  const head = ['id', 'op_time', 'username', 'operation', 'resource_type', 'resource', 'operation_description'] as const;
  return [head.join(','), ...rows.map((r) => head.map((k) => csvField(r[k])).join(','))].join('\r\n') + '\r\n';
}

export function AuditLogList({ path, fileName }: { path: string; fileName: string }) {
  const [field, setField] = useState<(typeof FILTERS)[number]>('resource');
  const [operation, setOperation] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [exporting, setExporting] = useState(false);
  const last = useRef<ListQuery | null>(null);
  const badRange = !!from && !!to && from > to;
  const baseQ = badRange ? undefined : auditQuery(operation, from, to);

  /** Every entry the list's filters select (the server pages them), as a CSV file. */
  const exportCsv = async () => {
    const query = last.current;
    if (!query) return;
    setExporting(true);
    await attempt(async () => {
      const rows: AuditLog[] = [];
      let total = Infinity;
      for (let page = 1; rows.length < Math.min(total, MAX_EXPORT); page++) {
        const got = await api.page<AuditLog>(path, { ...query, page, page_size: EXPORT_PAGE });
        total = got.total;
        rows.push(...got.items);
        if (!got.items.length) break;
      }
      saveFile(fileName, toCsv(rows.slice(0, MAX_EXPORT)), 'text/csv;charset=utf-8');
      notify(total > MAX_EXPORT ? t('audit.exportedSome', { n: MAX_EXPORT, total }) : t('audit.exported', { n: rows.length }));
    });
    setExporting(false);
  };

  return (
    <>
      <div class="filters">
        <Field label={t('audit.operation')}>
          {(id) => (
            <select id={id} value={operation} onChange={(e) => setOperation((e.target as HTMLSelectElement).value)}>
              <option value="">{t('audit.allOperations')}</option>
              {OPERATIONS.map((op) => (
                <option key={op} value={op}>
                  {word('operation', op)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.from')}>{(id) => <input id={id} type="date" value={from} max={to || undefined} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('audit.to')}>{(id) => <input id={id} type="date" value={to} min={from || undefined} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('audit.filterBy')}>
          {(id) => (
            <select id={id} value={field} onChange={(e) => setField((e.target as HTMLSelectElement).value as (typeof FILTERS)[number])}>
              {FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(`audit.${f}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {badRange && (
        <p class="field-error" role="alert">
          {t('audit.badRange')}
        </p>
      )}
      <DataTable<AuditLog>
        key={field}
        caption={t('audit.title')}
        rowKey={(l) => l.id}
        searchField={field}
        searchLabel={t('audit.search')}
        defaultSort="-op_time"
        pageSize={20}
        baseQ={baseQ}
        onQuery={(q) => (last.current = q)}
        fetchPage={(query) => api.page<AuditLog>(path, query)}
        empty={t('audit.empty')}
        toolbar={
          <button type="button" onClick={exportCsv} disabled={exporting}>
            {exporting ? t('common.working') : t('audit.exportCsv')}
          </button>
        }
        columns={[
          { label: t('audit.username'), sort: 'username', render: (l) => l.username },
          { label: t('audit.resource'), sort: 'resource', render: (l) => <code>{l.resource}</code> },
          { label: t('audit.resource_type'), sort: 'resource_type', render: (l) => word('resourceType', l.resource_type) },
          { label: t('audit.operation'), sort: 'operation', render: (l) => word('operation', l.operation) },
          { label: t('audit.change'), render: (l) => describeChange(l) || '—' },
          { label: t('audit.time'), sort: 'op_time', render: (l) => <Time iso={l.op_time} /> },
        ]}
      />
    </>
  );
}
