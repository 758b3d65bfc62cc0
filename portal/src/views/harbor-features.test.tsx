// What a Harbor user reaches for on the existing pages (issue 24): bulk actions, robot edit with
// the permission matrix, audit log filters and export, the summary tab, pull commands by type,
// a readable artifact overview, Markdown descriptions.
import { describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import '../views';
import { App } from '../App';
import { setLocale } from '../i18n';
import { navigate } from '../router';
import { ALL, ARTIFACT, DIGEST, PROJECT, adminApi, projectApi } from '../test/fixtures';
import { button, byLabel, captureDownloads, choose, click, dialogButton, list, mount, settle, submit, text, type, until } from '../test/harness';
import { ADMIN, ALICE, signedInAs } from '../test/users';
import { auditQuery, describeChange, toCsv } from './auditlogs';

const ARTIFACTS = '/api/v2.0/projects/team/repositories/app/artifacts';
const SECOND = { ...ARTIFACT, id: 12, digest: 'sha256:' + 'ef'.repeat(32), tags: [{ id: 9, name: 'old' }], labels: [] };

function checkbox(label: string): HTMLInputElement {
  return byLabel<HTMLInputElement>(label);
}

describe('bulk actions', () => {
  it('deletes the selected artifacts after one confirmation and tells how it went', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      [`GET ${ARTIFACTS}`]: list([ARTIFACT, SECOND]),
      [`DELETE ${ARTIFACTS}/${ARTIFACT.digest}`]: { body: '' },
      [`DELETE ${ARTIFACTS}/${SECOND.digest}`]: { status: 412, body: { errors: [{ code: 'PRECONDITION', message: 'the tag old is immutable' }] } },
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:efefefefefef'));
    await click(checkbox('Select artifact sha256:abababababab'));
    await click(checkbox('Select artifact sha256:efefefefefef'));
    expect(text()).toContain('2 selected');
    await click(button('Delete'));
    expect(text()).toContain('Delete 2 artifacts');
    await click(dialogButton('Delete'));
    await until(() => expect(text()).toContain('1 of 2 done. Failed: sha256:efefefefefef: the tag old is immutable'));
    expect(fake.find('DELETE', `${ARTIFACTS}/${ARTIFACT.digest}`)).toHaveLength(1);
    expect(text()).not.toContain('2 selected');
  });

  it('puts a label on every selected artifact, and selects a whole page at once', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, { resource: 'artifact-label', action: 'create' }], {
      [`GET ${ARTIFACTS}`]: list([ARTIFACT, SECOND]),
      'GET /api/v2.0/labels': (c: { query: URLSearchParams }) => list(c.query.get('scope') === 'p' ? [{ id: 6, name: 'qa', scope: 'p', color: '#00ff00' }] : []),
      [`POST ${ARTIFACTS}/${ARTIFACT.digest}/labels`]: { status: 201 },
      [`POST ${ARTIFACTS}/${SECOND.digest}/labels`]: { status: 201 },
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:efefefefefef'));
    await click(checkbox('Select every row on this page'));
    expect(text()).toContain('2 selected');
    await click([...document.querySelectorAll<HTMLButtonElement>('.bulk-bar button')].find((b) => b.textContent === 'Add label')!);
    await choose(byLabel<HTMLSelectElement>('Choose a label'), '6');
    await submit(byLabel('Choose a label'));
    await until(() => expect(text()).toContain('Label added to 2 artifacts.'));
    for (const d of [ARTIFACT.digest, SECOND.digest]) expect(JSON.parse(fake.find('POST', `${ARTIFACTS}/${d}/labels`)[0].body)).toEqual({ id: 6 });
  });

  it('filters artifacts by type and label on the server', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      [`GET ${ARTIFACTS}`]: list([ARTIFACT]),
      'GET /api/v2.0/labels': (c: { query: URLSearchParams }) => list(c.query.get('scope') === 'g' ? [{ id: 5, name: 'prod', scope: 'g' }] : []),
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:abababababab'));
    await choose(byLabel<HTMLSelectElement>('Filter by type'), 'CHART');
    await until(() => expect(byLabel<HTMLSelectElement>('Filter by label').options.length).toBe(2));
    await choose(byLabel<HTMLSelectElement>('Filter by label'), '5');
    await until(() => expect(fake.find('GET', ARTIFACTS).at(-1)!.query.get('q')).toBe('type=CHART,labels=5'));
  });

  it('deletes selected repositories and projects', async () => {
    signedInAs(ADMIN);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/users/current': { body: ADMIN },
      'DELETE /api/v2.0/projects/team/repositories/app': { body: '' },
      'GET /api/v2.0/projects': list([PROJECT, { ...PROJECT, project_id: 4, name: 'other' }]),
      'DELETE /api/v2.0/projects/3': { body: '' },
      'DELETE /api/v2.0/projects/4': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/repositories');
    await until(() => expect(document.querySelector('[aria-label="Select repository team/app"]')).not.toBeNull());
    await click(checkbox('Select repository team/app'));
    await click([...document.querySelectorAll<HTMLButtonElement>('.bulk-bar button')].find((b) => b.textContent === 'Delete')!);
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', '/api/v2.0/projects/team/repositories/app')).toHaveLength(1));
    navigate('/projects');
    await until(() => expect(text()).toContain('other'));
    await click(checkbox('Select every row on this page'));
    await click([...document.querySelectorAll<HTMLButtonElement>('.bulk-bar button')].find((b) => b.textContent === 'Delete')!);
    expect(text()).toContain('Delete 2 projects (team, other)?');
    await click(dialogButton('Delete'));
    await until(() => expect(text()).toContain('2 projects deleted.'));
  });
});

