// A repository: its description, how to pull it, and its artifacts, paged and filtered by the server.
import { VulnerabilityCell } from './artifact-scan';
import type { ScanOverview } from './artifact-scan';
import { useEffect, useState } from 'preact/hooks';
import { api, repoPath, seg } from '../api';
import { t } from '../i18n';
import { pathOf, registerRoute, type Params } from '../router';
import type { Artifact, Perms, Project, Reference, Tag } from '../types';
import { Badge, confirmAction, CopyField, ErrorBanner, LabelChip, Link, PageHeader, Spinner, Time } from '../ui/components';
import { runBulk } from '../ui/bulk';
import { DataTable, useSelection } from '../ui/DataTable';
import { bytes, shortDigest } from '../ui/format';
import { ActionMenu } from '../ui/menu';
import { ARTIFACT_TYPES, word } from '../i18n/words';
import { registryHost } from './project/repositories';
import { useProject } from './project/page';
import { AddTagModal, BulkLabelModal, CopyArtifactModal, labelOption, useAssignableLabels } from './artifact-actions';
import { pullCommands } from './pull';
import { DescriptionCard } from './repository-info';
import { ArtifactTrustBadge, useTrustPolicy } from './signatures';

export function artifactsPath(project: string, repo: string) {
  return `/projects/${seg(project)}/repositories/${repoPath(repo)}/artifacts`;
}

/** An index's child's page, told which index it was reached from (its page links back to it). */
export function childPath(childPage: string, indexDigest: string): string {
  return `${childPage}?index=${encodeURIComponent(indexDigest)}`;
}

