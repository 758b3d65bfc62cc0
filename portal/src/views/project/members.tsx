import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import { session } from '../../session';
import type { Member, Perms, Project, ProjectSummary, UserGroup } from '../../types';
import { attempt, confirmAction, Field, FormModal } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';
import { GroupTypeSelect } from '../group-types';
import { ROLE_PROJECT_ADMIN, ROLES, roleName } from '../roles';

function RoleSelect({ id, value, onChange, label }: { id: string; value: number; onChange: (v: number) => void; label?: string }) {
  return (
    <select id={id} name="role" aria-label={label} value={value} onChange={(e) => onChange(Number((e.target as HTMLSelectElement).value))}>
      {ROLES.map((r) => (
        <option key={r.id} value={r.id}>
          {t(r.key)}
        </option>
      ))}
    </select>
  );
}

/** How many project admins the project has (users and groups), from its summary. */
async function adminCount(projectId: number): Promise<number> {
  const summary = await api.get<ProjectSummary>(`/projects/${seg(projectId)}/summary`);
  return summary.project_admin_count ?? 0;
}

function isMe(m: Member): boolean {
  const me = session.get().user;
  return m.entity_type === 'u' && !!me && m.entity_id === me.user_id;
}

/**
 * Asks before a change that takes project admin away: from the last one (nobody but system
 * administrators could manage the project afterwards) or from oneself. True when it may go ahead.
 */
async function mayTakeAdmin(projectId: number, m: Member, label: string): Promise<boolean> {
  if (m.role_id !== ROLE_PROJECT_ADMIN) return true;
  const last = (await adminCount(projectId).catch(() => 0)) <= 1;
  if (last) return confirmAction(t('members.confirmLastAdmin', { name: m.entity_name }), label);
  if (isMe(m)) return confirmAction(t('members.confirmOwnAdmin'), label);
  return true;
}

function MembersTab({ project, perms, reload: reloadProject }: { project: Project; perms: Perms; reload: () => void }) {
  const [reload, setReload] = useState(0);
  const [adding, setAdding] = useState(false);
  // roles chosen in the drop-downs and not saved yet, by member id
  const [pending, setPending] = useState<Record<number, number>>({});
  const canEdit = perms.has('member', 'create');
  const base = `/projects/${seg(project.project_id)}/members`;
  const changed = (m: Member) => {
    setReload((n) => n + 1);
    // one's own role shows in the page header and decides what the page offers
    if (isMe(m)) reloadProject();
  };
  const forget = (m: Member) => {
    const next = { ...pending };
    delete next[m.id];
    setPending(next);
  };
  const remove = async (m: Member) => {
    const last = m.role_id === ROLE_PROJECT_ADMIN && (await adminCount(project.project_id).catch(() => 0)) <= 1;
    const message = last
      ? t('members.confirmRemoveLastAdmin', { name: m.entity_name })
      : isMe(m)
        ? t('members.confirmRemoveSelf')
        : t('members.confirmRemove', { name: m.entity_name });
    if (!(await confirmAction(message, t('members.remove')))) return;
    if (await attempt(() => api.del(`${base}/${m.id}`), t('members.removed', { name: m.entity_name }))) changed(m);
  };
  const saveRole = async (m: Member) => {
    const role = pending[m.id];
    if (role === undefined || role === m.role_id) return forget(m);
    if (role !== ROLE_PROJECT_ADMIN && !(await mayTakeAdmin(project.project_id, m, t('members.changeRole')))) return;
    if (await attempt(() => api.put(`${base}/${m.id}`, { role_id: role }), t('members.roleChanged', { name: m.entity_name, role: roleName(role) }))) {
      forget(m);
      changed(m);
    }
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
            render: (m) => {
              if (!canEdit) return roleName(m.role_id);
              const chosen = pending[m.id] ?? m.role_id;
              return (
                <span class="row">
                  <RoleSelect id={`role-${m.id}`} label={t('members.roleOf', { name: m.entity_name })} value={chosen} onChange={(r) => setPending({ ...pending, [m.id]: r })} />
                  {chosen !== m.role_id && (
                    <>
                      <button type="button" class="small primary" onClick={() => saveRole(m)} aria-label={t('members.saveRoleOf', { name: m.entity_name })}>
                        {t('common.save')}
                      </button>
                      <button type="button" class="small" onClick={() => forget(m)} aria-label={t('members.undoRoleOf', { name: m.entity_name })}>
                        {t('common.cancel')}
                      </button>
                    </>
                  )}
                </span>
              );
            },
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
            setReload((n) => n + 1);
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
        try {
          await api.create(base, { role_id: role, ...member });
        } catch (e) {
          // "user not found" says less than who is missing
          if (e instanceof ApiError && e.status === 404) throw new Error(t(kind === 'u' ? 'members.noSuchUser' : 'members.noSuchGroup', { name }));
          throw e;
        }
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
