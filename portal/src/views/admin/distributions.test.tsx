// Administration → Distributions: the preheat provider instances, their write-only credentials,
// the connection test, enable/disable, default and delete.
import { describe, expect, it } from 'vitest';
import '..';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi, projectApi, ALL } from '../../test/fixtures';
import { button, byLabel, choose, click, dialogButton, error, list, mount, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';

const BASE = '/api/v2.0/p2p/preheat/instances';
const PROVIDERS = [
  { id: 'dragonfly', name: 'Dragonfly', version: '2.1.57' },
  { id: 'kraken', name: 'Kraken', version: '0.1.3' },
];
const DF = { id: 1, name: 'df-east', description: 'east', vendor: 'dragonfly', endpoint: 'https://df.example', auth_mode: 'OAUTH', status: 'Unknown', enabled: true, default: true, insecure: false, setup_timestamp: 1767225600 };
const KR = { id: 2, name: 'kraken-west', description: '', vendor: 'kraken', endpoint: 'http://kraken.example:8081', auth_mode: 'NONE', status: 'Unknown', enabled: false, default: false, insecure: true, setup_timestamp: 1767225600 };

function api(extra: Record<string, unknown> = {}) {
  return adminApi({ 'GET /api/v2.0/p2p/preheat/providers': { body: PROVIDERS }, [`GET ${BASE}`]: list([DF, KR]), ...extra });
}

describe('the Distributions page', () => {
  it('lists instances with their provider, endpoint, state, auth mode and the default', async () => {
    signedInAs(ADMIN);
    api();
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('df-east'));
    expect(text()).toContain('kraken-west');
    expect(text()).toContain('https://df.example');
    expect(text()).toContain('OAuth token');
    expect(text()).toContain('Kraken');
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('Distributions');
    // the default has no "set as default", the other has
    expect(() => button('Set instance df-east as default')).toThrow();
    button('Set instance kraken-west as default');
  });

  it('creates an instance with basic auth after testing the connection with what was typed', async () => {
    signedInAs(ADMIN);
    const fake = api({ [`POST ${BASE}/ping`]: { body: '' }, [`POST ${BASE}`]: { status: 201, headers: { Location: `${BASE}/df2` } } });
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('df-east'));
    await click(button('New instance'));
    await choose(byLabel<HTMLSelectElement>('Provider'), 'dragonfly');
    await type(byLabel('Name'), 'df2');
    await type(byLabel('Endpoint'), 'https://df2.example');
    await choose(byLabel<HTMLSelectElement>('Auth mode'), 'BASIC');
    await type(byLabel('Username'), 'ops');
    await type(byLabel('Password'), 's3cret');
    await click(byLabel('Skip certificate verification (insecure)'));
    await click(button('Test connection'));
    await until(() => expect(text()).toContain('The provider answered: healthy.'));
    const expected = { name: 'df2', description: '', vendor: 'dragonfly', endpoint: 'https://df2.example', auth_mode: 'BASIC', auth_info: { username: 'ops', password: 's3cret' }, enabled: true, insecure: true };
    expect(JSON.parse(fake.find('POST', `${BASE}/ping`)[0].body)).toEqual(expected);
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', BASE)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', BASE)[0].body)).toEqual(expected);
  });

  it('shows why a connection test failed', async () => {
    signedInAs(ADMIN);
    api({ [`POST ${BASE}/ping`]: error(400, 'the provider is not healthy: GET /healthy answered 503') });
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('df-east'));
    await click(button('New instance'));
    await type(byLabel('Endpoint'), 'https://down.example');
    await click(button('Test connection'));
    await until(() => expect(text()).toContain('GET /healthy answered 503'));
  });

  it('edits an instance keeping its stored token unless a new one is typed', async () => {
    signedInAs(ADMIN);
    const fake = api({ [`PUT ${BASE}/df-east`]: { body: '' }, [`POST ${BASE}/ping`]: { body: '' } });
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('df-east'));
    await click(button('Edit instance df-east'));
    expect(byLabel<HTMLInputElement>('Token').value).toBe('');
    expect(byLabel<HTMLInputElement>('Token').placeholder).toBe('(unchanged)');
    expect(byLabel<HTMLSelectElement>('Provider').disabled).toBe(true);
    // the stored instance is tested as stored
    await click(button('Test connection'));
    await until(() => expect(fake.find('POST', `${BASE}/ping`)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', `${BASE}/ping`)[0].body)).toEqual({ id: 1 });
    await type(byLabel('Description'), 'east, racks 1-4');
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('PUT', `${BASE}/df-east`)).toHaveLength(1));
    const sent = JSON.parse(fake.find('PUT', `${BASE}/df-east`)[0].body);
    expect(sent.description).toBe('east, racks 1-4');
    expect(sent).not.toHaveProperty('auth_info');
    expect(sent.default).toBe(true);

    await click(button('Edit instance df-east'));
    await type(byLabel('Token'), 'new-token');
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('PUT', `${BASE}/df-east`)).toHaveLength(2));
    expect(JSON.parse(fake.find('PUT', `${BASE}/df-east`)[1].body).auth_info).toEqual({ token: 'new-token' });
  });

  it('pings, enables, sets the default and deletes after a confirmation', async () => {
    signedInAs(ADMIN);
    const fake = api({
      [`POST ${BASE}/ping`]: { body: '' },
      [`PUT ${BASE}/kraken-west`]: { body: '' },
      [`DELETE ${BASE}/kraken-west`]: { body: '' },
    });
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('kraken-west'));
    await click(button('Test instance kraken-west'));
    await until(() => expect(text()).toContain('Instance kraken-west is healthy.'));
    expect(JSON.parse(fake.find('POST', `${BASE}/ping`)[0].body)).toEqual({ id: 2 });
    await click(button('Enable instance kraken-west'));
    await until(() => expect(text()).toContain('Instance kraken-west enabled.'));
    expect(JSON.parse(fake.find('PUT', `${BASE}/kraken-west`)[0].body).enabled).toBe(true);
    await click(button('Set instance kraken-west as default'));
    await until(() => expect(fake.find('PUT', `${BASE}/kraken-west`)).toHaveLength(2));
    expect(JSON.parse(fake.find('PUT', `${BASE}/kraken-west`)[1].body).default).toBe(true);
    await click(button('Delete instance kraken-west'));
    expect(fake.find('DELETE', `${BASE}/kraken-west`)).toHaveLength(0);
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${BASE}/kraken-west`)).toHaveLength(1));
  });

  it('is for system administrators only', async () => {
    signedInAs(ALICE);
    projectApi(ALL);
    await mount(<App />);
    navigate('/admin/distributions');
    await until(() => expect(text()).toContain('This page is for system administrators.'));
  });
});
