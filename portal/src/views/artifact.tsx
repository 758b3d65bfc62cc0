// One artifact: what it is, how to pull it, its tags, labels, accessories, children and additions.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { t, type MessageKey } from '../i18n';
import { location, pathOf, registerRoute, type Params } from '../router';
import { useSignal } from '../state';
import type { Accessory, Artifact, Label, Perms, Project, Reference, Tag } from '../types';
import { attempt, Badge, confirmAction, CopyButton, CopyField, Empty, ErrorBanner, LabelChip, Link, PageHeader, Spinner, Time } from '../ui/components';
import { StaticTable } from '../ui/DataTable';
import { bytes, shortDigest } from '../ui/format';
import { Markdown } from '../ui/markdown';
import { word } from '../i18n/words';
import { AddTagModal, CopyArtifactModal, labelOption, useAssignableLabels } from './artifact-actions';
import { registryHost } from './project/repositories';
import { useProject } from './project/page';
import { pullCommands } from './pull';
import { SignaturesCard } from './signatures';
import { IMAGE_MANIFESTS, SbomCard, VulnerabilitiesCard } from './artifact-scan';
import { artifactsPath, childPath, newestTag, platformOf } from './repository';

function ArtifactPage({ params }: { params: Params }) {
  const { project, perms, error } = useProject(params.project);
  if (error) return <ErrorBanner error={error} />;
  if (!project || !perms) return <Spinner />;
  return <ArtifactDetail project={project} perms={perms} repo={params.repo} reference={params.reference} />;
}

