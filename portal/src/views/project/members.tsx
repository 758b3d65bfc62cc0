import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Member, Perms, Project } from '../../types';
import { attempt, confirmAction, Field, FormModal } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { ROLES, roleName } from '../roles';

function RoleSelect({ id, value, onChange }: { id: string; value: number; onChange: (v: number) => void }) {
  return (
    <select id={id} name="role" value={value} onChange={(e) => onChange(Number((e.target as HTMLSelectElement).value))}>
      {ROLES.map((r) => (
        <option key={r.id} value={r.id}>
          {t(r.key)}
        </option>
      ))}
    </select>
  );
}

function MembersTab({ project, perms }: { project: Project; perms: Perms }) {
  const [reload, setReload] = useState(0);
  const [adding, setAdding] = useState(false);
  const canEdit = perms.has('member', 'create');
  const base = `/projects/${seg(project.project_id)}/members`;
  const remove = async (m: Member) => {
    if (!(await confirmAction(t('members.confirmRemove', { name: m.entity_name }), t('members.remove')))) return;
    if (await attempt(() => api.del(`${base}/${m.id}`), t('members.removed', { name: m.entity_name }))) setReload(reload + 1);
  };
  const changeRole = async (m: Member, role: number) => {
    if (await attempt(() => api.put(`${base}/${m.id}`, { role_id: role }), t('members.roleChanged', { name: m.entity_name })))
      setReload(reload + 1);
  };
  return (
    <>
      <DataTable<Member>
        caption={t('members.title')}
        rowKey={(m) => m.id}
        reloadKey={reload}
        fetchPage={(query) => api.page<Member>(base, query)}
        searchField="entityname"
        searchParam
        searchLabel={t('members.search')}
        empty={t('members.empty')}
        toolbar={
          canEdit && (
            <button type="button" class="primary" onClick={() => setAdding(true)}>
              {t('members.add')}
            </button>
          )
        }
        columns={[
          { label: t('members.name'), render: (m) => m.entity_name },
          { label: t('members.type'), render: (m) => (m.entity_type === 'g' ? t('members.group') : t('members.user')) },
          {
            label: t('members.role'),
            render: (m) =>
              canEdit ? (
                <label>
                  <span class="sr-only">{t('members.roleOf', { name: m.entity_name })}</span>
                  <RoleSelect id={`role-${m.id}`} value={m.role_id} onChange={(r) => changeRole(m, r)} />
                </label>
              ) : (
                roleName(m.role_id)
              ),
          },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (m) =>
              canEdit ? (
                <button type="button" class="danger small" onClick={() => remove(m)} aria-label={t('members.removeNamed', { name: m.entity_name })}>
                  {t('members.remove')}
                </button>
              ) : null,
          },
        ]}
      />
      {adding && (
        <AddMember
          base={base}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            setReload(reload + 1);
          }}
        />
      )}
    </>
  );
}

function AddMember({ base, onClose, onAdded }: { base: string; onClose: () => void; onAdded: () => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState(2);
  const [suggestions, setSuggestions] = useState<{ user_id: number; username: string }[]>([]);
  useEffect(() => {
    if (username.length < 1) return setSuggestions([]);
    const h = setTimeout(() => {
      api
        .get<{ user_id: number; username: string }[]>('/users/search', { username, page_size: 10 })
        .then(setSuggestions)
        .catch(() => setSuggestions([]));
    }, 200);
    return () => clearTimeout(h);
  }, [username]);
  return (
    <FormModal
      title={t('members.add')}
      submitLabel={t('members.add')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(base, { role_id: role, member_user: { username } });
        onAdded();
      }}
    >
      <Field label={t('members.username')}>
        {(id) => (
          <>
            <input id={id} name="username" required list={`${id}-list`} autoComplete="off" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
            <datalist id={`${id}-list`}>
              {suggestions.map((s) => (
                <option key={s.user_id} value={s.username} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field label={t('members.role')}>{(id) => <RoleSelect id={id} value={role} onChange={setRole} />}</Field>
    </FormModal>
  );
}

registerProjectTab({ id: 'members', label: 'members.title', order: 20, view: MembersTab, visible: (p) => p.has('member', 'list') });
