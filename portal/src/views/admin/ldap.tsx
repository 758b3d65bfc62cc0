// LDAP: the authentication settings (inside Configuration → Authentication, with a connection test)
// and the directory page (search and import users, search groups and add them as user groups).
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { attempt, ErrorBanner, Field, PageHeader } from '../../ui/components';

type Ctl = { value: (k: string) => unknown; set: (k: string, v: unknown) => void; editable: (k: string) => boolean };

/** The LDAP items of /configurations, in Harbor's order; the password is write-only. */
export const LDAP_ITEMS = [
  'ldap_url',
  'ldap_search_dn',
  'ldap_search_password',
  'ldap_base_dn',
  'ldap_filter',
  'ldap_uid',
  'ldap_scope',
  'ldap_timeout',
  'ldap_verify_cert',
  'ldap_group_base_dn',
  'ldap_group_search_filter',
  'ldap_group_attribute_name',
  'ldap_group_search_scope',
  'ldap_group_admin_dn',
  'ldap_group_membership_attribute',
] as const;

const TEXT_ITEMS: [string, 'url' | 'searchDn' | 'baseDn' | 'filter' | 'uid' | 'groupBaseDn' | 'groupFilter' | 'groupName' | 'groupAdminDn' | 'membership'][] = [
  ['ldap_url', 'url'],
  ['ldap_search_dn', 'searchDn'],
  ['ldap_base_dn', 'baseDn'],
  ['ldap_filter', 'filter'],
  ['ldap_uid', 'uid'],
  ['ldap_group_base_dn', 'groupBaseDn'],
  ['ldap_group_search_filter', 'groupFilter'],
  ['ldap_group_attribute_name', 'groupName'],
  ['ldap_group_admin_dn', 'groupAdminDn'],
  ['ldap_group_membership_attribute', 'membership'],
];

interface PingResult {
  success: boolean;
  message?: string;
}

