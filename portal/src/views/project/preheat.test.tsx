// The project's P2P Preheat tab: policies with their filters and trigger, create and edit (filters
// and triggers as Harbor stores them), run, executions → tasks → log, and what other members see.
import { describe, expect, it } from 'vitest';
import '..';
import { App } from '../../App';
import { navigate } from '../../router';
import { ALL, projectApi } from '../../test/fixtures';
import { button, byLabel, choose, click, dialogButton, list, mount, queryButton, submit, text, type, until } from '../../test/harness';
import { ALICE, signedInAs } from '../../test/users';
import { filtersJson, parseFilters, parseTrigger, triggerJson } from './preheat';

const BASE = '/api/v2.0/projects/team/preheat';
const RIGHTS = ['list', 'read', 'create', 'update', 'delete'].map((action) => ({ resource: 'preheat-policy', action }));
const PROVIDERS = [
  { id: 1, provider: 'dragonfly df-east-https://df.example', enabled: true, default: false },
  { id: 2, provider: 'kraken kr-https://kr.example', enabled: true, default: true },
  { id: 3, provider: 'kraken off-https://off.example', enabled: false, default: false },
];
const POLICY = {
  id: 11,
  name: 'warm-app',
  description: 'before the rollout',
  project_id: 3,
  provider_id: 1,
  provider_name: 'df-east',
  filters: '[{"type":"repository","value":"app*"},{"type":"tag","value":"v*"},{"type":"label","value":"prod"},{"type":"vulnerability","value":4}]',
  trigger: '{"type":"scheduled","trigger_setting":{"cron":"0 0 2 * * *"}}',
  enabled: true,
  extra_attrs: '{"scope":"all_peers"}',
  creation_time: '2026-03-04T05:06:07Z',
};

function api(perms = [...ALL, ...RIGHTS], extra: Record<string, unknown> = {}) {
  return projectApi(perms, {
    [`GET ${BASE}/policies`]: list([POLICY]),
    [`GET ${BASE}/providers`]: { body: PROVIDERS },
    ...extra,
  });
}

describe('preheat filters and triggers', () => {
  it('round-trip Harbor’s JSON strings', () => {
    const f = parseFilters(POLICY.filters);
    expect(f).toEqual({ repository: 'app*', tag: 'v*', labels: 'prod', signed: false, severity: 4 });
    expect(JSON.parse(filtersJson({ ...f, signed: true, labels: ' prod , eu ' }))).toEqual([
      { type: 'repository', value: 'app*' },
      { type: 'tag', value: 'v*' },
      { type: 'label', value: 'prod,eu' },
      { type: 'signature', value: true },
      { type: 'vulnerability', value: 4 },
    ]);
    expect(JSON.parse(filtersJson({ repository: '**', tag: '**', labels: '', signed: false, severity: 0 }))).toEqual([
      { type: 'repository', value: '**' },
      { type: 'tag', value: '**' },
    ]);
    expect(parseTrigger(POLICY.trigger)).toEqual({ type: 'scheduled', cron: '0 0 2 * * *' });
    expect(JSON.parse(triggerJson({ type: 'event_based', cron: 'ignored' }))).toEqual({ type: 'event_based' });
    expect(parseTrigger('not json')).toEqual({ type: 'manual', cron: '' });
  });
});

