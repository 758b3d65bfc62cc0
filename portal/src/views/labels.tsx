// Labels: global ones (administration) and a project's own (project tab).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import type { Label } from '../types';
import { attempt, confirmAction, Field, FormModal, LabelChip, Time } from '../ui/components';
import { DataTable } from '../ui/DataTable';

export function LabelList(props: { scope: 'g' | 'p'; projectId?: number; canEdit: boolean }) {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Partial<Label> | null>(null);
  const remove = async (l: Label) => {
    if (!(await confirmAction(t('labels.confirmDelete', { name: l.name })))) return;
    if (await attempt(() => api.del(`/labels/${l.id}`), t('labels.deleted', { name: l.name }))) setReload(reload + 1);
  };
  return (
    <>
      <DataTable<Label>
        caption={t('labels.title')}
        rowKey={(l) => l.id}
        reloadKey={reload}
        searchField="name"
        searchLabel={t('labels.search')}
        searchParam
        fetchPage={(query) => api.page<Label>('/labels', { ...query, scope: props.scope, project_id: props.projectId })}
        empty={t('labels.empty')}
        toolbar={
          props.canEdit && (
            <button type="button" class="primary" onClick={() => setEditing({ color: '#0065AB' })}>
              {t('labels.new')}
            </button>
          )
        }
        columns={[
          { label: t('labels.name'), render: (l) => <LabelChip name={l.name} color={l.color} /> },
          { label: t('labels.description'), render: (l) => l.description || '' },
          { label: t('common.created'), render: (l) => <Time iso={l.creation_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (l) =>
              props.canEdit ? (
                <span class="row-actions">
                  <button type="button" class="small" onClick={() => setEditing(l)}>
                    {t('common.edit')}
                  </button>
                  <button type="button" class="small danger" onClick={() => remove(l)} aria-label={t('labels.deleteNamed', { name: l.name })}>
                    {t('common.delete')}
                  </button>
                </span>
              ) : null,
          },
        ]}
      />
      {editing && (
        <EditLabel
          label={editing}
          scope={props.scope}
          projectId={props.projectId}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setReload(reload + 1);
          }}
        />
      )}
    </>
  );
}

function EditLabel(props: { label: Partial<Label>; scope: 'g' | 'p'; projectId?: number; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(props.label.name ?? '');
  const [description, setDescription] = useState(props.label.description ?? '');
  const [color, setColor] = useState(props.label.color ?? '#0065AB');
  const existing = props.label.id !== undefined;
  return (
    <FormModal
      title={existing ? t('labels.edit') : t('labels.new')}
      submitLabel={existing ? t('common.save') : t('common.create')}
      onClose={props.onClose}
      onSubmit={async () => {
        if (existing) await api.put(`/labels/${props.label.id}`, { name, description, color });
        else await api.create('/labels', { name, description, color, scope: props.scope, project_id: props.projectId ?? 0 });
        props.onSaved();
      }}
    >
      <Field label={t('labels.name')}>{(id) => <input id={id} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('labels.description')}>
        {(id) => <input id={id} value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('labels.color')}>{(id) => <input id={id} type="color" value={color} onInput={(e) => setColor((e.target as HTMLInputElement).value)} />}</Field>
    </FormModal>
  );
}
