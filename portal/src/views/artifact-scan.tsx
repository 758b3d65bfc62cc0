// An artifact's scans, as Harbor's artifact page shows them: the vulnerability report (state, scan
// and stop, the scan log, counts by severity, every CVE with its package, version, fixed version,
// CVSS and links, filtered by text, severity and fixability) and the SBOM (generate, stop, the
// packages it lists, download), both read through Harbor's API only.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { API, api, seg } from '../api';
import { t } from '../i18n';
import { word } from '../i18n/words';
import type { Artifact, Perms } from '../types';
import { attempt, Badge, ErrorBanner, Spinner, Time } from '../ui/components';
import { StaticTable } from '../ui/DataTable';
import { saveFile } from '../ui/download';

/** The manifests a scanner adapter scans (Harbor's scanners take images, not indexes). */
export const IMAGE_MANIFESTS = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

/** Harbor's NativeReportSummary, the artifact's scan_overview for one report type. */
export interface ScanOverview {
  report_id?: string;
  scan_status?: string;
  severity?: string;
  summary?: { total?: number; fixable?: number; summary?: Record<string, number> };
  start_time?: string;
  end_time?: string;
  scanner?: { name?: string; vendor?: string; version?: string };
}

/** Harbor's SBOMOverview. */
export interface SbomOverview {
  report_id?: string;
  scan_status?: string;
  sbom_digest?: string;
  start_time?: string;
  end_time?: string;
  scanner?: { name?: string; vendor?: string; version?: string };
}

interface Vulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity: string;
  description?: string;
  links?: string[];
  preferred_cvss?: { score_v3?: number | null };
}

export const SEVERITY_ORDER = ['Critical', 'High', 'Medium', 'Low', 'None', 'Unknown'];
const POLL_MS = 2000;

export function severityLabel(s?: string): string {
  return t(`hub.severity.${s && SEVERITY_ORDER.includes(s) ? s : 'Unknown'}` as 'hub.severity.None');
}

function busy(status?: string): boolean {
  return status === 'Pending' || status === 'Running';
}

/**
 * Reads the artifact with one overview until its scan ends; `pick` takes the overview out of the
 * artifact. Polls while the scan is pending or running.
 */
function useOverview<T extends { scan_status?: string }>(base: string, flag: string, pick: (a: Artifact & Record<string, unknown>) => T | undefined, version: number) {
  const [overview, setOverview] = useState<T | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const a = await api.get<Artifact & Record<string, unknown>>(base, { [flag]: true });
      if (stop) return;
      const o = pick(a) ?? null;
      setOverview(o);
      if (o && busy(o.scan_status)) timer = setTimeout(() => load().catch(setError), POLL_MS);
    };
    load().catch(setError);
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [base, version]);
  return { overview, error };
}

function ScanState({ status, scanner, end }: { status?: string; scanner?: ScanOverview['scanner']; end?: string }) {
  return (
    <>
      {t('vuln.status', { status: word('status', status ?? '') })}
      {scanner?.name && <> · {t('vuln.scannedBy', { scanner: [scanner.name, scanner.version].filter(Boolean).join(' ') })}</>}
      {end && !busy(status) && (
        <>
          {' · '}
          <Time iso={end} />
        </>
      )}
    </>
  );
}

/** The artifact's vulnerability scan: its state, Scan and Stop, the log, the counts and the report, filterable. */
/**
 * A scan card's actions: start (scan or generate), stop while running, the card's own extras, and
 * the scan log; each shown only to those whose permissions allow it.
 */
function ScanActions(props: {
  perms: Perms;
  start: string;
  onStart: () => void;
  onStop: () => void;
  running: boolean;
  log?: string;
  children?: ComponentChildren;
}) {
  const { perms, running, log } = props;
  return (
    <div class="actions">
      {perms.has('scan', 'create') && (
        <button type="button" onClick={props.onStart} disabled={running}>
          {props.start}
        </button>
      )}
      {running && perms.has('scan', 'stop') && (
        <button type="button" onClick={props.onStop}>
          {t('vuln.stop')}
        </button>
      )}
      {props.children}
      {log && perms.has('scan', 'read') && (
        <a class="button" href={log} target="_blank" rel="noopener noreferrer">
          {t('vuln.log')}
        </a>
      )}
    </div>
  );
}

