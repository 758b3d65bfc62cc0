import { describe, expect, it } from 'vitest';
import '../views';
import { App } from '../App';
import { navigate } from '../router';
import { session } from '../session';
import { button, byLabel, dialogButton, choose, click, error, fakeApi, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { adminApi, ALL, ARTIFACT, DIGEST, GUEST, PROJECT, projectApi } from '../test/fixtures';
import { ADMIN, ALICE, signedInAs } from '../test/users';
import { ConfirmHost } from '../ui/components';
import { ProjectsView } from './projects';
import { RobotList } from './robots';
import { LoginView } from './login';

describe('login', () => {
  it('posts the form fields Harbor expects and shows a refusal', async () => {
    const fake = fakeApi({ 'POST /c/login': error(401, 'unauthorized') });
    session.set({ user: null, expired: true, info: {} });
    await mount(<LoginView expired />);
    expect(text()).toContain('Your session has expired');
    await type(byLabel('Username'), 'alice');
    await type(byLabel('Password'), 'Wrong-1');
    await submit(button('Sign in'));
    await until(() => expect(text()).toContain('Invalid username or password.'));
    const body = new URLSearchParams(fake.find('POST', '/c/login')[0].body);
    expect(body.get('principal')).toBe('alice');
    expect(body.get('password')).toBe('Wrong-1');
    expect(byLabel('Password').value).toBe('');
  });
});

describe('projects list', () => {
  it('lists the server page, searches on the server and shows quota usage', async () => {
    signedInAs(ALICE);
    const fake = fakeApi({
      'GET /api/v2.0/projects': (c) => (c.query.get('q') === 'name=~tea' ? list([PROJECT]) : list([PROJECT, { ...PROJECT, project_id: 4, name: 'other', metadata: { public: 'true' } }], 31)),
      'GET /api/v2.0/projects/3/summary': { body: { quota: { hard: { storage: 1073741824 }, used: { storage: 536870912 } } } },
      'GET /api/v2.0/projects/4/summary': { body: {} },
    });
    await mount(<ProjectsView />);
    await until(() => expect(text()).toContain('other'));
    expect(text()).toContain('Public');
    expect(text()).toContain('Private');
    expect(text()).toContain('512.0 MiB of 1.00 GiB');
    expect(text()).toContain('Page 1 of 3');
    expect(fake.find('GET', '/api/v2.0/projects')[0].query.get('page_size')).toBe('15');
    await click(button('Next page'));
    await until(() => expect(text()).toContain('Page 2 of 3'));
    expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('page')).toBe('2');
    await type(byLabel('Filter projects by name'), 'tea');
    await until(() => expect(text()).not.toContain('other'));
    expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('page')).toBe('1');
    await choose(byLabel<HTMLSelectElement>('Access'), 'false');
    await until(() => expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('q')).toBe('public=false,name=~tea'));
  });

  it('sorts by repository count and by storage used on the server', async () => {
    signedInAs(ALICE);
    const fake = fakeApi({ 'GET /api/v2.0/projects': list([PROJECT]), 'GET /api/v2.0/projects/3/summary': { body: {} } });
    await mount(<ProjectsView />);
    await until(() => expect(text()).toContain('team'));
    const sortBy = (label: string) => [...document.querySelectorAll<HTMLButtonElement>('th button.sort')].find((b) => b.textContent!.startsWith(label))!;
    await click(sortBy('Repositories'));
    await until(() => expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('sort')).toBe('repo_count'));
    await click(sortBy('Repositories'));
    await until(() => expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('sort')).toBe('-repo_count'));
    expect(sortBy('Repositories').closest('th')!.getAttribute('aria-sort')).toBe('descending');
    await click(sortBy('Storage'));
    await until(() => expect(fake.find('GET', '/api/v2.0/projects').at(-1)!.query.get('sort')).toBe('storage_used'));
  });

  it('creates a project and shows the API message when refused', async () => {
    signedInAs(ALICE);
    const fake = fakeApi({
      'GET /api/v2.0/projects': list([]),
      'POST /api/v2.0/projects': error(409, 'project team already exists'),
    });
    await mount(<ProjectsView />);
    expect(text()).toContain('No projects yet');
    await click(button('New project'));
    await type(byLabel('Project name'), 'team');
    await click(byLabel<HTMLInputElement>('Public: anyone may pull its images without signing in'));
    await submit(button('Create'));
    await until(() => expect(text()).toContain('project team already exists'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects')[0].body)).toEqual({ project_name: 'team', metadata: { public: 'true' } });
  });

  it('creates a proxy cache project from an endpoint that can back one', async () => {
    signedInAs(ADMIN);
    const fake = fakeApi({
      'GET /api/v2.0/projects': list([]),
      'GET /api/v2.0/registries': list([
        { id: 7, name: 'hub', type: 'docker-hub', url: 'https://hub.docker.com' },
        { id: 8, name: 'swr', type: 'huawei-SWR', url: 'https://swr.example.com' },
      ]),
      'POST /api/v2.0/projects': { status: 201, headers: { Location: '/api/v2.0/projects/9' } },
    });
    await mount(<ProjectsView />);
    await click(button('New project'));
    await type(byLabel('Project name'), 'dockerhub');
    await click(byLabel<HTMLInputElement>('Proxy cache: pull images through from a registry endpoint (pushes are refused)'));
    await until(() => expect(byLabel<HTMLSelectElement>('Registry endpoint').options.length).toBe(2));
    expect(text()).not.toContain('swr');
    await choose(byLabel<HTMLSelectElement>('Registry endpoint'), '7');
    await submit(button('Create'));
    await until(() => expect(fake.find('POST', '/api/v2.0/projects')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects')[0].body)).toMatchObject({ project_name: 'dockerhub', registry_id: 7 });
  });

  it('hides project creation when only administrators may create', async () => {
    signedInAs(ALICE, { project_creation_restriction: 'adminonly' });
    fakeApi({ 'GET /api/v2.0/projects': list([]) });
    await mount(<ProjectsView />);
    expect(queryButton('New project')).toBeUndefined();
  });
});

describe('robot accounts', () => {
  it('shows a new robot’s secret once, then never again', async () => {
    signedInAs(ADMIN);
    let robots: unknown[] = [];
    const fake = fakeApi({
      'GET /api/v2.0/robots': () => list(robots),
      'GET /api/v2.0/permissions': { body: { project: [{ resource: 'repository', action: 'pull' }, { resource: 'repository', action: 'push' }, { resource: 'artifact', action: 'delete' }] } },
      'POST /api/v2.0/robots': () => {
        robots = [{ id: 1, name: 'robot$team+ci', level: 'project', duration: 30, expires_at: -1, disable: false, permissions: [] }];
        return { status: 201, body: { id: 1, name: 'robot$team+ci', secret: 'S3cret-Value-xyz' } };
      },
    });
    await mount(
      <>
        <RobotList level="project" projectId={3} projectName="team" canCreate canChange />
        <ConfirmHost />
      </>,
    );
    expect(fake.find('GET', '/api/v2.0/robots')[0].query.get('q')).toBe('Level=project,ProjectID=3');
    await click(button('New robot account'));
    await type(byLabel('Name'), 'ci');
    await click(byLabel<HTMLInputElement>('Repository: Push'));
    await submit(button('Create'));
    await until(() => expect(text()).toContain('shown only this once'));
    expect(byLabel('Secret').value).toBe('S3cret-Value-xyz');
    const sent = JSON.parse(fake.find('POST', '/api/v2.0/robots')[0].body);
    expect(sent.permissions).toEqual([
      { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull', effect: 'allow' }, { resource: 'repository', action: 'push', effect: 'allow' }] },
    ]);
    await click(button('Done'));
    // nothing copied or downloaded yet: closing asks first
    expect(text()).toContain('Close without saving the secret?');
    await click(button('Close anyway'));
    await until(() => expect(text()).toContain('robot$team+ci'));
    expect(document.body.innerHTML).not.toContain('S3cret-Value-xyz');
    expect(JSON.stringify({ ...localStorage })).not.toContain('S3cret');
  });
});

describe('project page', () => {
  it('shows every tab and change action to a project admin', async () => {
    signedInAs(ALICE);
    projectApi(ALL);
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    for (const tab of ['Repositories', 'Members', 'Robot accounts', 'Labels', 'Logs', 'Configuration', 'Quota']) {
      expect([...document.querySelectorAll('.tabs a')].map((a) => a.textContent)).toContain(tab);
    }
    expect(queryButton('Add member')).toBeDefined();
    expect(queryButton('Remove member bob')).toBeDefined();
  });

  it('shows a guest neither changing actions nor administration', async () => {
    signedInAs(ALICE);
    projectApi(GUEST);
    await mount(<App />);
    navigate('/projects/3/repositories');
    await until(() => expect(text()).toContain('team/app'));
    const tabs = [...document.querySelectorAll('.tabs a')].map((a) => a.textContent);
    expect(tabs).toEqual(['Summary', 'Repositories', 'Members', 'Robot accounts', 'Labels', 'Quota']);
    expect(queryButton('Delete repository team/app')).toBeUndefined();
    expect(text()).not.toContain('Administration');
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    expect(queryButton('Add member')).toBeUndefined();
    navigate('/admin/users');
    await until(() => expect(text()).toContain('This page is for system administrators.'));
  });

  it('adds a member with the chosen role', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/users/search': { body: [{ user_id: 9, username: 'carol' }] },
      'POST /api/v2.0/projects/3/members': { status: 201, headers: { Location: '/api/v2.0/projects/3/members/10' } },
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await click(button('Add member'));
    await type(byLabel('Username'), 'carol');
    await choose(byLabel<HTMLSelectElement>('Role'), '4');
    await submit(button('Cancel'));
    await until(() => expect(fake.find('POST', '/api/v2.0/projects/3/members')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects/3/members')[0].body)).toEqual({ role_id: 4, member_user: { username: 'carol' } });
  });
});

describe('artifacts', () => {
  it('lists digest, tags, size, platforms, labels and accessories', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, { 'GET /api/v2.0/projects/team/repositories/app/artifacts': list([ARTIFACT]) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:abababababab'));
    for (const s of ['v1', 'v2', '65.0 KiB', 'linux/amd64', 'linux/arm64/v8', 'prod', 'Cosign signature', 'Image']) {
      expect(text()).toContain(s);
    }
    await until(() => expect(byLabel('Pull command (newest tag: v1)').value).toBe('podman pull reg.example:5000/team/app:v1'));
    // the list's page (the pull command asks for the newest tagged artifact on its own)
    const q = fake.find('GET', '/api/v2.0/projects/team/repositories/app/artifacts').find((c) => c.query.get('page_size') === '15')!.query;
    expect(q.get('with_tag')).toBe('true');
    expect(q.get('with_accessory')).toBe('true');
    expect(q.get('sort')).toBe('-push_time');
  });

  it('asks before deleting a tag, and deletes only after confirmation', async () => {
    signedInAs(ALICE);
    const base = `/api/v2.0/projects/team/repositories/app/artifacts/${DIGEST}`;
    const fake = projectApi(ALL, {
      [`GET ${base}`]: { body: ARTIFACT },
      [`GET ${base}/additions/build_history`]: { body: [{ created: '2026-01-01', created_by: 'RUN make' }] },
      'GET /api/v2.0/labels': list([]),
      [`DELETE ${base}/tags/v2`]: { body: '' },
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('RUN make'));
    expect((byLabel('docker pull') as HTMLInputElement).value).toBe('docker pull reg.example:5000/team/app:v1');
    await click(button('Delete tag v2'));
    expect(text()).toContain('Delete tag v2? The artifact stays.');
    await click(button('Cancel'));
    expect(fake.find('DELETE', `${base}/tags/v2`)).toHaveLength(0);
    await click(button('Delete tag v2'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${base}/tags/v2`)).toHaveLength(1));
  });
});

describe('helm charts', () => {
  it("shows a chart's values and readme from the additions", async () => {
    signedInAs(ALICE);
    const chart = { ...ARTIFACT, type: 'CHART', references: [], accessories: [], addition_links: { 'values.yaml': { href: '/v', absolute: false }, 'readme.md': { href: '/r', absolute: false } } };
    // the repository name is double-encoded in the path, as Harbor wants it (decoded once here)
    const base = `/api/v2.0/projects/team/repositories/charts%2Fweb/artifacts/${DIGEST}`;
    const fake = projectApi(ALL, {
      [`GET ${base}`]: { body: chart },
      [`GET ${base}/additions/values.yaml`]: { body: 'replicaCount: 3\n' },
      [`GET ${base}/additions/readme.md`]: { body: '# Web chart\nDeploys the web tier.' },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/charts/web/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('replicaCount: 3'));
    expect([...document.querySelectorAll('[role=tab]')].map((b) => b.textContent)).toEqual(['Values', 'Readme']);
    await click(button('Readme'));
    await until(() => expect(text()).toContain('Deploys the web tier.'));
    expect(document.querySelector('[role=tab][aria-selected=true]')?.textContent).toBe('Readme');
    expect(fake.find('GET', `${base}/additions/readme.md`)).toHaveLength(1);
  });
});

describe('garbage collection', () => {
  it('starts a dry run and follows it to the end', async () => {
    signedInAs(ADMIN);
    let polls = 0;
    const fake = fakeApi({
      'GET /api/v2.0/users/current': { body: ADMIN },
      'GET /api/v2.0/systeminfo': { body: {} },
      'GET /api/v2.0/system/gc': list([]),
      'GET /api/v2.0/system/gc/schedule': { body: {} },
      'POST /api/v2.0/system/gc/schedule': { status: 201, headers: { Location: '/api/v2.0/system/gc/5' } },
      'GET /api/v2.0/system/gc/5': () => ({ body: { id: 5, job_status: ++polls < 2 ? 'Running' : 'Success' } }),
    });
    await mount(<App />);
    navigate('/admin/gc');
    await until(() => expect(text()).toContain('Garbage collection has not run yet.'));
    await click(button('Dry run'));
    await until(() => expect(text()).toContain('Run 5: Running'));
    expect(document.querySelector('[data-testid=gc-progress] progress')).not.toBeNull();
    await until(() => expect(text()).toContain('Run 5: Success'), 10000);
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/gc/schedule')[0].body)).toEqual({
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: false, dry_run: true, workers: 1 },
    });
  });
});

describe('garbage collection schedule and history', () => {
  it('creates the schedule with the parameters of a scheduled collection and shows freed space in its unit', async () => {
    signedInAs(ADMIN);
    const fake = fakeApi({
      'GET /api/v2.0/users/current': { body: ADMIN },
      'GET /api/v2.0/systeminfo': { body: {} },
      'GET /api/v2.0/system/gc': list([{ id: 4, job_kind: 'SCHEDULE', job_status: 'Success', job_parameters: '{"dry_run":false,"freed_space":3145728}' }]),
      'GET /api/v2.0/system/gc/schedule': { body: {} },
      'POST /api/v2.0/system/gc/schedule': { status: 201 },
    });
    await mount(<App />);
    navigate('/admin/gc');
    await until(() => expect(text()).toContain('freed: 3.00 MiB'));
    expect(text()).toContain('dry run: No');
    expect(text()).toContain('Scheduled');
    expect(queryButton('Stop')).toBeUndefined();
    await choose(byLabel<HTMLSelectElement>('Run automatically'), 'Weekly');
    await submit(byLabel('Run automatically'));
    await until(() => expect(fake.find('POST', '/api/v2.0/system/gc/schedule')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/gc/schedule')[0].body)).toEqual({
      schedule: { type: 'Weekly' },
      parameters: { delete_untagged: false, dry_run: false, workers: 1 },
    });
  });
});

describe('administration', () => {
  const CONFIG = {
    auth_mode: { value: 'db_auth', editable: false },
    self_registration: { value: false, editable: true },
    project_creation_restriction: { value: 'everyone', editable: true },
    session_timeout: { value: 60, editable: true },
    token_expiration: { value: 30, editable: true },
    robot_token_duration: { value: 30, editable: true },
    robot_name_prefix: { value: 'robot$', editable: false },
    read_only: { value: false, editable: true },
  };

  it('saves each section of the configuration on its own, only what changed', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/configurations': { body: CONFIG }, 'PUT /api/v2.0/configurations': { body: '' } });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel<HTMLSelectElement>('Authentication mode').selectedOptions[0]?.textContent).toBe('Database'));
    await click(byLabel<HTMLInputElement>('Allow self-registration'));
    await submit(byLabel('Allow self-registration'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({ self_registration: true });
    await choose(byLabel<HTMLSelectElement>('Who may create projects'), 'adminonly');
    await submit(byLabel('Who may create projects'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(2));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[1].body)).toEqual({ project_creation_restriction: 'adminonly' });
  });

  it('refuses a lifetime out of range before asking the server, and says the range', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/configurations': { body: CONFIG }, 'PUT /api/v2.0/configurations': { body: '' } });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel('Portal session idle timeout').value).toBe('60'));
    await type(byLabel('Portal session idle timeout'), '0');
    expect(text()).toContain('A whole number of minutes from 1 to 525600.');
    expect(byLabel('Portal session idle timeout').getAttribute('aria-invalid')).toBe('true');
    await submit(byLabel('Portal session idle timeout'));
    expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(0);
    await type(byLabel('Portal session idle timeout'), '120');
    await submit(byLabel('Portal session idle timeout'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({ session_timeout: 120 });
  });

  it('asks before turning on read-only mode', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/configurations': { body: CONFIG }, 'PUT /api/v2.0/configurations': { body: '' } });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel<HTMLInputElement>('Read-only mode').checked).toBe(false));
    await click(byLabel<HTMLInputElement>('Read-only mode'));
    await submit(byLabel('Read-only mode'));
    expect(text()).toContain('Turn on read-only mode?');
    await click(dialogButton('Cancel'));
    expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(0);
    await submit(byLabel('Read-only mode'));
    await click(dialogButton('Turn on read-only mode'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({ read_only: true });
  });
});

describe('self-registration', () => {
  it('offers sign-up only when the system allows it, and creates the account anonymously', async () => {
    session.set({ user: null, expired: false, info: { self_registration: false } });
    fakeApi({});
    await mount(<LoginView />);
    expect(queryButton('Sign up')).toBeUndefined();

    session.set({ user: null, expired: false, info: { self_registration: true } });
    const fake = fakeApi({ 'POST /api/v2.0/users': { status: 201, headers: { Location: '/api/v2.0/users/12' } } });
    await mount(<LoginView />);
    await click(button('Sign up'));
    await type(byLabel('Username'), 'zoe');
    await type(byLabel('Email'), 'zoe@example.com');
    await type(byLabel('Full name'), 'Zoe');
    await type(byLabel('Password'), 'Zoe-Pass-2026');
    await submit(byLabel('Password'));
    await until(() => expect(fake.find('POST', '/api/v2.0/users')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/users')[0].body)).toEqual({ username: 'zoe', email: 'zoe@example.com', realname: 'Zoe', password: 'Zoe-Pass-2026' });
    await until(() => expect(byLabel('Username').value).toBe('zoe'));
  });
});

describe('tag immutability', () => {
  it('lists rules, creates one with Harbor’s selectors and disables it', async () => {
    signedInAs(ALICE);
    const rule = {
      id: 7,
      disabled: false,
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'team/**' }] },
    };
    const perms = [...ALL, ...['list', 'create', 'update', 'delete'].map((action) => ({ resource: 'immutable-tag', action }))];
    const fake = projectApi(perms, {
      'GET /api/v2.0/projects/3/immutabletagrules': list([rule]),
      'POST /api/v2.0/projects/3/immutabletagrules': { status: 201, headers: { Location: '/api/v2.0/projects/3/immutabletagrules/8' } },
      'PUT /api/v2.0/projects/3/immutabletagrules/7': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/immutability');
    await until(() => expect(text()).toContain('matching team/**'));
    expect(text()).toContain('matching v*');
    await click(button('New rule'));
    await choose(byLabel<HTMLSelectElement>('Tags'), 'excludes');
    await type(byLabel('Tag pattern'), 'latest');
    await submit(button('Create'));
    await until(() => expect(fake.find('POST', '/api/v2.0/projects/3/immutabletagrules')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/projects/3/immutabletagrules')[0].body)).toMatchObject({
      disabled: false,
      tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'latest' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
    await click(button('Disable'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/3/immutabletagrules/7')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/projects/3/immutabletagrules/7')[0].body).disabled).toBe(true);
  });

  it('is not a tab for those who may not list the rules', async () => {
    signedInAs(ALICE);
    projectApi(GUEST);
    await mount(<App />);
    navigate('/projects/3/repositories');
    await until(() => expect(text()).toContain('team/app'));
    expect([...document.querySelectorAll('.tabs a')].map((a) => a.textContent)).not.toContain('Tag immutability');
  });
});
