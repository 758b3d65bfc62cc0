import { useState } from 'preact/hooks';
import { api, repoPath, seg } from '../api';
import { t } from '../i18n';
import { Field, FormModal, notify } from '../ui/components';

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
      <Field label={t('tags.name')}>{(id) => <input id={id} name="tag" required maxLength={128} pattern="[\w][\w.\-]{0,127}" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
    </FormModal>
  );
}

/** Copies an artifact (by "project/repo@digest") into another repository, as Harbor's copy does. */
export function CopyArtifactModal({ source, onClose }: { source: string; onClose: () => void }) {
  const [project, setProject] = useState('');
  const [repo, setRepo] = useState('');
  return (
    <FormModal
      title={t('artifacts.copy')}
      submitLabel={t('artifacts.copy')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(`/projects/${seg(project)}/repositories/${repoPath(repo)}/artifacts`, undefined, { from: source });
        notify(t('artifacts.copied', { target: `${project}/${repo}` }));
        onClose();
      }}
    >
      <p class="mono small">{source}</p>
      <Field label={t('artifacts.targetProject')}>{(id) => <input id={id} name="target_project" required value={project} onInput={(e) => setProject((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('artifacts.targetRepository')}>{(id) => <input id={id} name="target_repository" required value={repo} onInput={(e) => setRepo((e.target as HTMLInputElement).value)} />}</Field>
    </FormModal>
  );
}
