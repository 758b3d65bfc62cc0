import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi } from '../../test/fixtures';
import { button, byLabel, choose, click, dialogButton, fakeApi, list, mount, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';

const DIST = { id: 3, name: 'dist', type: 'docker-registry', url: 'https://registry.example.com', insecure: false, status: 'healthy', credential: { type: 'basic', access_key: '*****', access_secret: '*****' } };
const POLICY = {
  id: 7,
  name: 'mirror',
  src_registry: { id: 0, name: 'Local' },
  dest_registry: { id: 3, name: 'dist' },
  dest_namespace: 'm',
  dest_namespace_replace_count: 1,
  filters: [
    { type: 'name', value: 'library/**' },
    { type: 'tag', value: 'rc-*', decoration: 'excludes' },
    { type: 'label', value: ['ship'], decoration: 'matches' },
  ],
  trigger: { type: 'event_based' },
  deletion: true,
  override: true,
  enabled: true,
  speed: 0,
  copy_by_chunk: false,
};

describe('registries', () => {
  it('lists endpoints, tests a connection and creates one with a write-only secret', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/registries': list([DIST]),
      'GET /api/v2.0/replication/adapters': { body: ['docker-registry', 'harbor'] },
      'POST /api/v2.0/registries/ping': { body: '' },
      'POST /api/v2.0/registries': { status: 201, headers: { Location: '/api/v2.0/registries/4' } },
    });
    await mount(<App />);
    navigate('/admin/registries');
    await until(() => expect(text()).toContain('https://registry.example.com'));
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('Registries');
    await click(button('Test connection to dist'));
    await until(() => expect(fake.find('POST', '/api/v2.0/registries/ping')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/registries/ping')[0].body)).toEqual({ id: 3 });
    await until(() => expect(text()).toContain('dist is healthy.'));

    await click(button('New endpoint'));
    await until(() => expect(byLabel<HTMLSelectElement>('Provider').options.length).toBe(2));
    await choose(byLabel<HTMLSelectElement>('Provider'), 'docker-registry');
    await type(byLabel('Name'), 'hub');
    await type(byLabel('Endpoint URL'), 'https://hub.example.com');
    await type(byLabel('Access ID'), 'bot');
    await type(byLabel('Access secret'), 's3cret');
    await submit(button('Create'));
    await until(() => expect(fake.find('POST', '/api/v2.0/registries')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/registries')[0].body)).toEqual({
      name: 'hub',
      type: 'docker-registry',
      url: 'https://hub.example.com',
      description: '',
      insecure: false,
      credential: { type: 'basic', access_key: 'bot', access_secret: 's3cret' },
    });
  });

  it('is for system administrators only', async () => {
    signedInAs(ALICE);
    fakeApi({ 'GET /api/v2.0/users/current': { body: ALICE }, 'GET /api/v2.0/systeminfo': { body: {} } });
    await mount(<App />);
    navigate('/admin/registries');
    await until(() => expect(text()).not.toContain('New endpoint'));
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).not.toContain('Replications');
  });
});

describe('replications', () => {
  it('edits a policy keeping its filters, trigger and deletion, and runs it', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/replication/policies': list([POLICY]),
      'GET /api/v2.0/registries': list([DIST]),
      'PUT /api/v2.0/replication/policies/7': { body: '' },
      'POST /api/v2.0/replication/executions': { status: 201, headers: { Location: '/api/v2.0/replication/executions/12' } },
      'GET /api/v2.0/replication/executions/12': { body: { id: 12, policy_id: 7, status: 'InProgress', trigger: 'manual', total: 2, succeed: 1, failed: 0, in_progress: 1, stopped: 0 } },
      'GET /api/v2.0/replication/executions/12/tasks': list([{ id: 40, status: 'Failed', operation: 'copy', resource_type: 'image', src_resource: 'library/a:[v1]', dst_resource: 'm/a:[v1]' }]),
      'GET /api/v2.0/replication/executions/12/tasks/40/log': { body: 'uploading blob sha256:ab answered HTTP 429; retry 1 of 4 in 1000 ms' },
      'PUT /api/v2.0/replication/executions/12': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/replications');
    await until(() => expect(text()).toContain('mirror'));
    expect(text()).toContain('Event based');
    await click(button('Edit replication rule mirror'));
    expect(byLabel('Tag').value).toBe('rc-*');
    expect(byLabel('Label').value).toBe('ship');
    await type(byLabel('Bandwidth (KiB/s, 0 unlimited)'), '512');
    await submit(button('Save'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/replication/policies/7')).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', '/api/v2.0/replication/policies/7')[0].body);
    expect(sent.filters).toEqual(POLICY.filters);
    expect(sent.trigger).toEqual({ type: 'event_based' });
    expect(sent).toMatchObject({ deletion: true, speed: 512, dest_registry: { id: 3 }, src_registry: null, dest_namespace_replace_count: 1 });

    await click(button('Replicate mirror now'));
    await click(dialogButton('Replicate'));
    await until(() => expect(fake.find('POST', '/api/v2.0/replication/executions')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/replication/executions')[0].body)).toEqual({ policy_id: 7 });
    await until(() => expect(text()).toContain('library/a:[v1]'));
    expect(text()).toContain('1 of 2 succeeded, 0 failed');
    await click(button('Log of task 40'));
    await until(() => expect(text()).toContain('retry 1 of 4'));
    await click(button('Stop'));
    await click(dialogButton('Stop'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/replication/executions/12')).toHaveLength(1));
  });
});
