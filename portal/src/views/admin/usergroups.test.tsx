import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi, ALL, projectApi } from '../../test/fixtures';
import { button, byLabel, dialogButton, choose, click, error, fakeApi, list, mount, queryButton, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';

const DEVS = { id: 4, group_name: 'devs', group_type: 2, ldap_group_dn: '' };
const OPS = { id: 5, group_name: 'ops', group_type: 1, ldap_group_dn: 'cn=ops,dc=example,dc=com' };



describe('user groups', () => {
  it('lists groups paged by the server and searches by group_name', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/usergroups': (c: { query: URLSearchParams }) => (c.query.get('group_name') === 'op' ? list([OPS]) : list([DEVS, OPS], 40)) });
    await mount(<App />);
    navigate('/admin/groups');
    await until(() => expect(text()).toContain('devs'));
    expect(text()).toContain('HTTP auth proxy');
    expect(text()).toContain('cn=ops,dc=example,dc=com');
    expect(text()).toContain('Page 1 of 3');
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('User groups');
    await type(byLabel('Filter groups by name'), 'op');
    await until(() => expect(text()).not.toContain('devs'));
    const last = fake.find('GET', '/api/v2.0/usergroups').at(-1)!.query;
    expect(last.get('group_name')).toBe('op');
    expect(last.get('q')).toBeNull();
  });

  it('creates an HTTP group and an LDAP group with its DN', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/usergroups': list([]),
      'POST /api/v2.0/usergroups': { status: 201, headers: { Location: '/api/v2.0/usergroups/6' } },
    });
    await mount(<App />);
    navigate('/admin/groups');
    await until(() => expect(text()).toContain('No user groups.'));
    await click(button('New group'));
    await type(byLabel('Group name'), 'devs');
    expect(document.querySelector('[name=ldap_group_dn]')).toBeNull();
    await submit(button('Create'));
    await until(() => expect(fake.find('POST', '/api/v2.0/usergroups')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/usergroups')[0].body)).toEqual({ group_name: 'devs', group_type: 2 });
    await until(() => expect(text()).toContain('Group devs created.'));

    await click(button('New group'));
    await type(byLabel('Group name'), 'ops');
    await choose(byLabel<HTMLSelectElement>('Group type'), '1');
    await type(byLabel('LDAP group DN'), 'cn=ops,dc=example,dc=com');
    await submit(button('Create'));
    await until(() => expect(fake.find('POST', '/api/v2.0/usergroups')).toHaveLength(2));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/usergroups')[1].body)).toEqual({ group_name: 'ops', group_type: 1, ldap_group_dn: 'cn=ops,dc=example,dc=com' });
  });

  it("shows the API's refusal in the dialog", async () => {
    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/usergroups': list([DEVS]), 'POST /api/v2.0/usergroups': error(409, 'a group named devs of this type already exists') });
    await mount(<App />);
    navigate('/admin/groups');
    await until(() => expect(text()).toContain('devs'));
    await click(button('New group'));
    await type(byLabel('Group name'), 'devs');
    await submit(button('Create'));
    await until(() => expect(document.querySelector('[role=dialog] [role=alert]')?.textContent).toBe('a group named devs of this type already exists'));
  });

  it('renames a group and deletes one only after confirmation', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/usergroups': list([DEVS]),
      'PUT /api/v2.0/usergroups/4': { body: '' },
      'DELETE /api/v2.0/usergroups/4': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/groups');
    await until(() => expect(text()).toContain('devs'));
    await click(button('Rename group devs'));
    expect(byLabel('Group name').value).toBe('devs');
    expect(document.querySelector('[role=dialog] [name=group_type]')).toBeNull();
    await type(byLabel('Group name'), 'developers');
    await submit(button('Save'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/usergroups/4')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/usergroups/4')[0].body)).toEqual({ group_name: 'developers' });

    await click(button('Delete group devs'));
    expect(text()).toContain('Delete group devs? It is also removed from every project it is a member of.');
    await click(dialogButton('Cancel'));
    expect(fake.find('DELETE', '/api/v2.0/usergroups/4')).toHaveLength(0);
    await click(button('Delete group devs'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', '/api/v2.0/usergroups/4')).toHaveLength(1));
  });

  it('is for system administrators only', async () => {
    signedInAs(ALICE);
    const fake = fakeApi({ 'GET /api/v2.0/users/current': { body: ALICE }, 'GET /api/v2.0/systeminfo': { body: {} } });
    await mount(<App />);
    navigate('/admin/groups');
    await until(() => expect(text()).toContain('This page is for system administrators.'));
    expect(text()).not.toContain('User groups');
    expect(fake.find('GET', '/api/v2.0/usergroups')).toHaveLength(0);
  });
});

describe('group members', () => {
  it('adds a group as a project member, with its type when given', async () => {
    signedInAs(ADMIN);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/usergroups/search': list([{ id: DEVS.id, group_name: DEVS.group_name, group_type: DEVS.group_type }]),
      'POST /api/v2.0/projects/3/members': { status: 201, headers: { Location: '/api/v2.0/projects/3/members/10' } },
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await click(button('Add member'));
    await choose(byLabel<HTMLSelectElement>('Member type'), 'g');
    await type(byLabel('Group name'), 'dev');
    await until(() => expect(document.querySelector('datalist option')?.getAttribute('value')).toBe('devs'));
    expect(fake.find('GET', '/api/v2.0/usergroups/search').at(-1)!.query.get('groupname')).toBe('dev');
    await type(byLabel('Group name'), 'devs');
    await choose(byLabel<HTMLSelectElement>('Group type'), '2');
    await choose(byLabel<HTMLSelectElement>('Role'), '3');
    await submit(byLabel('Role'));
    await until(() => expect(fake.find('POST', '/api/v2.0/projects/3/members')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects/3/members')[0].body)).toEqual({ role_id: 3, member_group: { group_name: 'devs', group_type: 2 } });
  });

  it("suggests groups to a project admin who is no system administrator, and names a group that does not exist", async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/usergroups/search': list([{ id: OPS.id, group_name: OPS.group_name, group_type: OPS.group_type }]),
      'POST /api/v2.0/projects/3/members': error(404, 'user group not found'),
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await click(button('Add member'));
    await choose(byLabel<HTMLSelectElement>('Member type'), 'g');
    await type(byLabel('Group name'), 'o');
    await until(() => expect(document.querySelector('datalist option')?.getAttribute('value')).toBe('ops'));
    expect(fake.find('GET', '/api/v2.0/usergroups')).toHaveLength(0);
    await type(byLabel('Group name'), 'nobody');
    await submit(byLabel('Role'));
    await until(() => expect(text()).toContain('There is no user group named nobody.'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects/3/members')[0].body)).toEqual({ role_id: 2, member_group: { group_name: 'nobody' } });
    expect(queryButton('Add member')).toBeDefined();
  });
});