/** The LDAP settings form and its "Test LDAP server" button (which tests what is on screen). */
export function LdapFields({ ctl }: { ctl: Ctl }) {
  const [ping, setPing] = useState<PingResult | null>(null);
  const [testing, setTesting] = useState(false);
  const text = (k: string, key: (typeof TEXT_ITEMS)[number][1]) => (
    <Field key={k} label={t(`ldap.${key}`)}>
      {(id) => <input id={id} name={k} disabled={!ctl.editable(k)} value={String(ctl.value(k) ?? '')} onInput={(e) => ctl.set(k, (e.target as HTMLInputElement).value)} />}
    </Field>
  );
  const scope = (k: string, label: string) => (
    <Field label={label}>
      {(id) => (
        <select id={id} name={k} disabled={!ctl.editable(k)} value={String(ctl.value(k) ?? 2)} onChange={(e) => ctl.set(k, Number((e.target as HTMLSelectElement).value))}>
          <option value="0">{t('ldap.scopeBase')}</option>
          <option value="1">{t('ldap.scopeOne')}</option>
          <option value="2">{t('ldap.scopeSubtree')}</option>
        </select>
      )}
    </Field>
  );
  const test = async () => {
    setTesting(true);
    setPing(null);
    try {
      const body: Record<string, unknown> = {
        ldap_url: ctl.value('ldap_url'),
        ldap_search_dn: ctl.value('ldap_search_dn'),
        ldap_base_dn: ctl.value('ldap_base_dn'),
        ldap_filter: ctl.value('ldap_filter'),
        ldap_uid: ctl.value('ldap_uid'),
        ldap_scope: ctl.value('ldap_scope'),
        ldap_connection_timeout: ctl.value('ldap_timeout'),
        ldap_verify_cert: ctl.value('ldap_verify_cert'),
      };
      const password = ctl.value('ldap_search_password');
      if (typeof password === 'string' && password !== '') body.ldap_search_password = password;
      setPing(await api.post<PingResult>('/ldap/ping', body));
    } catch (e) {
      setPing({ success: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setTesting(false);
    }
  };
  return (
    <fieldset class="ldap">
      <legend>{t('ldap.settings')}</legend>
      {TEXT_ITEMS.slice(0, 2).map(([k, key]) => text(k, key))}
      <Field label={t('ldap.searchPassword')} hint={t('ldap.searchPasswordHint')}>
        {(id) => (
          <input
            id={id}
            name="ldap_search_password"
            type="password"
            autoComplete="new-password"
            disabled={!ctl.editable('ldap_search_password') && !ctl.editable('ldap_url')}
            value={String(ctl.value('ldap_search_password') ?? '')}
            onInput={(e) => ctl.set('ldap_search_password', (e.target as HTMLInputElement).value)}
          />
        )}
      </Field>
      {TEXT_ITEMS.slice(2, 5).map(([k, key]) => text(k, key))}
      {scope('ldap_scope', t('ldap.scope'))}
      <Field label={t('ldap.timeout')}>
        {(id) => (
          <input id={id} name="ldap_timeout" type="number" min={1} max={300} step={1} disabled={!ctl.editable('ldap_timeout')} value={String(ctl.value('ldap_timeout') ?? '')} onInput={(e) => ctl.set('ldap_timeout', Number((e.target as HTMLInputElement).value))} />
        )}
      </Field>
      <label class="inline">
        <input type="checkbox" name="ldap_verify_cert" disabled={!ctl.editable('ldap_verify_cert')} checked={ctl.value('ldap_verify_cert') !== false} onChange={(e) => ctl.set('ldap_verify_cert', (e.target as HTMLInputElement).checked)} />
        {t('ldap.verifyCert')}
      </label>
      {TEXT_ITEMS.slice(5, 8).map(([k, key]) => text(k, key))}
      {scope('ldap_group_search_scope', t('ldap.groupScope'))}
      {TEXT_ITEMS.slice(8).map(([k, key]) => text(k, key))}
      <div class="actions">
        <button type="button" onClick={test} disabled={testing}>
          {t('ldap.test')}
        </button>
      </div>
      {ping && (
        <p role="status" class={ping.success ? 'ok' : 'field-error'}>
          {ping.success ? t('ldap.testOk') : t('ldap.testFailed', { message: ping.message ?? '' })}
        </p>
      )}
    </fieldset>
  );
}

interface LdapUser {
  username: string;
  realname?: string;
  email?: string;
}
interface LdapGroup {
  group_name: string;
  ldap_group_dn: string;
}

/** Administration → LDAP: find directory users and import them; find groups and register them. */
function LdapDirectoryView() {
  const [username, setUsername] = useState('');
  const [users, setUsers] = useState<LdapUser[] | null>(null);
  const [usersError, setUsersError] = useState<unknown>(null);
  const [groupName, setGroupName] = useState('');
  const [groups, setGroups] = useState<LdapGroup[] | null>(null);
  const [groupsError, setGroupsError] = useState<unknown>(null);

  const searchUsers = async (e: Event) => {
    e.preventDefault();
    setUsersError(null);
    try {
      setUsers(await api.get<LdapUser[]>('/ldap/users/search', { username: username.trim() }));
    } catch (err) {
      setUsers(null);
      setUsersError(err);
    }
  };
  const searchGroups = async (e: Event) => {
    e.preventDefault();
    setGroupsError(null);
    try {
      const name = groupName.trim();
      // A DN (it has an "=") is looked up as one; anything else is a group name.
      setGroups(await api.get<LdapGroup[]>('/ldap/groups/search', name.includes('=') ? { groupdn: name } : { groupname: name }));
    } catch (err) {
      setGroups(null);
      setGroupsError(err);
    }
  };
  const importUser = (u: LdapUser) => attempt(() => api.post('/ldap/users/import', { ldap_uid_list: [u.username] }), t('ldap.imported', { name: u.username }));
  const addGroup = (g: LdapGroup) =>
    attempt(() => api.post('/usergroups', { group_name: g.group_name, group_type: 1, ldap_group_dn: g.ldap_group_dn }), t('ldap.groupAdded', { name: g.group_name }));

  return (
    <section>
      <PageHeader title={t('ldap.title')} />
      <div class="panels">
        <form class="card" onSubmit={searchUsers} aria-label={t('ldap.users')}>
          <h2>{t('ldap.users')}</h2>
          <Field label={t('ldap.username')} hint={t('ldap.usernameHint')}>
            {(id) => <input id={id} name="username" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary">
              {t('ldap.searchUsers')}
            </button>
          </div>
          <ErrorBanner error={usersError} />
          {users && users.length === 0 && <p>{t('ldap.noUsers')}</p>}
          {users && users.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>{t('ldap.username')}</th>
                  <th>{t('ldap.realname')}</th>
                  <th>{t('ldap.email')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.username}>
                    <td>{u.username}</td>
                    <td>{u.realname}</td>
                    <td>{u.email}</td>
                    <td>
                      <button type="button" aria-label={t('ldap.importUser', { name: u.username })} onClick={() => importUser(u)}>
                        {t('ldap.import')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </form>
        <form class="card" onSubmit={searchGroups} aria-label={t('ldap.groups')}>
          <h2>{t('ldap.groups')}</h2>
          <Field label={t('ldap.groupSearch')} hint={t('ldap.groupSearchHint')}>
            {(id) => <input id={id} name="groupname" value={groupName} onInput={(e) => setGroupName((e.target as HTMLInputElement).value)} />}
          </Field>
          <div class="actions">
            <button type="submit" class="primary">
              {t('ldap.searchGroups')}
            </button>
          </div>
          <ErrorBanner error={groupsError} />
          {groups && (
            <table>
              <thead>
                <tr>
                  <th>{t('ldap.groupName')}</th>
                  <th>{t('ldap.groupDn')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.ldap_group_dn}>
                    <td>{g.group_name}</td>
                    <td>{g.ldap_group_dn}</td>
                    <td>
                      <button type="button" aria-label={t('ldap.addGroupNamed', { name: g.group_name })} onClick={() => addGroup(g)}>
                        {t('ldap.addGroup')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </form>
      </div>
    </section>
  );
}

registerRoute({ path: '/admin/ldap', view: LdapDirectoryView, title: 'ldap.title', admin: true, nav: { section: 'admin', order: 16 } });
