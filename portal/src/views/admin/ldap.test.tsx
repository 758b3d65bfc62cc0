import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { BASE_CONFIG, adminApi } from '../../test/fixtures';
import { button, byLabel, choose, click, error, mount, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';
import { fakeApi } from '../../test/harness';

const CONFIG = {
  ...BASE_CONFIG,
  ldap_url: { value: '', editable: true },
  ldap_search_dn: { value: '', editable: true },
  ldap_base_dn: { value: '', editable: true },
  ldap_filter: { value: '', editable: true },
  ldap_uid: { value: 'cn', editable: true },
  ldap_scope: { value: 2, editable: true },
  ldap_timeout: { value: 5, editable: true },
  ldap_verify_cert: { value: true, editable: true },
  ldap_group_base_dn: { value: '', editable: true },
  ldap_group_search_filter: { value: '', editable: true },
  ldap_group_attribute_name: { value: 'cn', editable: true },
  ldap_group_search_scope: { value: 2, editable: true },
  ldap_group_admin_dn: { value: '', editable: true },
  ldap_group_membership_attribute: { value: 'memberof', editable: true },
};

describe('LDAP authentication settings', () => {
  it('switches to LDAP, tests the connection with what is on screen, and saves only what changed', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/configurations': { body: CONFIG },
      'PUT /api/v2.0/configurations': { body: '' },
      'POST /api/v2.0/ldap/ping': { body: { success: true, message: '' } },
    });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel('Authentication mode').value).toBe('db_auth'));
    expect(document.querySelector('[name=ldap_url]')).toBeNull();
    await choose(byLabel<HTMLSelectElement>('Authentication mode'), 'ldap_auth');
    await type(byLabel('LDAP URL (ldap:// or ldaps://)'), 'ldaps://ldap.example.com');
    await type(byLabel('Search DN'), 'cn=reader,dc=example,dc=com');
    await type(byLabel('Search password'), 'Reader-Secret-1');
    await type(byLabel('Base DN'), 'ou=people,dc=example,dc=com');
    await type(byLabel('UID attribute'), 'uid');
    await type(byLabel('Administrators group DN'), 'cn=admins,dc=example,dc=com');
    expect(byLabel('Search password').type).toBe('password');

    await click(button('Test LDAP server'));
    await until(() => expect(text()).toContain('Connection to the LDAP server works.'));
    const ping = JSON.parse(fake.find('POST', '/api/v2.0/ldap/ping')[0].body);
    expect(ping).toMatchObject({
      ldap_url: 'ldaps://ldap.example.com',
      ldap_search_dn: 'cn=reader,dc=example,dc=com',
      ldap_search_password: 'Reader-Secret-1',
      ldap_base_dn: 'ou=people,dc=example,dc=com',
      ldap_uid: 'uid',
      ldap_scope: 2,
      ldap_verify_cert: true,
    });

    await submit(byLabel('Base DN'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({
      auth_mode: 'ldap_auth',
      ldap_url: 'ldaps://ldap.example.com',
      ldap_search_dn: 'cn=reader,dc=example,dc=com',
      ldap_search_password: 'Reader-Secret-1',
      ldap_base_dn: 'ou=people,dc=example,dc=com',
      ldap_uid: 'uid',
      ldap_group_admin_dn: 'cn=admins,dc=example,dc=com',
    });
  });

  it('shows why a connection test failed', async () => {
    signedInAs(ADMIN);
    adminApi({
      'GET /api/v2.0/configurations': { body: { ...CONFIG, auth_mode: { value: 'ldap_auth', editable: true }, ldap_url: { value: 'ldap://down:389', editable: true } } },
      'POST /api/v2.0/ldap/ping': { body: { success: false, message: 'error: cannot connect to the LDAP server down:389: connect error' } },
    });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel('LDAP URL (ldap:// or ldaps://)').value).toBe('ldap://down:389'));
    // Nothing typed in the write-only password: the ping carries none (the server uses the stored one).
    expect(byLabel('Search password').value).toBe('');
    await click(button('Test LDAP server'));
    await until(() => expect(text()).toContain('Connection to the LDAP server failed: error: cannot connect to the LDAP server down:389'));
  });
});