export function VulnerabilitiesCard({ base, perms }: { base: string; perms: Perms }) {
  const [version, setVersion] = useState(0);
  const { overview, error } = useOverview<ScanOverview>(
    base,
    'with_scan_overview',
    (a) => {
      const o = a.scan_overview as Record<string, ScanOverview> | undefined;
      return o ? Object.values(o)[0] : undefined;
    },
    version,
  );
  const [items, setItems] = useState<Vulnerability[]>([]);
  const [reportError, setReportError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const [severity, setSeverity] = useState('');
  const [fixable, setFixable] = useState(false);
  useEffect(() => {
    if (overview?.scan_status !== 'Success') return;
    api
      .get<Record<string, { vulnerabilities?: Vulnerability[] }>>(`${base}/additions/vulnerabilities`)
      .then((reports) => {
        const found = Object.values(reports ?? {})[0]?.vulnerabilities ?? [];
        setItems([...found].sort((x, y) => SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity) || x.id.localeCompare(y.id)));
      })
      .catch(setReportError);
  }, [base, overview?.scan_status, overview?.report_id]);
  const scan = async () => {
    if (await attempt(() => api.post(`${base}/scan`, { scan_type: 'vulnerability' }), t('vuln.scanStarted'))) setVersion(version + 1);
  };
  const stop = async () => {
    if (await attempt(() => api.post(`${base}/scan/stop`, { scan_type: 'vulnerability' }), t('vuln.stopping'))) setVersion(version + 1);
  };
  const running = busy(overview?.scan_status);
  const needle = filter.trim().toLowerCase();
  const shown = items.filter(
    (v) =>
      (!needle || v.id.toLowerCase().includes(needle) || v.package.toLowerCase().includes(needle)) &&
      (!severity || v.severity === severity) &&
      (!fixable || !!v.fix_version),
  );
  return (
    <div class="card" data-testid="vulnerabilities">
      <h2>{t('vuln.title')}</h2>
      <ErrorBanner error={error ?? reportError} />
      {overview === undefined ? (
        <Spinner />
      ) : overview === null ? (
        <p class="hint">{t('vuln.notScanned')}</p>
      ) : (
        <p role="status">
          <ScanState status={overview.scan_status} scanner={overview.scanner} end={overview.end_time} />
          {overview.scan_status === 'Success' && (
            <>
              {' · '}
              {t('vuln.counts', { total: overview.summary?.total ?? 0, fixable: overview.summary?.fixable ?? 0 })}{' '}
              {SEVERITY_ORDER.filter((s) => overview.summary?.summary?.[s]).map((s) => (
                <Badge key={s} tone={s === 'Critical' || s === 'High' ? 'danger' : undefined}>
                  {severityLabel(s)}: {overview.summary?.summary?.[s]}
                </Badge>
              ))}
            </>
          )}
          {running && <progress aria-label={t('vuln.scanning')} />}
        </p>
      )}
      <ScanActions
        perms={perms}
        start={t('vuln.scan')}
        onStart={scan}
        onStop={stop}
        running={running}
        log={overview?.report_id ? `${API}${base}/scan/${seg(overview.report_id)}/log` : undefined}
      />
      {overview?.scan_status === 'Success' && (
        <>
          <div class="filters row">
            <label class="inline">
              {t('vuln.filter')} <input value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
            </label>
            <label class="inline">
              {t('hub.severityLabel')}{' '}
              <select value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
                <option value="">{t('hub.any')}</option>
                {SEVERITY_ORDER.map((s) => (
                  <option key={s} value={s}>
                    {severityLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <label class="inline">
              <input type="checkbox" checked={fixable} onChange={(e) => setFixable((e.target as HTMLInputElement).checked)} />
              {t('vuln.onlyFixable')}
            </label>
          </div>
          <StaticTable
            caption={t('vuln.title')}
            rows={shown}
            rowKey={(v) => `${v.id}/${v.package}/${v.version}`}
            empty={t('vuln.none')}
            columns={[
              { label: t('hub.cve'), render: (v) => (v.links?.[0] ? <a href={v.links[0]} target="_blank" rel="noopener noreferrer">{v.id}</a> : v.id) },
              { label: t('hub.severityLabel'), render: (v) => <Badge tone={v.severity === 'Critical' || v.severity === 'High' ? 'danger' : undefined}>{severityLabel(v.severity)}</Badge> },
              { label: t('hub.cvss'), render: (v) => v.preferred_cvss?.score_v3 ?? '' },
              { label: t('hub.package'), render: (v) => v.package },
              { label: t('vuln.version'), render: (v) => v.version },
              { label: t('hub.fixedIn'), render: (v) => v.fix_version ?? '' },
              { label: t('vuln.links'), render: (v) => (v.links ?? []).slice(1, 4).map((l, i) => <a key={l} href={l} target="_blank" rel="noopener noreferrer" title={l}>{`[${i + 2}] `}</a>) },
            ]}
          />
        </>
      )}
    </div>
  );
}

/** One package of an SBOM, read from SPDX's packages or CycloneDX's components. */
export interface SbomPackage {
  name: string;
  version: string;
  purl: string;
  license: string;
}

/** The packages an SPDX 2.x or CycloneDX 1.x JSON document lists, in the document's order. */
export function sbomPackages(doc: unknown): SbomPackage[] {
  const d = (doc ?? {}) as Record<string, unknown>;
  const out: SbomPackage[] = [];
  if (Array.isArray(d.packages)) {
    for (const p of d.packages as Record<string, unknown>[]) {
      const refs = (p.externalRefs as { referenceType?: string; referenceLocator?: string }[] | undefined) ?? [];
      const purl = refs.find((r) => r.referenceType === 'purl')?.referenceLocator ?? '';
      const license = [p.licenseConcluded, p.licenseDeclared].find((l) => typeof l === 'string' && l !== 'NOASSERTION' && l !== 'NONE');
      // SPDX's document describes the image as a package of its own: keep only what a purl names, when any does
      out.push({ name: String(p.name ?? ''), version: String(p.versionInfo ?? ''), purl, license: (license as string) ?? '' });
    }
    return out.some((p) => p.purl) ? out.filter((p) => p.purl) : out;
  }
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as Record<string, unknown>[]) {
      const licenses = ((c.licenses as { license?: { id?: string; name?: string }; expression?: string }[] | undefined) ?? [])
        .map((l) => l.expression ?? l.license?.id ?? l.license?.name ?? '')
        .filter(Boolean);
      out.push({ name: String(c.group ? `${c.group}:${c.name}` : (c.name ?? '')), version: String(c.version ?? ''), purl: String(c.purl ?? ''), license: licenses.join(', ') });
      walk(c.components);
    }
  };
  walk(d.components);
  return out;
}

const SBOM_PAGE = 100;

/** The artifact's SBOM: Generate SBOM, its state, the packages of the stored document and its download. */
export function SbomCard({ base, accessoryBase, perms }: { base: string; accessoryBase: (digest: string) => string; perms: Perms }) {
  const [version, setVersion] = useState(0);
  const { overview, error } = useOverview<SbomOverview>(base, 'with_sbom_overview', (a) => a.sbom_overview as SbomOverview | undefined, version);
  const [doc, setDoc] = useState<{ text: string; packages: SbomPackage[] } | null>(null);
  const [docError, setDocError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(SBOM_PAGE);
  const digest = overview?.scan_status === 'Success' ? overview.sbom_digest : undefined;
  useEffect(() => {
    setDoc(null);
    if (!digest) return;
    api
      .text(`${accessoryBase(digest)}/additions/sbom`)
      .then((text) => setDoc({ text, packages: sbomPackages(JSON.parse(text)) }))
      .catch(setDocError);
  }, [digest]);
  const generate = async () => {
    if (await attempt(() => api.post(`${base}/scan`, { scan_type: 'sbom' }), t('sbom.started'))) setVersion(version + 1);
  };
  const stop = async () => {
    if (await attempt(() => api.post(`${base}/scan/stop`, { scan_type: 'sbom' }), t('vuln.stopping'))) setVersion(version + 1);
  };
  const download = () => doc && digest && saveFile(`sbom_${digest.replace(/^sha256:/, '').slice(0, 12)}.json`, doc.text, 'application/json');
  const running = busy(overview?.scan_status);
  const needle = filter.trim().toLowerCase();
  const shown = (doc?.packages ?? []).filter((p) => !needle || p.name.toLowerCase().includes(needle) || p.purl.toLowerCase().includes(needle));
  return (
    <div class="card" data-testid="sbom">
      <h2>{t('sbom.title')}</h2>
      <ErrorBanner error={error ?? docError} />
      {overview === undefined ? (
        <Spinner />
      ) : overview === null ? (
        <p class="hint">{t('sbom.none')}</p>
      ) : (
        <p role="status">
          <ScanState status={overview.scan_status} scanner={overview.scanner} end={overview.end_time} />
          {doc && <> · {t('sbom.count', { count: doc.packages.length })}</>}
          {running && <progress aria-label={t('sbom.generating')} />}
        </p>
      )}
      <ScanActions
        perms={perms}
        start={t('sbom.generate')}
        onStart={generate}
        onStop={stop}
        running={running}
        log={overview?.report_id ? `${API}${base}/scan/${seg(overview.report_id)}/log` : undefined}
      >
        {doc && (
          <button type="button" onClick={download}>
            {t('sbom.download')}
          </button>
        )}
      </ScanActions>
      {doc && (
        <>
          <label class="inline">
            {t('sbom.filter')} <input value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          </label>
          <StaticTable
            caption={t('sbom.packages')}
            rows={shown.slice(0, limit)}
            rowKey={(p) => `${p.purl}/${p.name}/${p.version}`}
            empty={t('sbom.noPackages')}
            columns={[
              { label: t('hub.package'), render: (p) => p.name },
              { label: t('vuln.version'), render: (p) => p.version },
              { label: t('sbom.purl'), render: (p) => <code class="break">{p.purl}</code> },
              { label: t('sbom.license'), render: (p) => p.license },
            ]}
          />
          {shown.length > limit && (
            <button type="button" onClick={() => setLimit(limit + SBOM_PAGE)}>
              {t('sbom.more', { shown: limit, total: shown.length })}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** Harbor's vulnerability column of an artifact list: the highest severity and the counts, or the scan's state. */
export function VulnerabilityCell({ overview }: { overview?: Record<string, ScanOverview> | null }) {
  const o = overview ? Object.values(overview)[0] : undefined;
  if (!o?.scan_status) return <span class="muted">{t('vuln.notScannedShort')}</span>;
  if (o.scan_status !== 'Success') return <>{word('status', o.scan_status)}</>;
  const total = o.summary?.total ?? 0;
  if (!total) return <Badge tone="ok">{t('vuln.noneShort')}</Badge>;
  const counts = SEVERITY_ORDER.filter((s) => o.summary?.summary?.[s]).map((s) => `${severityLabel(s)} ${o.summary?.summary?.[s]}`);
  return (
    <span title={counts.join(', ')}>
      <Badge tone={o.severity === 'Critical' || o.severity === 'High' ? 'danger' : undefined}>{severityLabel(o.severity)}</Badge> {t('vuln.total', { total })}
    </span>
  );
}
