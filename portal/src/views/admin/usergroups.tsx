// Administration → User groups (Harbor's /usergroups): list, create, rename, delete. Groups are
// made project members in the project's Members tab.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import type { UserGroup } from '../../types';
import { attempt, confirmAction, Field, FormModal, notify, PageHeader } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { GroupTypeSelect, groupTypeName, LDAP } from '../group-types';

function UserGroupsView() {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Partial<UserGroup> | null>(null);
  const remove = async (g: UserGroup) => {
    if (!(await confirmAction(t('groups.confirmDelete', { name: g.group_name })))) return;
    if (await attempt(() => api.del(`/usergroups/${g.id}`), t('groups.deleted', { name: g.group_name }))) setReload(reload + 1);
  };
  return (
    <section>
      <PageHeader title={t('groups.title')} />
      <p class="hint">{t('groups.hint')}</p>
      <DataTable<UserGroup>
        caption={t('groups.title')}
        rowKey={(g) => g.id}
        reloadKey={reload}
        searchField="group_name"
        searchParam
        searchLabel={t('groups.search')}
        fetchPage={(query) => api.page<UserGroup>('/usergroups', query)}
        empty={t('groups.empty')}
        toolbar={
          <button type="button" class="primary" onClick={() => setEditing({ group_type: 2 })}>
            {t('groups.new')}
          </button>
        }
        columns={[
          { label: t('groups.name'), sort: 'group_name', render: (g) => g.group_name },
          { label: t('groups.groupType'), sort: 'group_type', render: (g) => groupTypeName(g.group_type) },
          { label: t('groups.ldapDn'), render: (g) => (g.ldap_group_dn ? <code>{g.ldap_group_dn}</code> : '') },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (g) => (
              <span class="row-actions">
                <button type="button" class="small" onClick={() => setEditing(g)} aria-label={t('groups.renameOf', { name: g.group_name })}>
                  {t('groups.rename')}
                </button>
                <button type="button" class="small danger" onClick={() => remove(g)} aria-label={t('groups.deleteNamed', { name: g.group_name })}>
                  {t('common.delete')}
                </button>
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <EditGroup
          group={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setReload(reload + 1);
          }}
        />
      )}
    </section>
  );
}

/** Creates a group, or renames one: the type and DN identify a group at its provider and stay. */
function EditGroup(props: { group: Partial<UserGroup>; onClose: () => void; onSaved: () => void }) {
  const existing = props.group.id !== undefined;
  const [name, setName] = useState(props.group.group_name ?? '');
  const [type, setType] = useState(props.group.group_type ?? 2);
  const [dn, setDn] = useState('');
  return (
    <FormModal
      title={existing ? t('groups.renameOf', { name: props.group.group_name ?? '' }) : t('groups.new')}
      submitLabel={existing ? t('common.save') : t('common.create')}
      onClose={props.onClose}
      onSubmit={async () => {
        if (existing) {
          await api.put(`/usergroups/${props.group.id}`, { group_name: name });
          notify(t('groups.renamed', { name }));
        } else {
          await api.create('/usergroups', { group_name: name, group_type: type, ...(type === LDAP ? { ldap_group_dn: dn } : {}) });
          notify(t('groups.created', { name }));
        }
        props.onSaved();
      }}
    >
      <Field label={t('groups.name')}>{(id) => <input id={id} name="group_name" required maxLength={255} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      {!existing && (
        <Field label={t('groups.groupType')}>
          {(id) => <GroupTypeSelect id={id} value={type} onChange={setType} />}
        </Field>
      )}
      {!existing && type === LDAP && (
        <Field label={t('groups.ldapDn')} hint={t('groups.ldapDnHint')}>
          {(id) => <input id={id} name="ldap_group_dn" required maxLength={1024} value={dn} onInput={(e) => setDn((e.target as HTMLInputElement).value)} />}
        </Field>
      )}
    </FormModal>
  );
}

registerRoute({ path: '/admin/groups', view: UserGroupsView, title: 'groups.title', admin: true, nav: { section: 'admin', order: 15 } });
