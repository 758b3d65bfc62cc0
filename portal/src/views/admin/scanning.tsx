// Harbor's "Interrogation Services" (the registered scanners, scan all now or on a schedule, its
// progress) and "Security Hub" (counts by severity over every report of the default scanner, the
// five most dangerous CVEs and artifacts, and every vulnerability with Harbor's filters).
import { useEffect, useState } from 'preact/hooks';
import { api, q, type Page } from '../../api';
import { t } from '../../i18n';
import { word } from '../../i18n/words';
import { registerRoute } from '../../router';
import { DataTable, StaticTable } from '../../ui/DataTable';
import { attempt, confirmAction, Empty, ErrorBanner, Field, PageHeader, Spinner } from '../../ui/components';
import { ScheduleCard } from './runs';
import { ScannersCard, type Scanner } from './scanners';

/** Harbor's Stats of the latest scan all. */
export interface ScanAllStats {
  total?: number;
  completed?: number;
  metrics?: Record<string, number>;
  ongoing?: boolean;
  trigger?: string;
}

const STATUSES = ['Pending', 'Running', 'Success', 'Error', 'Stopped'];
const POLL_MS = 1000;

function ScanAllCard({ onChanged }: { onChanged?: () => void }) {
  const [stats, setStats] = useState<ScanAllStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api
        .get<ScanAllStats>('/scans/all/metrics')
        .then((s) => {
          if (stop) return;
          setStats(s ?? {});
          if (s?.ongoing) timer = setTimeout(load, POLL_MS);
          else onChanged?.();
        })
        .catch(setError);
    load();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [version]);
  const scanNow = async () => {
    if (await attempt(() => api.create('/system/scanAll/schedule', { schedule: { type: 'Manual' } }), t('scanAll.started'))) setVersion(version + 1);
  };
  const stopAll = async () => {
    if (!(await confirmAction(t('scanAll.confirmStop'), t('runs.stop')))) return;
    if (await attempt(() => api.post('/system/scanAll/stop'), t('scanAll.stopping'))) setVersion(version + 1);
  };
  const total = stats?.total ?? 0;
  const completed = stats?.completed ?? 0;
  return (
    <div class="card">
      <h2>{t('scanAll.title')}</h2>
      <p class="hint">{t('scanAll.explain')}</p>
      <ErrorBanner error={error} />
      <div class="actions">
        <button type="button" class="primary" onClick={scanNow} disabled={!!stats?.ongoing}>
          {t('scanAll.scanNow')}
        </button>
        {stats?.ongoing && (
          <button type="button" onClick={stopAll}>
            {t('runs.stop')}
          </button>
        )}
      </div>
      {stats && total > 0 ? (
        <div role="status" aria-live="polite" data-testid="scan-all-progress">
          {stats.ongoing && <progress aria-label={t('scanAll.inProgress')} max={total} value={completed} />}
          <p>
            {t('scanAll.progress', { completed, total })} · {t('runs.trigger')}: {word('trigger', (stats.trigger ?? '').toUpperCase())}
          </p>
          <p class="small">
            {STATUSES.map((s) => (
              <span key={s} class="metric">
                {word('status', s)}: <b>{stats.metrics?.[s] ?? 0}</b>{' '}
              </span>
            ))}
          </p>
        </div>
      ) : (
        stats && <p class="hint">{t('scanAll.never')}</p>
      )}
    </div>
  );
}

function InterrogationView() {
  const [scanners, setScanners] = useState<Scanner[] | null>(null);
  return (
    <section>
      <PageHeader title={t('scanners.title')} />
      <ScannersCard onLoaded={setScanners} />
      {(scanners ?? []).some((s) => s.is_default && !s.disabled) ? (
        <div class="panels">
          <ScanAllCard />
          <ScheduleCard path="/system/scanAll/schedule" parameters={{}} hint={t('scanAll.scheduleHint')} />
        </div>
      ) : (
        scanners !== null && <Empty>{t('scanAll.noScanner')}</Empty>
      )}
    </section>
  );
}

interface Summary {
  critical_cnt?: number;
  high_cnt?: number;
  medium_cnt?: number;
  low_cnt?: number;
  none_cnt?: number;
  unknown_cnt?: number;
  total_vuls?: number;
  scanned_cnt?: number;
  total_artifact?: number;
  fixable_cnt?: number;
  dangerous_cves?: { cve_id: string; severity: string; cvss_score_v3?: number; package: string; version: string }[];
  dangerous_artifacts?: { project_id: number; repository_name: string; digest: string; critical_cnt: number; high_cnt: number; medium_cnt: number }[];
}