describe('robot accounts', () => {
  const PERMISSIONS = {
    system: [
      { resource: 'audit-log', action: 'list' },
      { resource: 'project', action: 'list' },
      { resource: 'project', action: 'create' },
    ],
    project: [
      { resource: 'repository', action: 'pull' },
      { resource: 'repository', action: 'push' },
      { resource: 'artifact', action: 'delete' },
      { resource: 'tag', action: 'create' },
    ],
  };
  const ROBOT = {
    id: 7,
    name: 'robot$ci',
    description: 'builds',
    level: 'system',
    duration: 30,
    expires_at: 1893456000,
    disable: false,
    permissions: [
      { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list' }] },
      { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
      { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'push' }] },
    ],
  };

  it('edits a system robot with Harbor’s permission matrix, keeping its grants in named projects', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/robots': list([ROBOT]), 'GET /api/v2.0/permissions': { body: PERMISSIONS }, 'PUT /api/v2.0/robots/7': { body: '' } });
    await mount(<App />);
    navigate('/admin/robots');
    await until(() => expect(text()).toContain('robot$ci'));
    expect(text()).toContain('System: 1 permission');
    await click(button('Actions for robot$ci'));
    await click(button('Edit'));
    await until(() => expect(document.querySelectorAll('fieldset.matrix')).toHaveLength(2));
    // rows per resource, columns per action, a box only where the server allows the pair
    const system = document.querySelectorAll('fieldset.matrix')[0];
    expect([...system.querySelectorAll('tbody th')].map((th) => th.textContent)).toEqual(['Audit log', 'Project']);
    expect([...system.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Resource', 'List', 'Create']);
    expect(system.querySelectorAll('input[type=checkbox]')).toHaveLength(3);
    expect(checkbox('Project: List').checked).toBe(true);
    expect(checkbox('Repository: Pull').checked).toBe(true);
    expect(text()).toContain('Its permissions in the projects team are kept as they are.');
    await click(checkbox('Audit log: List'));
    await click(checkbox('Tag: Create'));
    await type(byLabel('Description'), 'builds and tags');
    await type(byLabel('Expires after (days from creation)'), '90');
    await submit(byLabel('Description'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/robots/7')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/robots/7')[0].body)).toEqual({
      name: 'robot$ci',
      description: 'builds and tags',
      duration: 90,
      level: 'system',
      disable: false,
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list', effect: 'allow' }, { resource: 'project', action: 'list', effect: 'allow' }] },
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull', effect: 'allow' }, { resource: 'tag', action: 'create', effect: 'allow' }] },
        { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'push' }] },
      ],
    });
  });

  it('offers a project admin the edit of a project robot, with the project’s matrix only', async () => {
    signedInAs(ALICE);
    const robot = { ...ROBOT, id: 8, name: 'robot$team+ci', level: 'project', permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }] };
    const fake = projectApi([...ALL, { resource: 'robot', action: 'update' }], {
      'GET /api/v2.0/robots': list([robot]),
      'GET /api/v2.0/permissions': { body: { project: PERMISSIONS.project } },
      'PUT /api/v2.0/robots/8': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/robots');
    await until(() => expect(text()).toContain('robot$team+ci'));
    await click(button('Actions for robot$team+ci'));
    await click(button('Edit'));
    await until(() => expect(document.querySelectorAll('fieldset.matrix')).toHaveLength(1));
    await click(checkbox('Repository: Push'));
    await click(byLabel<HTMLInputElement>('Never expires'));
    await submit(byLabel('Description'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/robots/8')).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', '/api/v2.0/robots/8')[0].body);
    expect(sent.duration).toBe(-1);
    expect(sent.permissions).toEqual([
      { kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull', effect: 'allow' }, { resource: 'repository', action: 'push', effect: 'allow' }] },
    ]);
  });
});

