// Tag immutability rules of a project (Harbor's /projects/{p}/immutabletagrules). A feature
// module as the route registry intends: this file, its strings and one import in views/index.ts.
import { useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, Badge, confirmAction, Field, FormModal } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';

interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
}

export interface ImmutableRule {
  id: number;
  priority?: number;
  disabled: boolean;
  action?: string;
  template?: string;
  tag_selectors: Selector[];
  scope_selectors: { repository: Selector[] };
}

function describe(s: Selector | undefined, matches: string): string {
  if (!s) return '**';
  return s.decoration === matches ? t('immutability.matching', { pattern: s.pattern || '**' }) : t('immutability.excluding', { pattern: s.pattern || '**' });
}

function ImmutabilityTab({ project, perms }: { project: Project; perms: Perms }) {
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const base = `/projects/${seg(project.project_id)}/immutabletagrules`;
  const toggle = async (r: ImmutableRule) => {
    if (await attempt(() => api.put(`${base}/${r.id}`, { ...r, disabled: !r.disabled }), t('common.saved'))) setReload(reload + 1);
  };
  const remove = async (r: ImmutableRule) => {
    if (!(await confirmAction(t('immutability.confirmDelete')))) return;
    if (await attempt(() => api.del(`${base}/${r.id}`), t('immutability.deleted'))) setReload(reload + 1);
  };
  return (
    <>
      <p class="hint">{t('immutability.hint')}</p>
      <DataTable<ImmutableRule>
        caption={t('immutability.title')}
        rowKey={(r) => r.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<ImmutableRule>(base, query)}
        empty={t('immutability.empty')}
        toolbar={
          perms.has('immutable-tag', 'create') && (
            <button type="button" class="primary" onClick={() => setCreating(true)}>
              {t('immutability.new')}
            </button>
          )
        }
        columns={[
          { label: t('immutability.repositories'), render: (r) => <code>{describe(r.scope_selectors?.repository?.[0], 'repoMatches')}</code> },
          { label: t('immutability.tags'), render: (r) => <code>{describe(r.tag_selectors?.[0], 'matches')}</code> },
          { label: t('robots.status'), render: (r) => (r.disabled ? <Badge tone="warn">{t('robots.disabledState')}</Badge> : <Badge tone="ok">{t('robots.enabledState')}</Badge>) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (r) => (
              <span class="row-actions">
                {perms.has('immutable-tag', 'update') && (
                  <button type="button" class="small" onClick={() => toggle(r)}>
                    {r.disabled ? t('robots.enable') : t('robots.disable')}
                  </button>
                )}
                {perms.has('immutable-tag', 'delete') && (
                  <button type="button" class="small danger" onClick={() => remove(r)} aria-label={t('immutability.deleteNamed', { id: r.id })}>
                    {t('common.delete')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {creating && (
        <CreateRule
          base={base}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            setReload(reload + 1);
          }}
        />
      )}
    </>
  );
}

function CreateRule({ base, onClose, onCreated }: { base: string; onClose: () => void; onCreated: () => void }) {
  const [repoDecoration, setRepoDecoration] = useState('repoMatches');
  const [repoPattern, setRepoPattern] = useState('**');
  const [tagDecoration, setTagDecoration] = useState('matches');
  const [tagPattern, setTagPattern] = useState('');
  const select = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLSelectElement).value);
  return (
    <FormModal
      title={t('immutability.new')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(base, {
          disabled: false,
          action: 'immutable',
          template: 'immutable_template',
          tag_selectors: [{ kind: 'doublestar', decoration: tagDecoration, pattern: tagPattern }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: repoDecoration, pattern: repoPattern }] },
        });
        onCreated();
      }}
    >
      <Field label={t('immutability.repositories')}>
        {(id) => (
          <select id={id} value={repoDecoration} onChange={select(setRepoDecoration)}>
            <option value="repoMatches">{t('immutability.matchingOption')}</option>
            <option value="repoExcludes">{t('immutability.excludingOption')}</option>
          </select>
        )}
      </Field>
      <Field label={t('immutability.repositoryPattern')} hint={t('immutability.patternHint')}>
        {(id) => <input id={id} value={repoPattern} onInput={(e) => setRepoPattern((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('immutability.tags')}>
        {(id) => (
          <select id={id} value={tagDecoration} onChange={select(setTagDecoration)}>
            <option value="matches">{t('immutability.matchingOption')}</option>
            <option value="excludes">{t('immutability.excludingOption')}</option>
          </select>
        )}
      </Field>
      <Field label={t('immutability.tagPattern')} hint={t('immutability.patternHint')}>
        {(id) => <input id={id} required value={tagPattern} onInput={(e) => setTagPattern((e.target as HTMLInputElement).value)} />}
      </Field>
    </FormModal>
  );
}

registerProjectTab({ id: 'immutability', label: 'immutability.title', order: 45, view: ImmutabilityTab, visible: (p) => p.has('immutable-tag', 'list') });