export function platformOf(r: Reference): string {
  const p = r.platform;
  if (!p) return '—';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The tag pushed last (tags come in no promised order). */
export function newestTag(tags: Tag[]): Tag | undefined {
  return [...tags].sort((a, b) => (b.push_time ?? '').localeCompare(a.push_time ?? ''))[0];
}

function RepositoryPage({ params }: { params: Params }) {
  const { project, perms, error } = useProject(params.project);
  if (error) return <ErrorBanner error={error} />;
  if (!project || !perms) return <Spinner />;
  return <Artifacts project={project} perms={perms} repo={params.repo} />;
}

/**
 * The repository's pull command: its newest tag when some artifact has one, else the newest
 * artifact's digest, never a guessed ":latest" that may not exist; the label says which it is.
 */
function NewestPull({ base, full, reload }: { base: string; full: string; reload: unknown }) {
  const [found, setFound] = useState<{ artifact: Artifact; tag?: string } | null | undefined>(undefined);
  useEffect(() => {
    (async () => {
      const tagged = await api.page<Artifact>(base, { page: 1, page_size: 1, sort: '-push_time', with_tag: true, q: 'tags=*' });
      const a = tagged.items[0];
      const tag = a?.tags?.length ? newestTag(a.tags)?.name : undefined;
      if (a && tag) return setFound({ artifact: a, tag });
      const any = await api.page<Artifact>(base, { page: 1, page_size: 1, sort: '-push_time' });
      setFound(any.items[0] ? { artifact: any.items[0] } : null);
    })().catch(() => setFound(null));
  }, [base, reload]);
  if (!found) return null;
  const [command] = pullCommands(found.artifact.type, registryHost(), full, found.tag ? { tag: found.tag } : { digest: found.artifact.digest });
  const label = found.tag ? t('artifacts.pullNewestTag', { tag: found.tag }) : t('artifacts.pullByDigest');
  return (
    <div data-testid="pull-command">
      <CopyField label={label} value={command.value} />
    </div>
  );
}

function Artifacts({ project, perms, repo }: { project: Project; perms: Perms; repo: string }) {
  const [reload, setReload] = useState(0);
  const [tagging, setTagging] = useState<Artifact | null>(null);
  const [copying, setCopying] = useState<Artifact[] | null>(null);
  const [labelling, setLabelling] = useState(false);
  const [type, setType] = useState('');
  const [label, setLabel] = useState('');
  const selection = useSelection<Artifact>();
  const canLabel = perms.has('artifact-label', 'create');
  const labels = useAssignableLabels(project.project_id, true);
  const base = artifactsPath(project.name, repo);
  const trust = useTrustPolicy(project);
  const full = `${project.name}/${repo}`;
  const detail = (a: Artifact | string) => pathOf('projects', project.project_id, 'repositories', repo, 'artifacts', typeof a === 'string' ? a : a.digest);
  const changed = () => {
    selection.clear();
    setReload(reload + 1);
  };
  const remove = async (list: Artifact[]) => {
    const message =
      list.length === 1 ? t('artifacts.confirmDelete', { digest: shortDigest(list[0].digest) }) : t('artifacts.confirmDeleteMany', { n: list.length });
    if (!(await confirmAction(message))) return;
    await runBulk(list, (a) => api.del(`${base}/${seg(a.digest)}`), (a) => shortDigest(a.digest), 'artifacts.deletedMany');
    changed();
  };
  const baseQ = [type && `type=${type}`, label && `labels=${label}`].filter(Boolean).join(',') || undefined;
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
      <NewestPull base={base} full={full} reload={reload} />
      <DataTable<Artifact>
        caption={t('artifacts.title')}
        rowKey={(a) => a.id}
        reloadKey={reload}
        searchField="tags"
        searchLabel={t('artifacts.searchTags')}
        defaultSort="-push_time"
        baseQ={baseQ}
        fetchPage={(query) => api.page<Artifact>(base, { ...query, with_tag: true, with_label: true, with_accessory: true, with_scan_overview: true })}
        empty={t('artifacts.empty')}
        selection={selection}
        selectLabel={(a) => t('artifacts.selectNamed', { digest: shortDigest(a.digest) })}
        toolbar={
          <>
            <select aria-label={t('artifacts.filterType')} value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
              <option value="">{t('artifacts.allTypes')}</option>
              {ARTIFACT_TYPES.map((x) => (
                <option key={x} value={x}>
                  {word('artifactType', x)}
                </option>
              ))}
            </select>
            <select aria-label={t('artifacts.filterLabel')} value={label} onChange={(e) => setLabel((e.target as HTMLSelectElement).value)}>
              <option value="">{t('artifacts.allLabels')}</option>
              {labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {labelOption(l)}
                </option>
              ))}
            </select>
          </>
        }
        bulk={
          <>
            {perms.has('artifact', 'read') && (
              <button type="button" class="small" onClick={() => setCopying(selection.list)}>
                {t('artifacts.copy')}
              </button>
            )}
            {canLabel && labels.length > 0 && (
              <button type="button" class="small" onClick={() => setLabelling(true)}>
                {t('labels.add')}
              </button>
            )}
            {perms.has('artifact', 'delete') && (
              <button type="button" class="small danger" onClick={() => remove(selection.list)}>
                {t('common.delete')}
              </button>
            )}
          </>
        }
        columns={[
          { label: t('artifacts.digest'), render: (a) => <Link href={detail(a)} class="mono nowrap">{shortDigest(a.digest)}</Link> },
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
          { label: t('artifacts.type'), class: 'nowrap', render: (a) => word('artifactType', a.type) },
          { label: t('artifacts.size'), sort: 'size', class: 'nowrap', render: (a) => bytes(a.size) },
          {
            label: t('artifacts.platforms'),
            render: (a) =>
              a.references?.length
                ? a.references.map((r) => (
                    <div key={r.child_id}>
                      <Link href={childPath(detail(r.child_digest), a.digest)} class="mono nowrap">{platformOf(r)}</Link>
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
          ...(trust && trust.version > 0
            ? [{ label: t('signatures.title'), render: (a: Artifact) => <ArtifactTrustBadge artifactPath={`${base}/${seg(a.digest)}`} policy={trust} /> }]
            : []),
          {
            label: t('artifacts.accessories'),
            render: (a) => (a.accessories?.length ? <span class="chips">{a.accessories.map((x) => <Badge key={x.id}>{word('accessoryType', x.type)}</Badge>)}</span> : ''),
          },
          { label: t('vuln.title'), class: 'nowrap', render: (a) => <VulnerabilityCell overview={(a as Artifact & { scan_overview?: Record<string, ScanOverview> }).scan_overview} /> },
          { label: t('artifacts.pushed'), sort: 'push_time', render: (a) => <Time iso={a.push_time} /> },
          { label: t('artifacts.pulled'), render: (a) => <Time iso={a.pull_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            // the menu button is narrow: the column's name is for screen readers only
            head: <span class="sr-only">{t('common.actions')}</span>,
            render: (a) => (
              <ActionMenu
                label={t('artifacts.actionsFor', { digest: shortDigest(a.digest) })}
                items={[
                  perms.has('tag', 'create') && { label: t('tags.add'), onSelect: () => setTagging(a) },
                  perms.has('artifact', 'read') && { label: t('artifacts.copy'), onSelect: () => setCopying([a]) },
                  perms.has('artifact', 'delete') && { label: t('common.delete'), danger: true, onSelect: () => remove([a]) },
                ]}
              />
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
            changed();
          }}
        />
      )}
      {copying && <CopyArtifactModal sources={copying.map((a) => `${full}@${a.digest}`)} repo={repo} onClose={() => setCopying(null)} />}
      {labelling && (
        <BulkLabelModal
          bases={selection.list.map((a) => `${base}/${seg(a.digest)}`)}
          labels={labels}
          onClose={() => setLabelling(false)}
          onDone={() => {
            setLabelling(false);
            changed();
          }}
        />
      )}
    </section>
  );
}

registerRoute({ path: '/projects/:project/repositories/*repo', view: RepositoryPage, title: 'artifacts.title' });
