// What the repository page and the artifact page both do to artifacts: tag, copy, label.
import { useEffect, useState } from 'preact/hooks';
import { api, repoPath, seg } from '../api';
import { t } from '../i18n';
import type { Label, Project, Repository } from '../types';
import { Field, FormModal, notify, PatternInput } from '../ui/components';
import { runBulk } from '../ui/bulk';

/** Harbor's rule for a tag; said in words when broken. */
export const TAG_PATTERN = '[\\w][\\w.\\-]{0,127}';

export function AddTagModal({ base, onClose, onDone }: { base: string; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState('');
  return (
    <FormModal
      title={t('tags.add')}
      submitLabel={t('tags.add')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(`${base}/tags`, { name });
        notify(t('tags.added', { name }));
        onDone();
      }}
    >
      <Field label={t('tags.name')} hint={t('tags.nameRule')}>
        {(id) => <PatternInput id={id} name="tag" required maxLength={128} pattern={TAG_PATTERN} rule={t('tags.nameRule')} value={name} onValue={setName} />}
      </Field>
    </FormModal>
  );
}

/** The projects the caller sees, by name, for a picker (the first 100; typing narrows on the server). */
function useProjectNames(filter: string): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    const h = setTimeout(() => {
      api
        .get<Project[]>('/projects', { page_size: 100, sort: 'name', q: filter ? `name=~${filter}` : undefined })
        .then((list) => setNames((list ?? []).map((p) => p.name)))
        .catch(() => setNames([]));
    }, filter ? 200 : 0);
    return () => clearTimeout(h);
  }, [filter]);
  return names;
}

/** The repositories of a project, by short name, as suggestions for a target. */
function useRepositoryNames(project: string): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    if (!project) return setNames([]);
    api
      .get<Repository[]>(`/projects/${seg(project)}/repositories`, { page_size: 100, sort: 'name' })
      .then((list) => setNames((list ?? []).map((r) => (r.name.startsWith(project + '/') ? r.name.slice(project.length + 1) : r.name))))
      .catch(() => setNames([]));
  }, [project]);
  return names;
}

/**
 * Copies artifacts (each "project/repo@digest") into a repository of a project picked from the
 * caller's projects, as Harbor's copy does; the repository defaults to the source's own name.
 */
export function CopyArtifactModal({ sources, repo, onClose }: { sources: string[]; repo: string; onClose: () => void }) {
  const [filter, setFilter] = useState('');
  const projects = useProjectNames(filter);
  const [project, setProject] = useState('');
  const [target, setTarget] = useState(repo);
  const repositories = useRepositoryNames(project);
  useEffect(() => {
    if (!project && projects.length) setProject(projects[0]);
  }, [projects]);
  return (
    <FormModal
      title={t('artifacts.copy')}
      submitLabel={t('artifacts.copy')}
      onClose={onClose}
      onSubmit={async () => {
        const path = `/projects/${seg(project)}/repositories/${repoPath(target)}/artifacts`;
        if (sources.length === 1) {
          await api.create(path, undefined, { from: sources[0] });
          notify(t('artifacts.copied', { target: `${project}/${target}` }));
        } else {
          await runBulk(sources, (from) => api.create(path, undefined, { from }), (s) => s.split('@')[1]?.slice(0, 19) ?? s, 'artifacts.copiedMany');
        }
        onClose();
      }}
    >
      <p class="mono small source break">{sources.length === 1 ? sources[0] : t('artifacts.selectedCount', { n: sources.length })}</p>
      <Field label={t('artifacts.findProject')}>
        {(id) => <input id={id} type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('artifacts.targetProject')}>
        {(id) => (
          <select id={id} name="target_project" required value={project} onChange={(e) => setProject((e.target as HTMLSelectElement).value)}>
            {!projects.includes(project) && project && <option value={project}>{project}</option>}
            {projects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('artifacts.targetRepository')} hint={t('artifacts.targetRepositoryHint')}>
        {(id) => (
          <>
            <input id={id} name="target_repository" required list={`${id}-list`} autoComplete="off" value={target} onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
            <datalist id={`${id}-list`}>
              {repositories.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
          </>
        )}
      </Field>
    </FormModal>
  );
}

/** The labels that may go on an artifact of the project: global ones and the project's own. */
export function useAssignableLabels(projectId: number, enabled: boolean): Label[] {
  const [labels, setLabels] = useState<Label[]>([]);
  useEffect(() => {
    if (!enabled) return;
    Promise.all([
      api.get<Label[]>('/labels', { scope: 'g', page_size: 100 }),
      api.get<Label[]>('/labels', { scope: 'p', project_id: projectId, page_size: 100 }),
    ])
      .then(([g, p]) => setLabels([...(g ?? []), ...(p ?? [])]))
      .catch(() => setLabels([]));
  }, [projectId, enabled]);
  return labels;
}

export function labelOption(l: Label): string {
  return `${l.name} (${l.scope === 'g' ? t('labels.global') : t('labels.project')})`;
}

/** Puts one label on several artifacts (bulk "Add label"). */
export function BulkLabelModal({ bases, labels, onClose, onDone }: { bases: string[]; labels: Label[]; onClose: () => void; onDone: () => void }) {
  const [chosen, setChosen] = useState('');
  return (
    <FormModal
      title={t('labels.add')}
      submitLabel={t('labels.add')}
      onClose={onClose}
      onSubmit={async () => {
        if (!chosen) throw new Error(t('labels.chooseFirst'));
        await runBulk(bases, (base) => api.post(`${base}/labels`, { id: Number(chosen) }), (b) => decodeURIComponent(b.split('/').pop() ?? b).slice(0, 19), 'labels.addedMany');
        onDone();
      }}
    >
      <p>{t('artifacts.selectedCount', { n: bases.length })}</p>
      <Field label={t('labels.choose')}>
        {(id) => (
          <select id={id} value={chosen} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
            <option value="">{t('labels.choose')}</option>
            {labels.map((l) => (
              <option key={l.id} value={l.id}>
                {labelOption(l)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </FormModal>
  );
}
