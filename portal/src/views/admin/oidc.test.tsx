import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { session } from '../../session';
import { BASE_CONFIG, adminApi } from '../../test/fixtures';
import { button, byLabel, choose, click, fakeApi, mount, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';
import { LoginView } from '../login';
import { localTarget, OidcOnboardView } from '../oidc-onboard';

const CONFIG = {
  ...BASE_CONFIG,
  oidc_name: { value: '', editable: true },
  oidc_endpoint: { value: '', editable: true },
  oidc_client_id: { value: '', editable: true },
  oidc_groups_claim: { value: '', editable: true },
  oidc_admin_group: { value: '', editable: true },
  oidc_group_filter: { value: '', editable: true },
  oidc_scope: { value: '', editable: true },
  oidc_user_claim: { value: '', editable: true },
  oidc_extra_redirect_parms: { value: '{}', editable: true },
  oidc_verify_cert: { value: true, editable: true },
  oidc_auto_onboard: { value: false, editable: true },
};

describe('OIDC authentication settings', () => {
  it('switches to OIDC, tests the endpoint on screen, and saves only what changed (the secret write-only)', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/configurations': { body: CONFIG },
      'PUT /api/v2.0/configurations': { body: '' },
      'POST /api/v2.0/system/oidc/ping': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel('Authentication mode').value).toBe('db_auth'));
    expect(document.querySelector('[name=oidc_endpoint]')).toBeNull();
    await choose(byLabel<HTMLSelectElement>('Authentication mode'), 'oidc_auth');
    await type(byLabel('Provider name'), 'Corp SSO');
    await type(byLabel('Endpoint (issuer URL)'), 'https://sso.example.com/realms/corp');
    await type(byLabel('Client ID'), 'berth');
    await type(byLabel('Client secret'), 'Client-Secret-1');
    await type(byLabel('Groups claim'), 'groups');
    expect(byLabel('Client secret').type).toBe('password');

    await click(button('Test OIDC server'));
    await until(() => expect(text()).toContain('The OIDC provider answers.'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/oidc/ping')[0].body)).toEqual({
      url: 'https://sso.example.com/realms/corp',
      verify_cert: true,
    });

    await submit(byLabel('Client ID'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({
      auth_mode: 'oidc_auth',
      oidc_name: 'Corp SSO',
      oidc_endpoint: 'https://sso.example.com/realms/corp',
      oidc_client_id: 'berth',
      oidc_client_secret: 'Client-Secret-1',
      oidc_groups_claim: 'groups',
    });
  });
});

describe('OIDC sign-in', () => {
  it('offers the provider on the sign-in page', async () => {
    fakeApi({});
    session.set({ user: null, expired: false, info: { auth_mode: 'oidc_auth', oidc_provider_name: 'Corp SSO' } });
    await mount(<LoginView />);
    const link = [...document.querySelectorAll('a')].find((a) => a.textContent === 'Login via Corp SSO');
    expect(link?.getAttribute('href')).toMatch(/^\/c\/oidc\/login\?redirect_url=/);
  });

  it('onboards a new user under the name they choose, then goes on to a local path only', async () => {
    const fake = fakeApi({
      'POST /c/oidc/onboard': { body: '' },
      'GET /api/v2.0/users/current': { body: ALICE },
      'GET /api/v2.0/systeminfo': { body: { auth_mode: 'oidc_auth' } },
    });
    session.set({ user: null, expired: false, info: { auth_mode: 'oidc_auth' } });
    navigate('/oidc-onboard?username=alice_smith&redirect_url=/projects');
    await mount(<OidcOnboardView />);
    expect(byLabel('Username').value).toBe('alice_smith');
    await type(byLabel('Username'), 'alice');
    await submit(byLabel('Username'));
    await until(() => expect(fake.find('POST', '/c/oidc/onboard')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/c/oidc/onboard')[0].body)).toEqual({ username: 'alice' });
    expect(localTarget('/projects')).toBe('/projects');
    expect(localTarget('//evil.example')).toBe('/');
    expect(localTarget('https://evil.example')).toBe('/');
  });

  it('shows the CLI secret on demand and regenerates it; no password form for OIDC users', async () => {
    const me = { ...ALICE, oidc_user_meta: { id: 1, user_id: 7, subiss: 'sub-iss', secret: 'Cli-Secret-9' } };
    signedInAs(me, { auth_mode: 'oidc_auth' });
    const fake = fakeApi({
      'GET /api/v2.0/users/current': { body: me },
      'GET /api/v2.0/users/current/permissions': { body: [] },
      'GET /api/v2.0/systeminfo': { body: { auth_mode: 'oidc_auth' } },
      'PUT /api/v2.0/users/7/cli_secret': { body: '' },
    });
    await mount(<App />);
    navigate('/account');
    await until(() => expect(byLabel('CLI secret').value).toBe('Cli-Secret-9'));
    expect(byLabel('CLI secret').type).toBe('password');
    await click(button('Show'));
    expect(byLabel('CLI secret').type).toBe('text');
    expect(text()).not.toContain('Change password');
    await click(button('Generate a new secret'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/users/7/cli_secret')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/users/7/cli_secret')[0].body)).toEqual({ secret: '' });
  });
});