describe('LDAP directory page', () => {
  it('searches users and imports one; searches groups by name or DN and adds one as a user group', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/ldap/users/search': { body: [{ username: 'alice', realname: 'Alice Liddell', email: 'alice@example.com' }] },
      'POST /api/v2.0/ldap/users/import': { body: '' },
      'GET /api/v2.0/ldap/groups/search': { body: [{ group_name: 'developers', group_type: 1, ldap_group_dn: 'cn=developers,ou=groups,dc=example,dc=com' }] },
      'POST /api/v2.0/usergroups': { status: 201, headers: { Location: '/api/v2.0/usergroups/3' } },
    });
    await mount(<App />);
    navigate('/admin/ldap');
    await until(() => expect(text()).toContain('LDAP directory'));
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('LDAP directory');

    await type(byLabel('Username'), 'alice');
    await submit(button('Search users'));
    await until(() => expect(text()).toContain('Alice Liddell'));
    expect(fake.find('GET', '/api/v2.0/ldap/users/search')[0].query.get('username')).toBe('alice');
    await click(button('Import alice'));
    await until(() => expect(fake.find('POST', '/api/v2.0/ldap/users/import')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/ldap/users/import')[0].body)).toEqual({ ldap_uid_list: ['alice'] });
    await until(() => expect(text()).toContain('User alice imported.'));

    await type(byLabel('Group name or DN'), 'developers');
    await submit(button('Search groups'));
    await until(() => expect(text()).toContain('cn=developers,ou=groups,dc=example,dc=com'));
    expect(fake.find('GET', '/api/v2.0/ldap/groups/search')[0].query.get('groupname')).toBe('developers');
    await click(button('Add developers as user group'));
    await until(() => expect(fake.find('POST', '/api/v2.0/usergroups')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/usergroups')[0].body)).toEqual({
      group_name: 'developers',
      group_type: 1,
      ldap_group_dn: 'cn=developers,ou=groups,dc=example,dc=com',
    });

    await type(byLabel('Group name or DN'), 'cn=developers,ou=groups,dc=example,dc=com');
    await submit(button('Search groups'));
    await until(() => expect(fake.find('GET', '/api/v2.0/ldap/groups/search')).toHaveLength(2));
    expect(fake.find('GET', '/api/v2.0/ldap/groups/search')[1].query.get('groupdn')).toBe('cn=developers,ou=groups,dc=example,dc=com');
  });

  it('shows the server’s refusal, e.g. a directory that is down', async () => {
    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/ldap/users/search': error(503, 'the LDAP server failed while searching: server down') });
    await mount(<App />);
    navigate('/admin/ldap');
    await until(() => expect(text()).toContain('LDAP directory'));
    await submit(button('Search users'));
    await until(() => expect(text()).toContain('the LDAP server failed while searching: server down'));
  });
});

describe('a directory administrator', () => {
  it('gets the administration pages through admin_role_in_auth, without their own flag', async () => {
    const CAROL = { ...ALICE, user_id: 9, username: 'carol', admin_role_in_auth: true };
    signedInAs(CAROL);
    fakeApi({ 'GET /api/v2.0/users/current': { body: CAROL }, 'GET /api/v2.0/systeminfo': { body: {} }, 'GET /api/v2.0/ldap/users/search': { body: [] } });
    await mount(<App />);
    navigate('/admin/ldap');
    await until(() => expect(text()).toContain('Search users'));
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('LDAP directory');

    signedInAs(ALICE);
    fakeApi({ 'GET /api/v2.0/users/current': { body: ALICE }, 'GET /api/v2.0/systeminfo': { body: {} } });
    await mount(<App />);
    navigate('/admin/ldap');
    await until(() => expect(text()).toContain('This page is for system administrators.'));
  });
});
