/// <reference types="node" />
// The bugs a first visit as a new administrator hit (issue 24), one test each.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import '../views';
import { App } from '../App';
import { setLocale } from '../i18n';
import { navigate } from '../router';
import { browser, session } from '../session';
import { ALL, ARTIFACT, DIGEST, PROJECT, adminApi, projectApi } from '../test/fixtures';
import { button, byLabel, captureDownloads, choose, click, dialogButton, error, fakeApi, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { ADMIN, ALICE, signedInAs } from '../test/users';
import { LabelChip, notify } from '../ui/components';
import { contrast } from '../ui/color';

const ARTIFACTS = '/api/v2.0/projects/team/repositories/app/artifacts';

function pullCommand(): string {
  return document.querySelector<HTMLInputElement>('[data-testid=pull-command] input')!.value;
}

describe('the repository page’s pull command', () => {
  it('names the newest tag that exists, not :latest', async () => {
    signedInAs(ALICE);
    const index = { ...ARTIFACT, tags: [{ id: 3, name: '1.0', push_time: '2026-01-03T00:00:00Z' }] };
    projectApi(ALL, { [`GET ${ARTIFACTS}`]: list([index]) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(pullCommand()).toBe('podman pull reg.example:5000/team/app:1.0'));
    expect(text()).toContain('newest tag');
    expect(text()).not.toContain(':latest');
  });

  it('pulls by digest when no artifact has a tag, and says so', async () => {
    signedInAs(ALICE);
    projectApi(ALL, { [`GET ${ARTIFACTS}`]: (c: { query: URLSearchParams }) => list(c.query.get('q') === 'tags=*' ? [] : [{ ...ARTIFACT, tags: [] }]) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(pullCommand()).toBe(`podman pull reg.example:5000/team/app@${DIGEST}`));
    expect(text()).toContain('by digest');
  });
});

describe('changing a member’s role', () => {
  const members = (role: number) => list([{ id: 8, project_id: 3, entity_name: 'bob', entity_type: 'u', entity_id: 9, role_id: role }]);

  it('waits for an explicit save: choosing in the drop-down changes nothing', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects/3/members': members(2),
      'GET /api/v2.0/projects/3/summary': { body: { project_admin_count: 2 } },
      'PUT /api/v2.0/projects/3/members/8': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await choose(byLabel<HTMLSelectElement>('Role of bob'), '3');
    expect(fake.find('PUT', '/api/v2.0/projects/3/members/8')).toHaveLength(0);
    await click(button('Save role of bob'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/3/members/8')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/projects/3/members/8')[0].body)).toEqual({ role_id: 3 });
  });

  it('asks before demoting the last project admin, and keeps the role when not confirmed', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects/3/members': members(1),
      'GET /api/v2.0/projects/3/summary': { body: { project_admin_count: 1 } },
      'PUT /api/v2.0/projects/3/members/8': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await choose(byLabel<HTMLSelectElement>('Role of bob'), '2');
    await click(button('Save role of bob'));
    expect(text()).toContain('last project admin');
    await click(dialogButton('Cancel'));
    expect(fake.find('PUT', '/api/v2.0/projects/3/members/8')).toHaveLength(0);
  });
});

describe('the project header', () => {
  it('shows the caller’s role as it is after they changed it', async () => {
    signedInAs(ALICE);
    let role = 1;
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects/3': () => ({ body: { ...PROJECT, current_user_role_id: role } }),
      'GET /api/v2.0/projects/3/members': () =>
        list([
          { id: 8, project_id: 3, entity_name: 'alice', entity_type: 'u', entity_id: 7, role_id: role },
          { id: 9, project_id: 3, entity_name: 'bob', entity_type: 'u', entity_id: 9, role_id: 1 },
        ]),
      'GET /api/v2.0/projects/3/summary': { body: { project_admin_count: 2 } },
      'PUT /api/v2.0/projects/3/members/8': (c: { body: string }) => {
        role = JSON.parse(c.body).role_id;
        return { body: '' };
      },
    });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    expect(document.querySelector('.page-header')!.textContent).toContain('My role: Project admin');
    await choose(byLabel<HTMLSelectElement>('Role of alice'), '2');
    await click(button('Save role of alice'));
    // one's own demotion is confirmed first
    await click(dialogButton('Change role'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/3/members/8')).toHaveLength(1));
    await until(() => expect(document.querySelector('.page-header')!.textContent).toContain('My role: Developer'));
  });
});

