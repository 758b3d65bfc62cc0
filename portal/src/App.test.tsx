import { describe, expect, it } from 'vitest';
import './views';
import { App } from './App';
import { setLocale } from './i18n';
import { navigate } from './router';
import { fakeApi, list, mount, settle, text, until } from './test/harness';
import { ADMIN } from './test/users';

const BANNER = 'Berth is in read-only mode: pushes, deletions and changes are refused until an administrator ends it.';

function banner(): string | undefined {
  return document.querySelector('[data-testid=read-only]')?.textContent ?? undefined;
}

describe('read-only banner', () => {
  it('shows on every page while /systeminfo says read_only, in the chosen language', async () => {
    fakeApi({
      'GET /api/v2.0/users/current': { body: ADMIN },
      'GET /api/v2.0/systeminfo': { body: { read_only: true } },
      'GET /api/v2.0/projects': list([]),
      'GET /api/v2.0/users': list([]),
    });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    expect(banner()).toBe(BANNER);
    expect(document.querySelector('[data-testid=read-only]')?.getAttribute('role')).toBe('status');
    navigate('/admin/users');
    await until(() => expect(text()).toContain('No users.'));
    expect(banner()).toBe(BANNER);
    setLocale('zh-CN');
    await settle();
    expect(banner()).toBe('Berth 处于只读模式：在管理员解除之前，推送、删除和修改都会被拒绝。');
  });

  it('shows on the sign-in page too', async () => {
    fakeApi({
      'GET /api/v2.0/users/current': { status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } },
      'GET /api/v2.0/systeminfo': { body: { read_only: true } },
    });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('Sign in to Berth'));
    expect(banner()).toBe(BANNER);
  });

  it('is absent when the system is writable, and appears when the user comes back after it changed', async () => {
    let readOnly = false;
    fakeApi({
      'GET /api/v2.0/users/current': { body: ADMIN },
      'GET /api/v2.0/systeminfo': () => ({ body: { read_only: readOnly } }),
      'GET /api/v2.0/projects': list([]),
    });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    expect(banner()).toBeUndefined();
    readOnly = true;
    document.dispatchEvent(new Event('visibilitychange'));
    await until(() => expect(banner()).toBe(BANNER));
  });

  it('stays away when /systeminfo cannot be read', async () => {
    fakeApi({ 'GET /api/v2.0/users/current': { body: ADMIN }, 'GET /api/v2.0/projects': list([]) });
    await mount(<App />);
    navigate('/projects');
    await until(() => expect(text()).toContain('No projects yet'));
    expect(banner()).toBeUndefined();
  });
});
