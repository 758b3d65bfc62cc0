import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, q, repoPath, setUnauthorizedHandler } from './api';
import { catalogs, setLocale, t } from './i18n';
import { match, pathOf, registerRoute } from './router';
import { fakeApi, error, list } from './test/harness';
import { bytes, shortDigest } from './ui/format';

const Dummy = () => null;

describe('route registry', () => {
  registerRoute({ path: '/t/:project/:tab', view: Dummy, title: 'projects.title' });
  registerRoute({ path: '/t/:project/repositories/*repo', view: Dummy, title: 'artifacts.title' });
  registerRoute({ path: '/t/:project/repositories/*repo/artifacts/:reference', view: Dummy, title: 'artifact.title' });

  it('prefers the most specific route and keeps slashes in repository names', () => {
    expect(match('/t/3/members')?.params).toEqual({ project: '3', tab: 'members' });
    expect(match('/t/3/repositories/team/app')?.params).toEqual({ project: '3', repo: 'team/app' });
    expect(match('/t/3/repositories/team/app/artifacts/sha256:ab')?.params).toEqual({ project: '3', repo: 'team/app', reference: 'sha256:ab' });
    expect(match('/nowhere/at/all')).toBeUndefined();
  });

  it('builds paths segment by segment', () => {
    expect(pathOf('t', 3, 'repositories', 'team/my app')).toBe('/t/3/repositories/team/my%20app');
  });
});

describe('api client', () => {
  it('sends the CSRF token from the cookie on changes, never on reads', async () => {
    document.cookie = '__csrf=tok%2B1; Path=/';
    const fake = fakeApi({ 'POST /api/v2.0/projects': { status: 201, headers: { Location: '/api/v2.0/projects/9' } }, 'GET /api/v2.0/projects': list([]) });
    expect(await api.create('/projects', { project_name: 'x' })).toBe('/api/v2.0/projects/9');
    await api.page('/projects');
    expect(fake.find('POST', '/api/v2.0/projects')[0].headers['X-Harbor-CSRF-Token']).toBe('tok+1');
    expect(fake.find('GET', '/api/v2.0/projects')[0].headers['X-Harbor-CSRF-Token']).toBeUndefined();
  });

  it("reports the API's own error message and the total count", async () => {
    fakeApi({ 'GET /api/v2.0/users': list([{ user_id: 1 }], 42), 'DELETE /api/v2.0/users/1': error(403, 'the last administrator cannot be deleted') });
    expect((await api.page('/users', { page: 2 })).total).toBe(42);
    const e = await api.del('/users/1').catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe('the last administrator cannot be deleted');
    expect(e.status).toBe(403);
  });

  it('tells the session handler about a 401', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    fakeApi({ 'GET /api/v2.0/projects/1/members': error(401, 'unauthorized') });
    await api.get('/projects/1/members').catch(() => {});
    expect(handler).toHaveBeenCalledOnce();
  });

  it("double-encodes repository names and writes Harbor's q syntax", () => {
    expect(repoPath('team/app')).toBe('team%252Fapp');
    expect(q({ name: '~ab', public: 'true', owner: undefined })).toBe('name=~ab,public=true');
  });
});

describe('i18n', () => {
  it('ships English and Simplified Chinese with the same keys', () => {
    expect(Object.keys(catalogs['zh-CN']).sort()).toEqual(Object.keys(catalogs.en).sort());
    for (const [k, v] of Object.entries(catalogs['zh-CN'])) expect(v, k).not.toBe('');
  });

  it('switches language and fills parameters', () => {
    expect(t('projects.created', { name: 'x' })).toBe('Project x created.');
    setLocale('zh-CN');
    expect(t('projects.created', { name: 'x' })).toBe('项目 x 已创建。');
    expect(document.documentElement.lang).toBe('zh-CN');
  });
});

describe('formatting', () => {
  it('shows sizes and digests compactly', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(66560)).toBe('65.0 KiB');
    expect(bytes(-1)).toBe('∞');
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
  });
});