describe('audit log', () => {
  const ENTRY = { id: 1, resource: 'team/app:v1', resource_type: 'artifact', username: 'admin', operation: 'delete', op_time: '2026-03-02T10:00:00Z' };

  it('filters by operation and date range on the server', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({ 'GET /api/v2.0/auditlog-exts': list([ENTRY]) });
    await mount(<App />);
    navigate('/admin/audit');
    await until(() => expect(text()).toContain('team/app:v1'));
    expect(text()).toContain('Artifact');
    await choose(byLabel<HTMLSelectElement>('Operation'), 'delete');
    await type(byLabel('From'), '2026-03-01');
    await type(byLabel('To'), '2026-03-31');
    const expected = auditQuery('delete', '2026-03-01', '2026-03-31')!;
    expect(expected).toMatch(/^operation=delete,op_time=\[\d{4}-\d\d-\d\dT[^~]+~[^\]]+\]$/);
    await until(() => expect(fake.find('GET', '/api/v2.0/auditlog-exts').at(-1)!.query.get('q')).toBe(expected));
    await type(byLabel('From'), '2026-04-01');
    expect(text()).toContain('The range ends before it starts.');
  });

  it('exports every entry the filters select as CSV, page by page', async () => {
    signedInAs(ADMIN);
    const entries = Array.from({ length: 130 }, (_, i) => ({ ...ENTRY, id: i + 1, resource: i === 0 ? '=cmd|calc' : `team/app:v${i}` }));
    const fake = adminApi({
      'GET /api/v2.0/auditlog-exts': (c: { query: URLSearchParams }) => {
        const page = Number(c.query.get('page'));
        const size = Number(c.query.get('page_size'));
        return list(entries.slice((page - 1) * size, page * size), entries.length);
      },
    });
    const downloads = captureDownloads();
    await mount(<App />);
    navigate('/admin/audit');
    await until(() => expect(text()).toContain('team/app:v1'));
    await choose(byLabel<HTMLSelectElement>('Operation'), 'delete');
    await click(button('Export CSV'));
    await until(() => expect(text()).toContain('130 entries exported.'));
    const exports = fake.find('GET', '/api/v2.0/auditlog-exts').filter((c) => c.query.get('page_size') === '100');
    expect(exports.map((c) => c.query.get('page'))).toEqual(['1', '2']);
    expect(exports.every((c) => c.query.get('q') === 'operation=delete')).toBe(true);
    expect(downloads.files.map((f) => f.name)).toEqual(['audit-log.csv']);
    const lines = (await downloads.files[0].blob.text()).trim().split('\r\n');
    expect(lines).toHaveLength(131);
    expect(lines[0]).toBe('id,op_time,username,operation,resource_type,resource,operation_description');
    // a spreadsheet never reads a cell as a formula
    expect(lines[1]).toBe("1,2026-03-02T10:00:00Z,admin,delete,artifact,'=cmd|calc,");
    downloads.restore();
  });

  it('quotes what a CSV field must quote', () => {
    expect(toCsv([{ ...ENTRY, resource: 'a,"b"\nc' }]).split('\r\n')[1]).toBe('1,2026-03-02T10:00:00Z,admin,delete,artifact,"a,""b""\nc",');
    expect(toCsv([{ ...ENTRY, operation_description: 'role: developer → maintainer' }]).split('\r\n')[1]).toBe(
      '1,2026-03-02T10:00:00Z,admin,delete,artifact,team/app:v1,role: developer → maintainer',
    );
  });

  it('shows what a change changed, in words', async () => {
    signedInAs(ADMIN);
    const entries = [
      { ...ENTRY, id: 1, operation: 'update', resource_type: 'member', resource: 'team:bob', operation_description: 'role: developer → maintainer' },
      { ...ENTRY, id: 2, operation: 'create', resource_type: 'member', resource: 'team:eve', operation_description: 'role: guest' },
      { ...ENTRY, id: 3, operation: 'update', resource_type: 'project', resource: 'team', operation_description: 'public: false → true; storage_limit: -1 → 1073741824' },
      { ...ENTRY, id: 4, operation: 'update', resource_type: 'robot', resource: 'robot$team+ci', operation_description: 'duration: 30 → -1; description' },
      { ...ENTRY, id: 5, operation: 'delete', resource_type: 'artifact', resource: 'team/app:v1', operation_description: 'delete artifact: team/app:v1' },
      { ...ENTRY, id: 6, operation: 'create', resource_type: 'artifact', resource: 'team/app@sha256:1', operation_description: 'push artifact: team/app@sha256:1' },
    ];
    adminApi({ 'GET /api/v2.0/auditlog-exts': list(entries) });
    await mount(<App />);
    navigate('/admin/audit');
    await until(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(6));
    const change = (i: number) => document.querySelectorAll('tbody tr')[i].querySelectorAll('td')[4].textContent;
    expect(document.querySelectorAll('thead th')[4].textContent).toContain('Change');
    expect(change(0)).toBe('Role: Developer → Maintainer');
    expect(change(1)).toBe('Role: Guest');
    expect(change(2)).toBe('Public: No → Yes; Storage limit: Unlimited → 1.00 GiB');
    expect(change(3)).toBe('Lifetime in days: 30 → Never expires; Description changed');
    // Harbor's description of an entry that records no change says nothing new: not repeated
    expect(change(4)).toBe('—');
    expect(change(5)).toBe('—');
  });

  it('shows the change in Chinese too', () => {
    setLocale('zh-CN');
    expect(describeChange({ ...ENTRY, operation: 'update', resource_type: 'member', operation_description: 'role: developer → maintainer' })).toBe('角色：开发者 → 维护人员');
    setLocale('en');
  });
});