describe('the project P2P Preheat tab', () => {
  it('lists policies with their provider, filters and trigger', async () => {
    signedInAs(ALICE);
    api();
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    expect(text()).toContain('df-east');
    expect(text()).toContain('Repositories: app*');
    expect(text()).toContain('Labels: prod');
    expect(text()).toContain('Only images below High');
    expect(text()).toContain('Scheduled (0 0 2 * * *)');
  });

  it('creates an on-push policy with the chosen filters, offering only enabled providers', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`POST ${BASE}/policies`]: { status: 201, headers: { Location: `${BASE}/policies/on-push` } } });
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    await click(button('New policy'));
    const provider = byLabel<HTMLSelectElement>('Provider');
    expect([...provider.options].map((o) => o.value)).toEqual(['1', '2']);
    expect(provider.value).toBe('2'); // the default instance
    await type(byLabel('Name'), 'on-push');
    await type(byLabel('Repositories'), 'svc/**');
    await type(byLabel('Tags'), 'release-*');
    await type(byLabel('Labels'), 'prod');
    await click(byLabel('Only signed images'));
    await choose(byLabel<HTMLSelectElement>('Vulnerabilities'), '3');
    await choose(byLabel<HTMLSelectElement>('Trigger'), 'event_based');
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', `${BASE}/policies`)).toHaveLength(1));
    const sent = JSON.parse(fake.find('POST', `${BASE}/policies`)[0].body);
    expect(sent).toEqual({
      name: 'on-push',
      description: '',
      provider_id: 2,
      filters: JSON.stringify([
        { type: 'repository', value: 'svc/**' },
        { type: 'tag', value: 'release-*' },
        { type: 'label', value: 'prod' },
        { type: 'signature', value: true },
        { type: 'vulnerability', value: 3 },
      ]),
      trigger: '{"type":"event_based"}',
      enabled: true,
    });
  });

  it('refuses a scheduled policy without a cron before sending it', async () => {
    signedInAs(ALICE);
    const fake = api();
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    await click(button('New policy'));
    await type(byLabel('Name'), 'nightly');
    await choose(byLabel<HTMLSelectElement>('Trigger'), 'scheduled');
    await type(byLabel('Cron'), '   ');
    await submit(byLabel('Name'));
    await until(() => expect(text()).toContain('A scheduled policy needs a cron expression.'));
    expect(fake.find('POST', `${BASE}/policies`)).toHaveLength(0);
  });

  it('edits a policy keeping what the form does not show (extra attributes)', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`PUT ${BASE}/policies/warm-app`]: { body: '' } });
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    await click(button('Edit policy warm-app'));
    expect(byLabel<HTMLInputElement>('Repositories').value).toBe('app*');
    expect(byLabel<HTMLInputElement>('Cron').value).toBe('0 0 2 * * *');
    expect(byLabel<HTMLSelectElement>('Vulnerabilities').value).toBe('4');
    await type(byLabel('Cron'), '0 30 1 * * *');
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('PUT', `${BASE}/policies/warm-app`)).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', `${BASE}/policies/warm-app`)[0].body);
    expect(sent.trigger).toBe('{"type":"scheduled","trigger_setting":{"cron":"0 30 1 * * *"}}');
    expect(sent.extra_attrs).toBe('{"scope":"all_peers"}');
    expect(sent.provider_id).toBe(1);
  });

  it('runs a policy, disables it and deletes it after a confirmation', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, {
      [`POST ${BASE}/policies/warm-app`]: { status: 201, headers: { Location: `${BASE}/policies/warm-app/executions/5` } },
      [`PUT ${BASE}/policies/warm-app`]: { body: '' },
      [`DELETE ${BASE}/policies/warm-app`]: { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    await click(button('Run policy warm-app'));
    await until(() => expect(text()).toContain('Preheat of warm-app started.'));
    expect(JSON.parse(fake.find('POST', `${BASE}/policies/warm-app`)[0].body).name).toBe('warm-app');
    await click(button('Disable policy warm-app'));
    await until(() => expect(text()).toContain('Policy warm-app disabled.'));
    expect(JSON.parse(fake.find('PUT', `${BASE}/policies/warm-app`)[0].body).enabled).toBe(false);
    await click(button('Delete policy warm-app'));
    expect(fake.find('DELETE', `${BASE}/policies/warm-app`)).toHaveLength(0);
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${BASE}/policies/warm-app`)).toHaveLength(1));
  });

  it('shows executions, their tasks per artifact and a task log', async () => {
    signedInAs(ALICE);
    api(undefined, {
      [`GET ${BASE}/policies/warm-app/executions`]: list([{ id: 5, status: 'Error', trigger: 'MANUAL', extra_attrs: { totalCount: 2 }, start_time: '2026-03-04T05:06:07Z' }]),
      [`GET ${BASE}/policies/warm-app/executions/5/tasks`]: list([
        { id: 51, execution_id: 5, status: 'Success', extra_attrs: { artifact: 'team/app:v1', digest: 'sha256:aa', kind: 'image' } },
        { id: 52, execution_id: 5, status: 'Error', status_message: 'preheat failed: seed peer unreachable', extra_attrs: { artifact: 'team/app:v2' } },
      ]),
      [`GET ${BASE}/policies/warm-app/executions/5/tasks/52/logs`]: { body: 'Check health of preheat provider instance: Healthy\npreheat failed: seed peer unreachable' },
    });
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    await click(button('Executions of warm-app'));
    await until(() => expect(text()).toContain('Manual'));
    await click(button('Tasks of execution 5'));
    await until(() => expect(text()).toContain('team/app:v2'));
    expect(text()).toContain('seed peer unreachable');
    await click(button('Log of task 52'));
    await until(() => expect(text()).toContain('Check health of preheat provider instance: Healthy'));
  });

  it('is read-only for a member who may only list, and hidden from one who may not', async () => {
    signedInAs(ALICE);
    api([...ALL, { resource: 'preheat-policy', action: 'list' }]);
    await mount(<App />);
    navigate('/projects/3/preheat');
    await until(() => expect(text()).toContain('warm-app'));
    expect(queryButton('New policy')).toBeUndefined();
    expect(queryButton('Run policy warm-app')).toBeUndefined();
    expect(queryButton('Delete policy warm-app')).toBeUndefined();

    api(ALL);
    await mount(<App />);
    navigate('/projects/3');
    await until(() => expect(text()).toContain('team'));
    expect(document.querySelector('a[href="/projects/3/preheat"]')).toBeNull();
  });
});