describe('signing out', () => {
  it('clears earlier notifications and says the user signed out', async () => {
    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/projects': list([]) });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    await act(async () => notify('Saved.'));
    expect(text()).toContain('Saved.');
    await click(button('Sign out'));
    await until(() => expect(text()).toContain('Sign in to Berth'));
    expect(text()).toContain('You have signed out.');
    expect(text()).not.toContain('Saved.');
  });
});

describe('signing out an OIDC user', () => {
  it('goes to the /c/oidc/logout that Harbor\'s 403 answer names, and nowhere else', async () => {
    signedInAs(ADMIN);
    const assign = vi.spyOn(browser, 'assign').mockImplementation(() => {});
    adminApi({
      'GET /api/v2.0/projects': list([]),
      'GET /c/log_out': { status: 403, body: { redirect_location: 'http://berth.test/c/oidc/logout' } },
    });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    await click(button('Sign out'));
    await until(() => expect(assign).toHaveBeenCalledWith('http://berth.test/c/oidc/logout'));

    assign.mockClear();
    signedInAs(ADMIN);
    adminApi({
      'GET /api/v2.0/projects': list([]),
      'GET /c/log_out': { status: 403, body: { redirect_location: 'https://evil.example/steal' } },
    });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    await click(button('Sign out'));
    await until(() => expect(text()).toContain('Sign in to Berth'));
    expect(assign).not.toHaveBeenCalled();
    assign.mockRestore();
  });

  it('answers Harbor\'s /account/sign-in, where the provider sends the browser back: the form, or the projects', async () => {
    session.set({ user: null, expired: false, info: {} });
    fakeApi({
      'GET /api/v2.0/users/current': error(401, 'unauthorized'),
      'GET /api/v2.0/systeminfo': { body: {} },
    });
    await mount(<App />);
    navigate('/account/sign-in');
    await until(() => expect(text()).toContain('Sign in to Berth'));

    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/projects': list([]) });
    await mount(<App />);
    navigate('/account/sign-in');
    await until(() => expect(window.location.pathname).toBe('/projects'));
  });
});

