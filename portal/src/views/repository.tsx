// A repository: its artifacts, paged and filtered by the server.
import { useState } from 'preact/hooks';
import { api, repoPath, seg } from '../api';
import { t } from '../i18n';
import { pathOf, registerRoute, type Params } from '../router';
import type { Artifact, Perms, Project, Reference } from '../types';
import { attempt, Badge, confirmAction, CopyField, ErrorBanner, LabelChip, Link, PageHeader, Spinner } from '../ui/components';
import { DataTable } from '../ui/DataTable';
import { bytes, shortDigest, time } from '../ui/format';
import { registryHost } from './project/repositories';
import { useProject } from './project/page';
import { AddTagModal, CopyArtifactModal } from './artifact-actions';
import { DescriptionCard } from './repository-info';

export function artifactsPath(project: string, repo: string) {
  return `/projects/${seg(project)}/repositories/${repoPath(repo)}/artifacts`;
}

export function platformOf(r: Reference): string {
  const p = r.platform;
  if (!p) return '—';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function RepositoryPage({ params }: { params: Params }) {
  const { project, perms, error } = useProject(params.project);
  if (error) return <ErrorBanner error={error} />;
  if (!project || !perms) return <Spinner />;
  return <Artifacts project={project} perms={perms} repo={params.repo} />;
}

function Artifacts({ project, perms, repo }: { project: Project; perms: Perms; repo: string }) {
  const [reload, setReload] = useState(0);
  const [tagging, setTagging] = useState<Artifact | null>(null);
  const [copying, setCopying] = useState<Artifact | null>(null);
  const base = artifactsPath(project.name, repo);
  const detail = (a: Artifact | string) => pathOf('projects', project.project_id, 'repositories', repo, 'artifacts', typeof a === 'string' ? a : a.digest);
  const remove = async (a: Artifact) => {
    if (!(await confirmAction(t('artifacts.confirmDelete', { digest: shortDigest(a.digest) })))) return;
    if (await attempt(() => api.del(`${base}/${seg(a.digest)}`), t('artifacts.deleted'))) setReload(reload + 1);
  };
  const full = `${project.name}/${repo}`;
  return (
    <section>
      <PageHeader
        title={full}
        crumbs={[
          { href: '/projects', label: t('projects.title') },
          { href: `/projects/${project.project_id}/repositories`, label: project.name },
        ]}
      />
      <DescriptionCard project={project} perms={perms} repo={repo} />
      <CopyField label={t('artifacts.pullCommand')} value={`podman pull ${registryHost()}/${full}:latest`} />
      <DataTable<Artifact>
        caption={t('artifacts.title')}
        rowKey={(a) => a.id}
        reloadKey={reload}
        searchField="tags"
        searchLabel={t('artifacts.searchTags')}
        defaultSort="-push_time"
        fetchPage={(query) => api.page<Artifact>(base, { ...query, with_tag: true, with_label: true, with_accessory: true })}
        empty={t('artifacts.empty')}
        columns={[
          { label: t('artifacts.digest'), render: (a) => <Link href={detail(a)} class="mono">{shortDigest(a.digest)}</Link> },
          {
            label: t('artifacts.tags'),
            render: (a) =>
              a.tags?.length ? (
                <span class="chips">
                  {a.tags.map((tg) => (
                    <Badge key={tg.id} tone="tag">
                      {tg.name}
                    </Badge>
                  ))}
                </span>
              ) : (
                <span class="muted">{t('artifacts.untagged')}</span>
              ),
          },
          { label: t('artifacts.type'), render: (a) => a.type },
          { label: t('artifacts.size'), sort: 'size', render: (a) => bytes(a.size) },
          {
            label: t('artifacts.platforms'),
            render: (a) =>
              a.references?.length
                ? a.references.map((r) => (
                    <div key={r.child_id}>
                      <Link href={detail(r.child_digest)} class="mono">{platformOf(r)}</Link>
                    </div>
                  ))
                : a.extra_attrs?.os
                  ? `${a.extra_attrs.os}/${a.extra_attrs.architecture}`
                  : '—',
          },
          {
            label: t('artifacts.labels'),
            render: (a) => (a.labels?.length ? <span class="chips">{a.labels.map((l) => <LabelChip key={l.id} name={l.name} color={l.color} />)}</span> : ''),
          },
          {
            label: t('artifacts.accessories'),
            render: (a) => (a.accessories?.length ? <span class="chips">{a.accessories.map((x) => <Badge key={x.id}>{x.type}</Badge>)}</span> : ''),
          },
          { label: t('artifacts.pushed'), sort: 'push_time', render: (a) => time(a.push_time) },
          { label: t('artifacts.pulled'), render: (a) => time(a.pull_time) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (a) => (
              <span class="row-actions">
                {perms.has('tag', 'create') && (
                  <button type="button" class="small" onClick={() => setTagging(a)}>
                    {t('tags.add')}
                  </button>
                )}
                {perms.has('artifact', 'read') && (
                  <button type="button" class="small" onClick={() => setCopying(a)}>
                    {t('artifacts.copy')}
                  </button>
                )}
                {perms.has('artifact', 'delete') && (
                  <button type="button" class="small danger" onClick={() => remove(a)} aria-label={t('artifacts.deleteNamed', { digest: shortDigest(a.digest) })}>
                    {t('common.delete')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {tagging && (
        <AddTagModal
          base={`${base}/${seg(tagging.digest)}`}
          onClose={() => setTagging(null)}
          onDone={() => {
            setTagging(null);
            setReload(reload + 1);
          }}
        />
      )}
      {copying && <CopyArtifactModal source={`${full}@${copying.digest}`} onClose={() => setCopying(null)} />}
    </section>
  );
}

registerRoute({ path: '/projects/:project/repositories/*repo', view: RepositoryPage, title: 'artifacts.title' });