interface Vulnerability {
  project_id: number;
  repository_name: string;
  digest: string;
  tags?: string[];
  cve_id: string;
  severity: string;
  cvss_v3_score?: number;
  package: string;
  version: string;
  fixed_version?: string;
  desc?: string;
}

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'None', 'Unknown'];
const FILTERS = ['cve_id', 'package', 'repository_name', 'tag', 'digest', 'project_id'] as const;
type FilterField = (typeof FILTERS)[number];

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function SecurityHubView() {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [field, setField] = useState<FilterField>('cve_id');
  const [value, setValue] = useState('');
  const [severity, setSeverity] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState<string | undefined>(undefined);
  useEffect(() => {
    api.get<Summary>('/security/summary', { with_dangerous_cve: true, with_dangerous_artifact: true }).then(setSummary, setError);
  }, []);
  const search = (e: Event) => {
    e.preventDefault();
    const range = from || to ? `[${from || '0'}~${to || '10'}]` : undefined;
    setApplied(q({ [field]: value.trim() || undefined, severity: severity || undefined, cvss_score_v3: range }) ?? '');
  };
  const fetchPage = (query: Record<string, unknown>): Promise<Page<Vulnerability>> =>
    api.page<Vulnerability>('/security/vul', { page: query.page as number, page_size: query.page_size as number, q: applied || undefined, with_tag: true, tune_count: true });
  return (
    <section>
      <PageHeader title={t('hub.title')} />
      <ErrorBanner error={error} />
      {summary === null ? (
        <Spinner />
      ) : (
        <div class="panels">
          <div class="card" data-testid="hub-summary">
            <h2>{t('hub.summary')}</h2>
            <p>{t('hub.artifacts', { scanned: summary.scanned_cnt ?? 0, total: summary.total_artifact ?? 0 })}</p>
            <p>{t('hub.vulnerabilities', { total: summary.total_vuls ?? 0, fixable: summary.fixable_cnt ?? 0 })}</p>
            <p class="small">
              {SEVERITIES.map((s) => (
                <span key={s} class="metric">
                  {t(`hub.severity.${s}` as 'hub.severity.None')}: <b>{(summary as Record<string, number>)[`${s.toLowerCase()}_cnt`] ?? 0}</b>{' '}
                </span>
              ))}
            </p>
          </div>
          <div class="card">
            <h2>{t('hub.dangerousCves')}</h2>
            <StaticTable
              caption={t('hub.dangerousCves')}
              rows={summary.dangerous_cves ?? []}
              rowKey={(c) => `${c.cve_id}/${c.package}/${c.version}`}
              empty={t('hub.none')}
              columns={[
                { label: t('hub.cve'), render: (c) => c.cve_id },
                { label: t('hub.severityLabel'), render: (c) => t(`hub.severity.${c.severity}` as 'hub.severity.None') },
                { label: t('hub.cvss'), render: (c) => c.cvss_score_v3 ?? '' },
                { label: t('hub.package'), render: (c) => `${c.package} ${c.version}` },
              ]}
            />
          </div>
          <div class="card">
            <h2>{t('hub.dangerousArtifacts')}</h2>
            <StaticTable
              caption={t('hub.dangerousArtifacts')}
              rows={summary.dangerous_artifacts ?? []}
              rowKey={(a) => `${a.repository_name}@${a.digest}`}
              empty={t('hub.none')}
              columns={[
                { label: t('hub.artifact'), render: (a) => `${a.repository_name}@${short(a.digest)}` },
                { label: t('hub.severity.Critical'), render: (a) => a.critical_cnt },
                { label: t('hub.severity.High'), render: (a) => a.high_cnt },
                { label: t('hub.severity.Medium'), render: (a) => a.medium_cnt },
              ]}
            />
          </div>
        </div>
      )}
      <form class="card filters" onSubmit={search}>
        <h2>{t('hub.search')}</h2>
        <Field label={t('hub.filterBy')}>
          {(id) => (
            <select id={id} value={field} onChange={(e) => setField((e.target as HTMLSelectElement).value as FilterField)}>
              {FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(`hub.filter.${f}` as 'hub.filter.cve_id')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('hub.filterValue')}>{(id) => <input id={id} value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('hub.severityLabel')}>
          {(id) => (
            <select id={id} value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
              <option value="">{t('hub.any')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`hub.severity.${s}` as 'hub.severity.None')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('hub.cvssFrom')}>{(id) => <input id={id} type="number" min="0" max="10" step="0.1" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />}</Field>
        <Field label={t('hub.cvssTo')}>{(id) => <input id={id} type="number" min="0" max="10" step="0.1" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />}</Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t('hub.searchButton')}
          </button>
        </div>
      </form>
      {applied !== undefined && (
        <DataTable
          caption={t('hub.results')}
          reloadKey={applied}
          fetchPage={fetchPage as never}
          rowKey={(v: Vulnerability) => `${v.repository_name}@${v.digest}/${v.cve_id}/${v.package}`}
          empty={t('hub.noResults')}
          columns={[
            { label: t('hub.cve'), render: (v: Vulnerability) => v.cve_id },
            { label: t('hub.artifact'), render: (v: Vulnerability) => `${v.repository_name}@${short(v.digest)}${v.tags?.length ? ` (${v.tags.join(', ')})` : ''}` },
            { label: t('hub.package'), render: (v: Vulnerability) => `${v.package} ${v.version}` },
            { label: t('hub.fixedIn'), render: (v: Vulnerability) => v.fixed_version ?? '' },
            { label: t('hub.severityLabel'), render: (v: Vulnerability) => t(`hub.severity.${v.severity}` as 'hub.severity.None') },
            { label: t('hub.cvss'), render: (v: Vulnerability) => v.cvss_v3_score ?? '' },
          ]}
        />
      )}
    </section>
  );
}

registerRoute({ path: '/admin/interrogation', view: InterrogationView, title: 'scanners.title', admin: true, nav: { section: 'admin', order: 52 } });
registerRoute({ path: '/admin/security-hub', view: SecurityHubView, title: 'hub.title', admin: true, nav: { section: 'admin', order: 53 } });
