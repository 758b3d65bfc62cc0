// Berth's package search (not in Harbor): which artifacts contain a package, optionally within a
// version range, from the packages of every stored SBOM (`GET /api/v2.0/packages/artifacts`). The
// server answers only artifacts of projects the caller may read.
import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { t } from '../i18n';
import { pathOf, registerRoute } from '../router';
import { DataTable } from '../ui/DataTable';
import { Field, Link, PageHeader } from '../ui/components';
import { shortDigest } from '../ui/format';

interface PackageHit {
  project_id: number;
  project_name: string;
  repository_name: string;
  digest: string;
  tag?: string | null;
  package: { type: string; name: string; version: string; purl: string };
}

/** Package URL types the server knows a version order for, most asked first. */
const TYPES = ['maven', 'npm', 'pypi', 'golang', 'cargo', 'gem', 'nuget', 'deb', 'apk', 'rpm'];

function PackagesView() {
  const [type, setType] = useState('maven');
  const [name, setName] = useState('');
  const [range, setRange] = useState('');
  const [applied, setApplied] = useState<{ type: string; name: string; range: string } | null>(null);
  const search = (e: Event) => {
    e.preventDefault();
    if (name.trim()) setApplied({ type, name: name.trim(), range: range.trim() });
  };
  const fetchPage = (query: Record<string, unknown>): Promise<Page<PackageHit>> =>
    api.page<PackageHit>('/packages/artifacts', {
      type: applied!.type,
      name: applied!.name,
      version_range: applied!.range || undefined,
      page: query.page as number,
      page_size: query.page_size as number,
    });
  return (
    <section>
      <PageHeader title={t('packages.title')} />
      <form class="card filters" onSubmit={search}>
        <p class="hint">{t('packages.explain')}</p>
        <Field label={t('packages.type')}>
          {(id) => (
            <select id={id} value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
              {TYPES.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('packages.name')} hint={t('packages.nameHint')}>
          {(id) => <input id={id} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('packages.range')} hint={t('packages.rangeHint')}>
          {(id) => <input id={id} value={range} onInput={(e) => setRange((e.target as HTMLInputElement).value)} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary">
            {t('hub.searchButton')}
          </button>
        </div>
      </form>
      {applied && (
        <DataTable
          caption={t('packages.results')}
          reloadKey={`${applied.type}/${applied.name}/${applied.range}`}
          fetchPage={fetchPage as never}
          rowKey={(h: PackageHit) => `${h.digest}/${h.package.purl}/${h.repository_name}`}
          empty={t('packages.none')}
          columns={[
            { label: t('packages.project'), render: (h: PackageHit) => <Link href={pathOf('projects', h.project_id, 'repositories')}>{h.project_name}</Link> },
            {
              label: t('hub.artifact'),
              render: (h: PackageHit) => {
                const repo = h.repository_name.startsWith(`${h.project_name}/`) ? h.repository_name.slice(h.project_name.length + 1) : h.repository_name;
                return (
                  <Link class="mono" href={pathOf('projects', h.project_id, 'repositories', repo, 'artifacts', h.digest)}>
                    {`${h.repository_name}${h.tag ? `:${h.tag}` : ''}@${shortDigest(h.digest)}`}
                  </Link>
                );
              },
            },
            { label: t('vuln.version'), render: (h: PackageHit) => h.package.version },
            { label: t('sbom.purl'), render: (h: PackageHit) => <code class="break">{h.package.purl}</code> },
          ]}
        />
      )}
    </section>
  );
}

registerRoute({ path: '/packages', view: PackagesView, title: 'packages.title', nav: { section: 'main', order: 25 } });
