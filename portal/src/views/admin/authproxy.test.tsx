import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { BASE_CONFIG, adminApi } from '../../test/fixtures';
import { byLabel, choose, click, mount, submit, type, until } from '../../test/harness';
import { ADMIN, signedInAs } from '../../test/users';

const CONFIG = {
  ...BASE_CONFIG,
  http_authproxy_endpoint: { value: '', editable: true },
  http_authproxy_tokenreview_endpoint: { value: '', editable: true },
  http_authproxy_admin_groups: { value: '', editable: true },
  http_authproxy_admin_usernames: { value: '', editable: true },
  http_authproxy_verify_cert: { value: true, editable: true },
  http_authproxy_skip_search: { value: false, editable: true },
};

describe('HTTP auth proxy settings', () => {
  it('switches to the auth proxy and saves its endpoints and administrators, nothing else', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/configurations': { body: CONFIG },
      'PUT /api/v2.0/configurations': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel('Authentication mode').value).toBe('db_auth'));
    expect(document.querySelector('[name=http_authproxy_endpoint]')).toBeNull();

    await choose(byLabel<HTMLSelectElement>('Authentication mode'), 'http_auth');
    await type(byLabel('Login endpoint'), 'https://auth.example.com/login');
    await type(byLabel('TokenReview endpoint'), 'https://auth.example.com/tokenreview');
    await type(byLabel('Administrator groups'), 'registry-admins');
    const skip = document.querySelector<HTMLInputElement>('[name=http_authproxy_skip_search]')!;
    expect(skip.checked).toBe(false);
    await click(skip);

    await submit(byLabel('Login endpoint'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/configurations')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/configurations')[0].body)).toEqual({
      auth_mode: 'http_auth',
      http_authproxy_endpoint: 'https://auth.example.com/login',
      http_authproxy_tokenreview_endpoint: 'https://auth.example.com/tokenreview',
      http_authproxy_admin_groups: 'registry-admins',
      http_authproxy_skip_search: true,
    });
  });
});
