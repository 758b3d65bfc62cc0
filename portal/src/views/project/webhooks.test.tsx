// The project's Webhooks tab: list with last triggers, create and edit with write-only secrets,
// enable/disable, delete, deliveries with tasks and logs, and what a member without rights sees.
import { describe, expect, it } from 'vitest';
import '..';
import { App } from '../../App';
import { navigate } from '../../router';
import { ALL, projectApi } from '../../test/fixtures';
import { button, byLabel, choose, click, dialogButton, list, mount, queryButton, submit, text, type, until } from '../../test/harness';
import { ALICE, signedInAs } from '../../test/users';

const BASE = '/api/v2.0/projects/3/webhook';
const WEBHOOK_RIGHTS = ['list', 'read', 'create', 'update', 'delete'].map((action) => ({ resource: 'notification-policy', action }));
const EVENTS = {
  event_type: ['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT', 'QUOTA_EXCEED'],
  notify_type: ['http', 'slack'],
  payload_formats: [{ notify_type: 'http', formats: ['Default', 'CloudEvents'] }],
};
const POLICY = {
  id: 21,
  name: 'ci-hook',
  description: 'tells CI',
  project_id: 3,
  targets: [{ type: 'http', address: 'https://ci.example/hook', skip_cert_verify: false, payload_format: 'CloudEvents', has_auth_header: true, has_signing_secret: false }],
  event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
  creator: 'alice',
  enabled: true,
};

function api(perms = [...ALL, ...WEBHOOK_RIGHTS], extra: Record<string, unknown> = {}) {
  return projectApi(perms, {
    [`GET ${BASE}/policies`]: list([POLICY]),
    [`GET ${BASE}/events`]: { body: EVENTS },
    [`GET ${BASE}/lasttrigger`]: {
      body: [
        { policy_name: 'ci-hook', event_type: 'PUSH_ARTIFACT', enabled: true, last_trigger_time: '2026-03-04T05:06:07Z' },
        { policy_name: 'other', event_type: 'DELETE_ARTIFACT', enabled: true, last_trigger_time: '2026-03-05T05:06:07Z' },
      ],
    },
    ...extra,
  });
}

