import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { button, byLabel, choose, click, dialogButton, list, mount, submit, text, type, until } from '../../test/harness';
import { ALL, GUEST, PROJECT, projectApi } from '../../test/fixtures';
import { ALICE, signedInAs } from '../../test/users';

const POLICY = {
  id: 5,
  algorithm: 'or',
  rules: [
    {
      id: 0,
      disabled: false,
      action: 'retain',
      template: 'latestPushedK',
      params: { latestPushedK: 10 },
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'release-*', extras: '{"untagged":false}' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    },
  ],
  trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
  scope: { level: 'project', ref: 3 },
};

const RETENTION = ['list', 'read', 'create', 'update', 'delete', 'operate'].map((action) => ({ resource: 'tag-retention', action }));

describe('tag retention', () => {
  it('shows the rules, adds one, starts a dry run and reads its task log', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, ...RETENTION], {
      'GET /api/v2.0/projects/3': { body: { ...PROJECT, metadata: { public: 'false', retention_id: '5' } } },
      'GET /api/v2.0/retentions/5': { body: POLICY },
      'PUT /api/v2.0/retentions/5': { body: '' },
      'POST /api/v2.0/retentions/5/executions': { status: 201, headers: { Location: '/api/v2.0/retentions/5/executions/9' } },
      'GET /api/v2.0/retentions/5/executions': list([{ id: 9, policy_id: 5, status: 'Success', trigger: 'MANUAL', dry_run: true, start_time: '2026-01-02T00:00:00Z' }]),
      'GET /api/v2.0/retentions/5/executions/9/tasks': list([{ id: 21, execution_id: 9, repository: 'team/app', status: 'Success', total: 3, retained: 1 }]),
      'GET /api/v2.0/retentions/5/executions/9/tasks/21': { body: '| sha256:aa | v1 | IMAGE |  | t | | t | DEL |', headers: { 'Content-Type': 'text/plain' } },
    });
    await mount(<App />);
    navigate('/projects/3/retention');
    await until(() => expect(text()).toContain('the 10 most recently pushed artifacts'));
    expect(text()).toContain('matching release-*');
    await click(button('Add rule'));
    await choose(byLabel<HTMLSelectElement>('Retain'), 'nDaysSinceLastPull');
    await type(byLabel('Count or days'), '30');
    await submit(button('Create'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/retentions/5')).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', '/api/v2.0/retentions/5')[0].body);
    expect(sent.rules).toHaveLength(2);
    expect(sent.rules[1]).toMatchObject({ template: 'nDaysSinceLastPull', params: { nDaysSinceLastPull: 30 }, action: 'retain' });
    expect(sent.scope).toEqual({ level: 'project', ref: 3 });
    await click(button('Dry run'));
    await until(() => expect(fake.find('POST', '/api/v2.0/retentions/5/executions')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/retentions/5/executions')[0].body)).toEqual({ dry_run: true });
    await click(button('Tasks'));
    await until(() => expect(text()).toContain('team/app'));
    // A dry run's tasks open with the list of what a real run would delete, read from their logs.
    await until(() => expect(text()).toContain('would delete 1 artifacts'));
    expect(document.querySelector('[data-testid=retention-would-go]')?.textContent).toContain('team/app:v1');
    await click(button('Log'));
    await until(() => expect(text()).toContain('DEL'));
  });

  it('edits a rule, keeping its selectors, and disables it', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, ...RETENTION], {
      'GET /api/v2.0/projects/3': { body: { ...PROJECT, metadata: { public: 'false', retention_id: '5' } } },
      'GET /api/v2.0/retentions/5': { body: POLICY },
      'PUT /api/v2.0/retentions/5': { body: '' },
      'GET /api/v2.0/retentions/5/executions': list([]),
    });
    await mount(<App />);
    navigate('/projects/3/retention');
    await until(() => expect(text()).toContain('the 10 most recently pushed artifacts'));
    await click(button('Edit rule 1'));
    expect(byLabel<HTMLInputElement>('Tag pattern or labels').value).toBe('release-*');
    await type(byLabel('Count or days'), '3');
    await submit(dialogButton('Save'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/retentions/5')).toHaveLength(1));
    const edited = JSON.parse(fake.find('PUT', '/api/v2.0/retentions/5')[0].body);
    expect(edited.rules).toHaveLength(1);
    expect(edited.rules[0]).toMatchObject({
      id: 0,
      disabled: false,
      template: 'latestPushedK',
      params: { latestPushedK: 3 },
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'release-*', extras: '{"untagged":false}' }],
    });
    await click(button('Disable rule 1'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/retentions/5')).toHaveLength(2));
    const disabled = JSON.parse(fake.find('PUT', '/api/v2.0/retentions/5')[1].body);
    expect(disabled.rules[0]).toMatchObject({ disabled: true, params: { latestPushedK: 10 } });
  });

  it('is not a tab for guests', async () => {
    signedInAs(ALICE);
    projectApi(GUEST);
    await mount(<App />);
    navigate('/projects/3/repositories');
    await until(() => expect(text()).toContain('team/app'));
    expect([...document.querySelectorAll('.tabs a')].map((a) => a.textContent)).not.toContain('Tag retention');
  });
});