describe('silent and untranslated outcomes', () => {
  it('says to choose a label when “Add label” is pressed with none chosen', async () => {
    signedInAs(ALICE);
    const base = `${ARTIFACTS}/${DIGEST}`;
    const fake = projectApi([...ALL, { resource: 'artifact-label', action: 'create' }], {
      [`GET ${base}`]: { body: { ...ARTIFACT, labels: [] } },
      [`GET ${base}/additions/build_history`]: { body: [] },
      'GET /api/v2.0/labels': list([{ id: 5, name: 'prod', color: '#ff0000', scope: 'g' }]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(queryButton('Add label')).toBeDefined());
    await submit(button('Add label'));
    expect(text()).toContain('Choose a label to add.');
    expect(fake.find('POST', `${base}/labels`)).toHaveLength(0);
  });

  it('tells what pausing a job queue did, not “Saved.”', async () => {
    signedInAs(ADMIN);
    adminApi({
      'GET /api/v2.0/jobservice/pools': { body: [] },
      'GET /api/v2.0/jobservice/pools/all/workers': { body: [] },
      'GET /api/v2.0/jobservice/queues': { body: [{ job_type: 'GARBAGE_COLLECTION', count: 0, latency: 0, paused: false }] },
      'GET /api/v2.0/schedules': list([]),
      'GET /api/v2.0/schedules/all/paused': { body: { paused: false } },
      'PUT /api/v2.0/jobservice/queues/GARBAGE_COLLECTION': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/jobs');
    await until(() => expect(queryButton('Pause')).toBeDefined());
    await click(button('Pause'));
    await until(() => expect(text()).toContain('Queue Garbage collection paused.'));
    expect(text()).not.toContain('Saved.');
  });

  it('states the naming rule for an invalid name instead of the browser’s generic message', async () => {
    signedInAs(ALICE);
    adminApi({ 'GET /api/v2.0/projects': list([]) });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(queryButton('New project')).toBeDefined());
    await click(button('New project'));
    const name = byLabel('Project name');
    await type(name, 'Bad Name');
    expect(name.validationMessage).toBe('Lower-case letters and digits, with single . _ or - between them.');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    await type(name, 'good-name');
    expect(name.validationMessage).toBe('');
    expect(name.getAttribute('aria-invalid')).toBeNull();
  });

  it('translates a refusal of the server (简体中文) and names the missing user', async () => {
    signedInAs(ALICE);
    setLocale('zh-CN');
    projectApi(ALL, { 'POST /api/v2.0/projects/3/members': error(404, 'user not found') });
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    await click(button('添加成员'));
    await type(byLabel('用户名'), 'carol');
    await submit(byLabel('用户名'));
    await until(() => expect(text()).toContain('没有名为 carol 的用户。'));
    expect(text()).not.toContain('user not found');
  });

  it('translates a page that is not found (简体中文)', async () => {
    signedInAs(ALICE);
    setLocale('zh-CN');
    projectApi(ALL, { 'GET /api/v2.0/projects/2': error(404, 'project 2 not found') });
    await mount(<App />);
    navigate('/projects/2/repositories');
    await until(() => expect(document.querySelector('[role=alert]')?.textContent).toContain('不存在'));
    expect(document.querySelector('[role=alert]')!.textContent!.startsWith('project 2')).toBe(false);
  });
});

describe('the robot secret dialog', () => {
  it('asks before closing a secret not yet copied, and offers it as a JSON file', async () => {
    signedInAs(ADMIN);
    let robots: unknown[] = [];
    adminApi({
      'GET /api/v2.0/robots': () => list(robots),
      'GET /api/v2.0/permissions': { body: { system: [], project: [{ resource: 'repository', action: 'pull' }] } },
      'POST /api/v2.0/robots': () => {
        robots = [{ id: 1, name: 'robot$ci', level: 'system', duration: 30, expires_at: -1, disable: false, permissions: [] }];
        return { status: 201, body: { id: 1, name: 'robot$ci', secret: 'S3cret-Value-xyz' } };
      },
    });
    const downloads = captureDownloads();
    await mount(<App />);
    navigate('/admin/robots');
    await until(() => expect(queryButton('New robot account')).toBeDefined());
    await click(button('New robot account'));
    await type(byLabel('Name'), 'ci');
    await submit(button('Create'));
    await until(() => expect(text()).toContain('shown only this once'));
    const dialog = () => document.querySelector('[role=dialog]');
    await act(async () => {
      dialog()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(dialog()).not.toBeNull();
    expect(text()).toContain('Close without saving the secret?');
    await click(button('Back to the secret'));
    await click(button('Download'));
    expect(downloads.files.map((f) => f.name)).toEqual(['robot$ci.json']);
    expect(JSON.parse(await downloads.files[0].blob.text())).toEqual({ name: 'robot$ci', secret: 'S3cret-Value-xyz' });
    await act(async () => {
      dialog()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    await until(() => expect(dialog()).toBeNull());
    downloads.restore();
  });
});

describe('layout details', () => {
  it('says “1 item”, not “1 items”', async () => {
    signedInAs(ALICE);
    projectApi(ALL);
    await mount(<App />);
    navigate('/projects/3/members');
    await until(() => expect(text()).toContain('bob'));
    expect(text()).toContain('1 item');
    expect(text()).not.toContain('1 items');
  });

  it('keeps dates on one line, artifact rows to one actions button and robot names whole', async () => {
    signedInAs(ALICE);
    projectApi(ALL, { [`GET ${ARTIFACTS}`]: list([ARTIFACT]) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:abababababab'));
    const row = document.querySelector('tbody tr')!;
    expect(row.querySelector('time')?.getAttribute('datetime')).toBe('2026-01-02T00:00:00Z');
    expect([...row.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual([`Actions for ${DIGEST.slice(0, 19)}`]);
    await click(row.querySelector('button')!);
    expect([...document.querySelectorAll('[role=menuitem]')].map((m) => m.textContent)).toEqual(['Add tag', 'Copy artifact', 'Delete']);
    const css = readFileSync('src/styles.css', 'utf8');
    expect(css).toMatch(/(^|\n)time\s*\{[^}]*white-space:\s*nowrap/);
    expect(css).toMatch(/\.nowrap\s*\{[^}]*white-space:\s*nowrap/);
  });

  it('shows a pale label’s colour dot with a ring that stands out from white', async () => {
    await mount(<LabelChip name="pale" color="#E6E6FA" />);
    const swatch = document.querySelector<HTMLElement>('.label-chip .swatch')!;
    const ring = swatch.style.borderColor;
    expect(ring).not.toBe('');
    expect(contrast(ring, '#ffffff')).toBeGreaterThanOrEqual(3);
  });

  it('lets the copy dialog pick a target project and repository, and wraps the long source', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      [`GET ${ARTIFACTS}`]: list([ARTIFACT]),
      'GET /api/v2.0/projects': list([PROJECT, { ...PROJECT, project_id: 4, name: 'other' }]),
      'GET /api/v2.0/projects/other/repositories': list([{ id: 7, name: 'other/app', project_id: 4, artifact_count: 1 }]),
      'POST /api/v2.0/projects/other/repositories/app/artifacts': { status: 201 },
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:abababababab'));
    await click(document.querySelector<HTMLElement>('tbody tr button')!);
    await click(button('Copy artifact'));
    expect(document.querySelector('[role=dialog] .source')!.classList.contains('break')).toBe(true);
    const target = byLabel<HTMLSelectElement>('Target project');
    expect(target.tagName).toBe('SELECT');
    await until(() => expect([...target.options].map((o) => o.value)).toContain('other'));
    await choose(target, 'other');
    expect(byLabel('Target repository').value).toBe('app');
    await submit(byLabel('Target repository'));
    await until(() => expect(fake.find('POST', '/api/v2.0/projects/other/repositories/app/artifacts')).toHaveLength(1));
    expect(fake.find('POST', '/api/v2.0/projects/other/repositories/app/artifacts')[0].query.get('from')).toBe(`team/app@${DIGEST}`);
  });
});

describe('garbage collection defaults', () => {
  it('leaves “delete untagged artifacts” off, as Harbor does', async () => {
    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/system/gc': list([]), 'GET /api/v2.0/system/gc/schedule': { body: {} } });
    await mount(<App />);
    navigate('/admin/gc');
    await until(() => expect(text()).toContain('Garbage collection has not run yet.'));
    expect(byLabel<HTMLInputElement>('Also delete untagged artifacts').checked).toBe(false);
  });
});

describe('focus and targets', () => {
  const css = readFileSync('src/styles.css', 'utf8');
  const vars = (block: string) => Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1], m[2]]));
  const light = vars(css.slice(css.indexOf(':root'), css.indexOf('}')));
  const darkStart = css.indexOf('prefers-color-scheme: dark');
  const dark = vars(css.slice(darkStart, css.indexOf('}', darkStart)));

  it('draws the focus ring with at least 3:1 contrast against the page and the panels, light and dark', () => {
    for (const scheme of [light, dark]) {
      expect(contrast(scheme.focus, scheme.bg)).toBeGreaterThanOrEqual(3);
      expect(contrast(scheme.focus, scheme.panel)).toBeGreaterThanOrEqual(3);
    }
  });

  it('gives label-chip remove buttons a 24 px target', () => {
    const rule = /\.chip-remove\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect(rule).toMatch(/min-width:\s*24px/);
    expect(rule).toMatch(/min-height:\s*24px/);
  });
});