function ArtifactDetail({ project, perms, repo, reference }: { project: Project; perms: Perms; repo: string; reference: string }) {
  const base = `${artifactsPath(project.name, repo)}/${seg(reference)}`;
  const [artifact, setArtifact] = useState<Artifact | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [tagging, setTagging] = useState(false);
  const [copying, setCopying] = useState(false);
  useEffect(() => {
    api
      .get<Artifact>(base, { with_tag: true, with_label: true, with_accessory: true })
      .then(setArtifact)
      .catch(setError);
  }, [base, version]);
  const childSizes = useChildSizes(artifactsPath(project.name, repo), artifact?.references);
  const indexHint = new URLSearchParams(useSignal(location).search).get('index');
  const parent = useParentIndex(artifactsPath(project.name, repo), artifact, indexHint);
  const pageOf = (digest: string) => pathOf('projects', project.project_id, 'repositories', repo, 'artifacts', digest);
  if (error) return <ErrorBanner error={error} />;
  if (!artifact) return <Spinner />;
  const reload = () => setVersion(version + 1);
  const full = `${project.name}/${repo}`;
  const host = registryHost();
  const tag = artifact.tags?.length ? newestTag(artifact.tags)?.name : undefined;
  const commands = pullCommands(artifact.type, host, full, tag ? { tag } : { digest: artifact.digest });
  const byDigest = pullCommands(artifact.type, host, full, { digest: artifact.digest })[0];

  const deleteTag = async (tag: Tag) => {
    if (!(await confirmAction(t('tags.confirmDelete', { name: tag.name })))) return;
    if (await attempt(() => api.del(`${base}/tags/${seg(tag.name)}`), t('tags.deleted', { name: tag.name }))) reload();
  };

  return (
    <section>
      <PageHeader
        title={`${full}@${shortDigest(artifact.digest)}`}
        crumbs={[
          { href: '/projects', label: t('projects.title') },
          { href: `/projects/${project.project_id}/repositories`, label: project.name },
          { href: pathOf('projects', project.project_id, 'repositories', repo), label: repo },
        ]}
      >
        {perms.has('artifact', 'read') && (
          <button type="button" onClick={() => setCopying(true)}>
            {t('artifacts.copy')}
          </button>
        )}
      </PageHeader>

      <div class="panels">
        <div class="card">
          <h2>{t('artifact.overview')}</h2>
          <dl class="kv">
            <dt>{t('artifacts.digest')}</dt>
            <dd class="mono break">{artifact.digest}</dd>
            <dt>{t('artifacts.type')}</dt>
            <dd>{word('artifactType', artifact.type)}</dd>
            {parent && (
              <>
                <dt>{t('artifact.parentIndex')}</dt>
                <dd>
                  <Link class="mono" href={pageOf(parent.digest)}>
                    {parent.tags?.length ? `${newestTag(parent.tags)?.name} (${shortDigest(parent.digest)})` : shortDigest(parent.digest)}
                  </Link>{' '}
                  {parent.platform && <span class="muted">{t('artifact.asPlatform', { platform: parent.platform })}</span>}
                </dd>
              </>
            )}
            <dt>{t('artifact.mediaType')}</dt>
            <dd class="mono break">{artifact.manifest_media_type}</dd>
            <dt>{t('artifacts.size')}</dt>
            <dd>{bytes(artifact.size)}</dd>
            <dt>{t('artifacts.pushed')}</dt>
            <dd>
              <Time iso={artifact.push_time} />
            </dd>
            <dt>{t('artifacts.pulled')}</dt>
            <dd>
              <Time iso={artifact.pull_time} />
            </dd>
            {ATTRIBUTES.map(({ key, label }) =>
              artifact.extra_attrs?.[key] ? (
                <>
                  <dt key={`${key}-k`}>{t(label)}</dt>
                  <dd key={`${key}-v`}>{key === 'created' ? <Time iso={String(artifact.extra_attrs[key])} /> : String(artifact.extra_attrs[key])}</dd>
                </>
              ) : null,
            )}
          </dl>
        </div>
        <div class="card">
          <h2>{t('artifact.pull')}</h2>
          {commands.map((c) => (
            <CopyField key={c.label} label={c.label} value={c.value} />
          ))}
          <CopyField label={t('artifact.byDigest')} value={byDigest.value} />
        </div>
      </div>

      <div class="card">
        <div class="title-row">
          <h2>{t('artifacts.tags')}</h2>
          {perms.has('tag', 'create') && (
            <button type="button" class="primary" onClick={() => setTagging(true)}>
              {t('tags.add')}
            </button>
          )}
        </div>
        <StaticTable<Tag>
          caption={t('artifacts.tags')}
          rows={artifact.tags ?? []}
          rowKey={(tag) => tag.id}
          empty={t('artifacts.untagged')}
          columns={[
            { label: t('tags.name'), render: (tag) => <Badge tone="tag">{tag.name}</Badge> },
            { label: t('artifacts.pushed'), render: (tag) => <Time iso={tag.push_time} /> },
            { label: t('artifacts.pulled'), render: (tag) => <Time iso={tag.pull_time} /> },
            {
              label: t('common.actions'),
              class: 'actions-col',
              render: (tag) => (
                <span class="row-actions">
                  <CopyButton
                    value={pullCommands(artifact.type, host, full, { tag: tag.name })[0].value}
                    label={t('tags.copyPull', { name: tag.name })}
                    text={t('tags.pullCommand')}
                  />
                  {perms.has('tag', 'delete') && (
                    <button type="button" class="small danger" onClick={() => deleteTag(tag)} aria-label={t('tags.deleteNamed', { name: tag.name })}>
                      {t('common.delete')}
                    </button>
                  )}
                </span>
              ),
            },
          ]}
        />
      </div>

      <LabelsCard project={project} perms={perms} artifact={artifact} base={base} onChange={reload} />

      {artifact.references?.length ? (
        <div class="card">
          <h2>{t('artifact.children')}</h2>
          <StaticTable<Reference>
            caption={t('artifact.children')}
            rows={artifact.references}
            rowKey={(r) => r.child_id}
            columns={[
              { label: t('artifacts.platforms'), render: (r) => platformOf(r) },
              { label: t('artifacts.size'), render: (r) => (childSizes[r.child_digest] === undefined ? '…' : bytes(childSizes[r.child_digest])) },
              {
                label: t('artifacts.digest'),
                render: (r) => (
                  <Link class="mono" href={childPath(pageOf(r.child_digest), artifact.digest)}>
                    {shortDigest(r.child_digest)}
                  </Link>
                ),
              },
            ]}
          />
        </div>
      ) : null}

      <SignaturesCard artifactPath={`${artifactsPath(project.name, repo)}/${seg(artifact.digest)}`} signaturePath={pageOf} />
      <AccessoriesCard accessories={artifact.accessories} project={project} repo={repo} />
      {IMAGE_MANIFESTS.includes(artifact.manifest_media_type ?? artifact.media_type ?? '') && (
        <>
          <VulnerabilitiesCard base={base} perms={perms} />
          <SbomCard base={base} perms={perms} accessoryBase={(digest) => `${artifactsPath(project.name, repo)}/${seg(digest)}`} />
        </>
      )}
      <Additions artifact={artifact} base={base} />

      {tagging && (
        <AddTagModal
          base={base}
          onClose={() => setTagging(false)}
          onDone={() => {
            setTagging(false);
            reload();
          }}
        />
      )}
      {copying && <CopyArtifactModal sources={[`${full}@${artifact.digest}`]} repo={repo} onClose={() => setCopying(false)} />}
    </section>
  );
}