describe('the project summary', () => {
  it('is the first tab: access, quota use, members by role and recently updated repositories', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      'GET /api/v2.0/projects/3/summary': {
        body: { repo_count: 4, project_admin_count: 1, maintainer_count: 0, developer_count: 3, guest_count: 2, limited_guest_count: 0, quota: { hard: { storage: 1073741824 }, used: { storage: 268435456 } } },
      },
      'GET /api/v2.0/projects/team/repositories': list([{ id: 4, name: 'team/app', project_id: 3, artifact_count: 7, pull_count: 12, update_time: '2026-01-02T00:00:00Z' }]),
    });
    await mount(<App />);
    navigate('/projects/3');
    await until(() => expect(document.querySelector('[data-testid=project-summary]')?.textContent).toContain('team/app'));
    expect(document.querySelector('.tabs a[aria-current=page]')?.textContent).toBe('Summary');
    const summary = document.querySelector('[data-testid=project-summary]')!.textContent!;
    for (const s of ['Private', 'Members (6)', 'Project admin1', 'Developer3', 'Guest2', '256.0 MiB of 1.00 GiB', 'Repositories4']) expect(summary).toContain(s);
    expect([...document.querySelectorAll('[data-testid=project-summary] tbody td')].map((td) => td.textContent).slice(0, 3)).toEqual(['team/app', '7', '12']);
  });
});

