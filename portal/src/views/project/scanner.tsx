// The project's scanner (Harbor's "Scanner" tab): the registration its scans use — its own, or the
// system default — with the adapter's health, and for project administrators a choice among the
// enabled registrations.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, Badge, Empty, ErrorBanner, Field, Spinner, SubmitRow } from '../../ui/components';

interface ProjectScanner {
  uuid: string;
  name: string;
  url?: string;
  description?: string;
  health?: string;
  vendor?: string;
  version?: string;
  adapter?: string;
  is_default?: boolean;
}

function ScannerTab({ project, perms }: { project: Project; perms: Perms }) {
  const path = `/projects/${seg(project.name)}/scanner`;
  const canChange = perms.has('scanner', 'create');
  const [scanner, setScanner] = useState<ProjectScanner | null | undefined>(undefined);
  const [candidates, setCandidates] = useState<ProjectScanner[]>([]);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api
      .get<ProjectScanner>(path)
      .then((s) => {
        setScanner(s?.uuid ? s : null);
        setChosen(s?.uuid ?? '');
      })
      .catch((e) => {
        setScanner(null);
        setError(e);
      });
    if (canChange) api.get<ProjectScanner[]>(`${path}/candidates`).then((c) => setCandidates(c ?? []), setError);
  }, [path, version]);
  const save = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put(path, { uuid: chosen }), t('projectScanner.saved'))) setVersion(version + 1);
  };
  if (scanner === undefined) return <Spinner />;
  return (
    <div class="panels">
      <div class="card">
        <h2>{t('projectScanner.title')}</h2>
        <ErrorBanner error={error} />
        {scanner ? (
          <dl>
            <dt>{t('scanners.name')}</dt>
            <dd>
              {scanner.name} {scanner.is_default && <Badge>{t('scanners.default')}</Badge>}
            </dd>
            <dt>{t('scanners.endpoint')}</dt>
            <dd>
              <code>{scanner.url}</code>
            </dd>
            <dt>{t('projectScanner.health')}</dt>
            <dd>{scanner.health === 'healthy' ? <Badge tone="ok">{t('projectScanner.healthy')}</Badge> : <Badge tone="danger">{t('projectScanner.unhealthy')}</Badge>}</dd>
            {scanner.adapter && (
              <>
                <dt>{t('projectScanner.adapter')}</dt>
                <dd>{[scanner.adapter, scanner.vendor, scanner.version].filter(Boolean).join(' · ')}</dd>
              </>
            )}
          </dl>
        ) : (
          <Empty>{t('projectScanner.none')}</Empty>
        )}
      </div>
      {canChange && candidates.length > 0 && (
        <form class="card" onSubmit={save}>
          <h2>{t('projectScanner.change')}</h2>
          <Field label={t('projectScanner.choose')}>
            {(id) => (
              <select id={id} value={chosen} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
                {candidates.map((c) => (
                  <option key={c.uuid} value={c.uuid}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <SubmitRow />
        </form>
      )}
    </div>
  );
}

registerProjectTab({ id: 'scanner', label: 'projectScanner.title', order: 48, view: ScannerTab, visible: (p) => p.has('scanner', 'read') });
