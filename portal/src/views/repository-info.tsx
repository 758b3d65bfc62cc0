// A repository's description (Harbor's "Info" tab): Markdown, rendered without any HTML of its own,
// for everyone who may see the repository, edited in place by those holding repository:update.
import { useEffect, useState } from 'preact/hooks';
import { api, repoPath, seg } from '../api';
import { t } from '../i18n';
import type { Perms, Project, Repository } from '../types';
import { Empty, ErrorBanner, Field, notify, Spinner } from '../ui/components';
import { Markdown } from '../ui/markdown';

/** The server refuses longer descriptions. */
export const MAX_DESCRIPTION = 4096;

export function DescriptionCard({ project, perms, repo }: { project: Project; perms: Perms; repo: string }) {
  const path = `/projects/${seg(project.name)}/repositories/${repoPath(repo)}`;
  const [description, setDescription] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const canEdit = perms.has('repository', 'update');

  useEffect(() => {
    api
      .get<Repository>(path)
      .then((r) => setDescription(r.description ?? ''))
      .catch(setLoadError);
  }, [path]);

  const edit = () => {
    setSaveError(null);
    setDraft(description ?? '');
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (draft === null) return;
    setBusy(true);
    setSaveError(null);
    try {
      await api.put(path, { description: draft });
      setDescription(draft);
      setDraft(null);
      notify(t('repository.descriptionSaved'));
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="card">
      <div class="title-row">
        <h2>{t('repository.description')}</h2>
        {canEdit && draft === null && description !== null && (
          <button type="button" class="small" onClick={edit}>
            {t('repository.editDescription')}
          </button>
        )}
      </div>
      <ErrorBanner error={loadError} />
      {description === null && !loadError && <Spinner />}
      {draft !== null ? (
        <form onSubmit={save}>
          <Field label={t('repository.description')} hint={t('repository.descriptionHint', { max: MAX_DESCRIPTION })}>
            {(id) => <textarea id={id} name="description" rows={6} maxLength={MAX_DESCRIPTION} value={draft} onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)} />}
          </Field>
          <ErrorBanner error={saveError} />
          <div class="actions">
            <button type="button" onClick={() => setDraft(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('common.working') : t('common.save')}
            </button>
          </div>
        </form>
      ) : description ? (
        // Markdown made into elements: any HTML in it stays text, links only to http(s) and mailto
        <Markdown source={description} testId="repository-description" />
      ) : description === '' ? (
        <Empty>{canEdit ? t('repository.noDescriptionEdit') : t('repository.noDescription')}</Empty>
      ) : null}
    </div>
  );
}
