import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Member, Perms, Project, UserGroup } from '../../types';
import { attempt, confirmAction, Field, FormModal } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { GroupTypeSelect } from '../group-types';
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

type Kind = 'u' | 'g';

async function searchUsers(username: string): Promise<string[]> {
  const users = await api.get<{ user_id: number; username: string }[]>('/users/search', { username, page_size: 10 });
  return (users ?? []).map((u) => u.username);
}

/** Groups whose name contains what is typed: for system administrators and project admins. */
async function searchGroups(groupname: string): Promise<string[]> {
  const groups = await api.get<Pick<UserGroup, 'id' | 'group_name' | 'group_type'>[]>('/usergroups/search', { groupname, page_size: 10 });
  return (groups ?? []).map((g) => g.group_name);
}

/** Names matching what is typed, asked for 200 ms after the last key press. */
function useSuggestions(term: string, search: (term: string) => Promise<string[]>): string[] {
  const [found, setFound] = useState<string[]>([]);
  useEffect(() => {
    if (term.length < 1) return setFound([]);
    const h = setTimeout(() => {
      search(term)
        .then(setFound)
        .catch(() => setFound([]));
    }, 200);
    return () => clearTimeout(h);
  }, [term, search]);
  return found;
}

function AddMember({ base, onClose, onAdded }: { base: string; onClose: () => void; onAdded: () => void }) {
  const [kind, setKind] = useState<Kind>('u');
  const [name, setName] = useState('');
  const [groupType, setGroupType] = useState(0);
  const [role, setRole] = useState(2);
  const suggestions = useSuggestions(name, kind === 'u' ? searchUsers : searchGroups);
  const member =
    kind === 'u' ? { member_user: { username: name } } : { member_group: { group_name: name, ...(groupType ? { group_type: groupType } : {}) } };
  return (
    <FormModal
      title={t('members.add')}
      submitLabel={t('members.add')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(base, { role_id: role, ...member });
        onAdded();
      }}
    >
      <Field label={t('members.memberType')}>
        {(id) => (
          <select id={id} name="member_type" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)}>
            <option value="u">{t('members.user')}</option>
            <option value="g">{t('members.group')}</option>
          </select>
        )}
      </Field>
      <Field label={kind === 'u' ? t('members.username') : t('groups.name')} hint={kind === 'g' ? t('members.groupHint') : undefined}>
        {(id) => (
          <>
            <input id={id} name={kind === 'u' ? 'username' : 'group_name'} required list={`${id}-list`} autoComplete="off" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            <datalist id={`${id}-list`}>
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      {kind === 'g' && (
        <Field label={t('groups.groupType')} hint={t('members.groupTypeHint')}>
          {(id) => <GroupTypeSelect id={id} value={groupType} onChange={setGroupType} anyLabel={t('members.anyGroupType')} />}
        </Field>
      )}
      <Field label={t('members.role')}>{(id) => <RoleSelect id={id} value={role} onChange={setRole} />}</Field>
    </FormModal>
  );
}

registerProjectTab({ id: 'members', label: 'members.title', order: 20, view: MembersTab, visible: (p) => p.has('member', 'list') });