describe('the project Webhooks tab', () => {
  it('lists policies with their target, events and when each event type last fired', async () => {
    signedInAs(ALICE);
    api();
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    expect(text()).toContain('https://ci.example/hook');
    expect(text()).toContain('Artifact pushed, Artifact deleted');
    // the last trigger of this policy only, not the other policy's
    expect(text()).toMatch(/Artifact pushed: .*2026/);
    expect(text()).not.toContain('Artifact deleted: ');
  });

  it('creates a policy with the chosen format, events and secrets', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`POST ${BASE}/policies`]: { status: 201, headers: { Location: `${BASE}/policies/22` } } });
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('New webhook'));
    await type(byLabel('Name'), 'audit');
    await choose(byLabel<HTMLSelectElement>('Payload format'), 'CloudEvents');
    await type(byLabel('Endpoint URL'), 'https://hooks.example/in');
    await type(byLabel('Auth header'), 'Bearer s3cret');
    await type(byLabel('Signing secret'), 'k3y');
    await click(byLabel('Artifact pulled'));
    await click(byLabel('Quota exceeded'));
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', `${BASE}/policies`)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', `${BASE}/policies`)[0].body)).toEqual({
      name: 'audit',
      description: '',
      enabled: true,
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
      targets: [{ type: 'http', address: 'https://hooks.example/in', skip_cert_verify: false, payload_format: 'CloudEvents', auth_header: 'Bearer s3cret', signing_secret: 'k3y' }],
    });
  });

  it('refuses a policy without event types before sending it', async () => {
    signedInAs(ALICE);
    const fake = api();
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('New webhook'));
    await type(byLabel('Name'), 'none');
    await type(byLabel('Endpoint URL'), 'https://hooks.example/in');
    for (const e of ['Artifact pushed', 'Artifact pulled', 'Artifact deleted', 'Quota exceeded']) {
      const box = byLabel<HTMLInputElement>(e);
      if (box.checked) await click(box);
    }
    await submit(byLabel('Name'));
    await until(() => expect(text()).toContain('Choose at least one event type.'));
    expect(fake.find('POST', `${BASE}/policies`)).toHaveLength(0);
  });

  it('edits a policy keeping its stored auth header unless a new one is typed, and says one is stored', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`PUT ${BASE}/policies/21`]: { body: '' } });
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('Edit webhook ci-hook'));
    expect(byLabel<HTMLInputElement>('Auth header').value).toBe('');
    expect(byLabel<HTMLInputElement>('Auth header').placeholder).toBe('(unchanged)');
    expect(text()).toContain('One is stored.');
    await type(byLabel('Description'), 'tells CI and QA');
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('PUT', `${BASE}/policies/21`)).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', `${BASE}/policies/21`)[0].body);
    expect(sent.description).toBe('tells CI and QA');
    expect(sent.targets[0]).not.toHaveProperty('auth_header');
    expect(sent.targets[0].payload_format).toBe('CloudEvents');
  });

  it('removes a stored auth header only when asked to', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`PUT ${BASE}/policies/21`]: { body: '' } });
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('Edit webhook ci-hook'));
    await click(byLabel('Remove the stored auth header'));
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('PUT', `${BASE}/policies/21`)).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', `${BASE}/policies/21`)[0].body).targets[0].auth_header).toBe('');
  });

  it('disables and deletes a policy, deleting only after a confirmation', async () => {
    signedInAs(ALICE);
    const fake = api(undefined, { [`PUT ${BASE}/policies/21`]: { body: '' }, [`DELETE ${BASE}/policies/21`]: { body: '' } });
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('Disable'));
    await until(() => expect(text()).toContain('Webhook ci-hook disabled.'));
    expect(JSON.parse(fake.find('PUT', `${BASE}/policies/21`)[0].body).enabled).toBe(false);
    await click(button('Delete webhook ci-hook'));
    expect(fake.find('DELETE', `${BASE}/policies/21`)).toHaveLength(0);
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${BASE}/policies/21`)).toHaveLength(1));
  });

  it('shows deliveries, their tasks and a task log', async () => {
    signedInAs(ALICE);
    api(undefined, {
      [`GET ${BASE}/policies/21/executions`]: list([
        { id: 40, vendor_type: 'WEBHOOK', status: 'Error', trigger: 'EVENT', extra_attrs: { event_type: 'PUSH_ARTIFACT' }, start_time: '2026-03-04T05:06:07Z' },
      ]),
      [`GET ${BASE}/policies/21/executions/40/tasks`]: list([{ id: 41, execution_id: 40, status: 'Error', status_message: 'receiver answered 500', run_count: 10 }]),
      [`GET ${BASE}/policies/21/executions/40/tasks/41/log`]: { body: 'attempt 1: POST https://ci.example/hook answered 500' },
    });
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    await click(button('Deliveries of ci-hook'));
    await until(() => expect(text()).toContain('Artifact pushed'));
    await click(button('Tasks'));
    await until(() => expect(text()).toContain('receiver answered 500'));
    await click(button('Log'));
    await until(() => expect(text()).toContain('attempt 1: POST https://ci.example/hook answered 500'));
  });

  it('is read-only for a member who may only list, and hidden from one who may not', async () => {
    signedInAs(ALICE);
    api([...ALL, { resource: 'notification-policy', action: 'list' }]);
    await mount(<App />);
    navigate('/projects/3/webhooks');
    await until(() => expect(text()).toContain('ci-hook'));
    expect(queryButton('New webhook')).toBeUndefined();
    expect(queryButton('Edit webhook ci-hook')).toBeUndefined();
    expect(queryButton('Delete webhook ci-hook')).toBeUndefined();

    api(ALL);
    await mount(<App />);
    navigate('/projects/3');
    await until(() => expect(text()).toContain('team'));
    expect(document.querySelector('a[href="/projects/3/webhooks"]')).toBeNull();
  });
});