describe('pulling and reading an artifact', () => {
  it('gives helm and oras commands for a chart, per tag too', async () => {
    signedInAs(ALICE);
    const base = `${ARTIFACTS}/${DIGEST}`;
    const chart = { ...ARTIFACT, type: 'CHART', references: [], accessories: [], addition_links: {}, tags: [{ id: 1, name: '0.1.0', push_time: '2026-01-01T00:00:00Z' }, { id: 2, name: '0.2.0', push_time: '2026-02-01T00:00:00Z' }] };
    projectApi(ALL, { [`GET ${base}`]: { body: chart }, 'GET /api/v2.0/labels': list([]) });
    const copied: string[] = [];
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: async (s: string) => void copied.push(s) } });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(byLabel('helm pull').value).toBe('helm pull oci://reg.example:5000/team/app --version 0.2.0'));
    expect(byLabel('oras pull').value).toBe('oras pull reg.example:5000/team/app:0.2.0');
    expect(byLabel('By digest').value).toBe(`oras pull reg.example:5000/team/app@${DIGEST}`);
    expect(text()).toContain('Helm chart');
    await click(button('Copy the pull command of tag 0.1.0'));
    expect(copied).toEqual(['helm pull oci://reg.example:5000/team/app --version 0.1.0']);
  });

  it('labels the image attributes, formats the build date and sizes each platform', async () => {
    signedInAs(ALICE);
    const base = `${ARTIFACTS}/${DIGEST}`;
    const image = { ...ARTIFACT, extra_attrs: { os: 'linux', architecture: 'amd64', author: 'Berth', created: '2026-01-05T08:00:00Z' } };
    projectApi(ALL, {
      [`GET ${base}`]: { body: image },
      [`GET ${base}/additions/build_history`]: { body: [] },
      [`GET ${ARTIFACTS}/${ARTIFACT.references[0].child_digest}`]: { body: { ...ARTIFACT, size: 1048576 } },
      [`GET ${ARTIFACTS}/${ARTIFACT.references[1].child_digest}`]: { body: { ...ARTIFACT, size: 2097152 } },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Operating system'));
    const overview = document.querySelector('dl.kv')!;
    expect([...overview.querySelectorAll('dt')].map((d) => d.textContent)).toEqual(expect.arrayContaining(['Operating system', 'Architecture', 'Author', 'Built']));
    expect(overview.querySelector('time[datetime="2026-01-05T08:00:00Z"]')).not.toBeNull();
    await until(() => expect(text()).toContain('2.00 MiB'));
    expect(text()).toContain('1.00 MiB');
  });

  it("links an index's child back to its index, reached from it or not", async () => {
    signedInAs(ALICE);
    const child = ARTIFACT.references[1].child_digest;
    const childArtifact = { ...ARTIFACT, id: 13, digest: child, tags: [], references: [], accessories: [], manifest_media_type: 'application/vnd.oci.image.manifest.v1+json' };
    const fake = projectApi(ALL, {
      [`GET ${ARTIFACTS}/${DIGEST}`]: { body: ARTIFACT },
      [`GET ${ARTIFACTS}/${DIGEST}/additions/build_history`]: { body: [] },
      [`GET ${ARTIFACTS}/${ARTIFACT.references[0].child_digest}`]: { body: { ...childArtifact, id: 12, digest: ARTIFACT.references[0].child_digest } },
      [`GET ${ARTIFACTS}/${ARTIFACT.references[0].child_digest}/additions/build_history`]: { body: [] },
      [`GET ${ARTIFACTS}/${child}`]: { body: childArtifact },
      [`GET ${ARTIFACTS}/${child}/additions/build_history`]: { body: [] },
      [`GET ${ARTIFACTS}`]: () => list(listed),
      'GET /api/v2.0/labels': list([]),
    });
    let listed: unknown[] = [childArtifact, ARTIFACT];
    await mount(<App />);
    // from the index's page: its child link says which index it came from
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Images by platform'));
    const link = [...document.querySelectorAll<HTMLAnchorElement>('a')].find((a) => a.textContent === 'sha256:131313131313')!;
    expect(link.getAttribute('href')).toBe(`/projects/3/repositories/app/artifacts/${encodeURIComponent(child)}?index=${encodeURIComponent(DIGEST)}`);
    expect(fake.find('GET', ARTIFACTS)).toHaveLength(0);
    navigate(link.getAttribute('href')!);
    await until(() => expect(text()).toContain('Part of index'));
    const back = [...document.querySelectorAll<HTMLAnchorElement>('dl.kv a')][0];
    expect(back.textContent).toBe('v1 (sha256:abababababab)');
    expect(back.getAttribute('href')).toBe(`/projects/3/repositories/app/artifacts/${encodeURIComponent(DIGEST)}`);
    expect(text()).toContain('as linux/arm64/v8');
    expect(fake.find('GET', ARTIFACTS)).toHaveLength(0);
    // straight to the child's page: found among the repository's newest artifacts
    navigate(`/projects/3/repositories/app/artifacts/${child}`);
    await until(() => expect(fake.find('GET', ARTIFACTS)).toHaveLength(1));
    await until(() => expect(text()).toContain('Part of index'));
    // an index that does not list the artifact is no parent of it: the real one is looked for
    navigate(`/projects/3/repositories/app/artifacts/${ARTIFACT.references[0].child_digest}?index=${encodeURIComponent(child)}`);
    await until(() => expect(text()).toContain('sha256:121212121212'));
    await until(() => expect(fake.find('GET', `${ARTIFACTS}/${child}`).filter((c) => c.query.get('with_tag') === 'true' && !c.query.get('with_label'))).toHaveLength(1));
    await until(() => expect(fake.find('GET', ARTIFACTS)).toHaveLength(2));
    await until(() => expect(text()).toContain('as linux/amd64'));
    expect([...document.querySelectorAll<HTMLAnchorElement>('dl.kv a')][0].getAttribute('href')).toBe(`/projects/3/repositories/app/artifacts/${encodeURIComponent(DIGEST)}`);
    // and an artifact no index lists has none
    listed = [childArtifact];
    navigate(`/projects/3/repositories/app/artifacts/${child}?index=${encodeURIComponent(ARTIFACT.references[0].child_digest)}`);
    await until(() => expect(fake.find('GET', ARTIFACTS)).toHaveLength(3));
    await settle();
    expect(text()).toContain('sha256:131313131313');
    expect(text()).not.toContain('Part of index');
  });

  it('renders a repository description as Markdown', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      'GET /api/v2.0/projects/team/repositories/app': { body: { id: 4, name: 'team/app', project_id: 3, artifact_count: 1, description: '## Usage\n\nRun **app** with [docs](https://docs.example).' } },
      [`GET ${ARTIFACTS}`]: list([]),
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(document.querySelector('[data-testid=repository-description] h4')?.textContent).toBe('Usage'));
    expect(document.querySelector('[data-testid=repository-description] strong')?.textContent).toBe('app');
    expect(document.querySelector('[data-testid=repository-description] a')?.getAttribute('href')).toBe('https://docs.example');
  });
});

describe('the row actions menu', () => {
  it('moves with the arrow keys and closes with Escape, giving the focus back', async () => {
    signedInAs(ALICE);
    projectApi(ALL, { [`GET ${ARTIFACTS}`]: list([ARTIFACT]) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('sha256:abababababab'));
    const opener = button('Actions for sha256:abababababab');
    await click(opener);
    expect(opener.getAttribute('aria-expanded')).toBe('true');
    const items = [...document.querySelectorAll<HTMLElement>('[role=menuitem]')];
    expect(document.activeElement).toBe(items[0]);
    const key = async (k: string) =>
      act(async () => {
        document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      });
    await key('ArrowDown');
    expect(document.activeElement).toBe(items[1]);
    await key('ArrowUp');
    await key('ArrowUp');
    expect(document.activeElement).toBe(items[2]);
    await key('Escape');
    expect(document.querySelector('[role=menu]')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