/** What the image config tells, with the words a reader knows. */
const ATTRIBUTES: { key: string; label: MessageKey }[] = [
  { key: 'os', label: 'artifact.os' },
  { key: 'architecture', label: 'artifact.architecture' },
  { key: 'variant', label: 'artifact.variant' },
  { key: 'author', label: 'artifact.author' },
  { key: 'created', label: 'artifact.createdAt' },
];

/** Artifacts a child's page looks through for its index when it was not reached from one. */
const PARENT_SEARCH = 100;

/**
 * The index an artifact belongs to, with the platform it is there: the one its page was reached
 * from (checked: the index must list it), else, for an untagged artifact that is no index itself or
 * one reached with a wrong hint, the newest index of the repository's last {@link PARENT_SEARCH}
 * artifacts that lists it. The API
 * has no lookup from a child to its index, so an index older than those is not found.
 */
function useParentIndex(base: string, artifact: Artifact | null, hint: string | null): (Artifact & { platform?: string }) | null {
  const [parent, setParent] = useState<(Artifact & { platform?: string }) | null>(null);
  const digest = artifact?.digest;
  const lookFor = !!artifact && !artifact.references?.length && (!!hint || !artifact.tags?.length);
  useEffect(() => {
    setParent(null);
    if (!lookFor || !digest) return;
    let live = true;
    const lists = (a: Artifact) => a.references?.find((r) => r.child_digest === digest);
    const newest = () => api.page<Artifact>(base, { page: 1, page_size: PARENT_SEARCH, with_tag: true }).then((p) => p.items);
    // a hint that is wrong (no such index, or one that does not list this artifact) is not trusted
    const candidates: Promise<Artifact[]> = hint
      ? api
          .get<Artifact>(`${base}/${seg(hint)}`, { with_tag: true })
          .then((a) => (lists(a) ? [a] : newest()))
          .catch(() => newest())
      : newest();
    candidates
      .then((list) => {
        const index = list.find(lists);
        if (live && index) setParent({ ...index, platform: platformOf(lists(index)!) });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [base, digest, hint, lookFor]);
  return parent;
}

/** Most children an index page asks the size of, one small request each. */
const MAX_CHILD_SIZES = 24;

/** The size of each child of an index, by digest (the references carry none). */
function useChildSizes(base: string, references?: Reference[] | null): Record<string, number> {
  const [sizes, setSizes] = useState<Record<string, number>>({});
  const digests = (references ?? []).slice(0, MAX_CHILD_SIZES).map((r) => r.child_digest);
  useEffect(() => {
    let live = true;
    Promise.all(digests.map((d) => api.get<Artifact>(`${base}/${seg(d)}`).then((a) => [d, a.size] as const).catch(() => [d, NaN] as const))).then(
      (pairs) => live && setSizes(Object.fromEntries(pairs)),
    );
    return () => {
      live = false;
    };
  }, [base, digests.join(',')]);
  return sizes;
}

function AccessoriesCard({ accessories, project, repo }: { accessories?: Accessory[] | null; project: Project; repo: string }) {
  if (!accessories?.length) return null;
  return (
    <div class="card">
      <h2>{t('artifacts.accessories')}</h2>
      <StaticTable<Accessory>
        caption={t('artifacts.accessories')}
        rows={accessories}
        rowKey={(x) => x.id}
        columns={[
          { label: t('artifacts.type'), render: (x) => word('accessoryType', x.type) },
          {
            label: t('artifacts.digest'),
            render: (x) => (
              <Link class="mono" href={pathOf('projects', project.project_id, 'repositories', repo, 'artifacts', x.digest)}>
                {shortDigest(x.digest)}
              </Link>
            ),
          },
          { label: t('artifacts.size'), render: (x) => bytes(x.size) },
          { label: t('common.created'), render: (x) => <Time iso={x.creation_time} /> },
        ]}
      />
    </div>
  );
}

function LabelsCard({ project, perms, artifact, base, onChange }: { project: Project; perms: Perms; artifact: Artifact; base: string; onChange: () => void }) {
  const canAdd = perms.has('artifact-label', 'create');
  const available = useAssignableLabels(project.project_id, canAdd);
  const [chosen, setChosen] = useState('');
  const [missing, setMissing] = useState(false);
  const on = new Set((artifact.labels ?? []).map((l) => l.id));
  const add = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return setMissing(true);
    if (await attempt(() => api.post(`${base}/labels`, { id: Number(chosen) }), t('labels.added'))) {
      setChosen('');
      onChange();
    }
  };
  const remove = async (l: Label) => {
    if (await attempt(() => api.del(`${base}/labels/${l.id}`), t('labels.removed'))) onChange();
  };
  return (
    <div class="card">
      <h2>{t('artifacts.labels')}</h2>
      {artifact.labels?.length ? (
        <ul class="chips plain">
          {artifact.labels.map((l) => (
            <li key={l.id} class="chip-item">
              <LabelChip name={l.name} color={l.color} />
              {perms.has('artifact-label', 'delete') && (
                <button type="button" class="chip-remove" onClick={() => remove(l)} aria-label={t('labels.removeNamed', { name: l.name })} title={t('labels.removeNamed', { name: l.name })}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>{t('labels.none')}</Empty>
      )}
      {canAdd && available.some((l) => !on.has(l.id)) && (
        <form class="row" onSubmit={add}>
          <label>
            <span class="sr-only">{t('labels.choose')}</span>
            <select
              value={chosen}
              aria-invalid={missing ? 'true' : undefined}
              onChange={(e) => {
                setChosen((e.target as HTMLSelectElement).value);
                setMissing(false);
              }}
            >
              <option value="">{t('labels.choose')}</option>
              {available
                .filter((l) => !on.has(l.id))
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {labelOption(l)}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit">{t('labels.add')}</button>
        </form>
      )}
      {missing && (
        <p class="field-error" role="alert">
          {t('labels.chooseFirst')}
        </p>
      )}
    </div>
  );
}

/** Build history for images; values, readme and dependencies for Helm charts. */
function Additions({ artifact, base }: { artifact: Artifact; base: string }) {
  const links = Object.keys(artifact.addition_links ?? {});
  const [active, setActive] = useState(links[0] ?? '');
  const [content, setContent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!active) return;
    setContent(null);
    setError(null);
    api
      .text(`${base}/additions/${active}`)
      .then((text) => {
        if (active === 'build_history') {
          try {
            const steps = JSON.parse(text) as { created?: string; created_by?: string; empty_layer?: boolean }[];
            setContent(steps.map((s) => `${s.created ?? ''}  ${s.created_by ?? ''}`).join('\n'));
            return;
          } catch {
            // shown as it came
          }
        }
        if (active === 'dependencies') {
          try {
            setContent(JSON.stringify(JSON.parse(text), null, 2));
            return;
          } catch {
            // shown as it came
          }
        }
        setContent(text);
      })
      .catch(setError);
  }, [active, base]);
  if (!links.length) return null;
  const names: Record<string, string> = {
    build_history: t('artifact.buildHistory'),
    'values.yaml': t('artifact.values'),
    'readme.md': t('artifact.readme'),
    dependencies: t('artifact.dependencies'),
  };
  return (
    <div class="card">
      <div role="tablist" class="tabs" aria-label={t('artifact.additions')}>
        {links.map((l) => (
          <button key={l} type="button" role="tab" aria-selected={l === active} class={l === active ? 'tab active' : 'tab'} onClick={() => setActive(l)}>
            {names[l] ?? l}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        <ErrorBanner error={error} />
        {content === null && !error ? <Spinner /> : active === 'readme.md' && content !== null ? <Markdown source={content} /> : <pre class="addition">{content}</pre>}
      </div>
    </div>
  );
}

registerRoute({ path: '/projects/:project/repositories/*repo/artifacts/:reference', view: ArtifactPage, title: 'artifact.title' });
