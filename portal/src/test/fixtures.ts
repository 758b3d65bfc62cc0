// Shared fixtures of the view tests: a project, an artifact, permission sets and a fake API
// answering what the project pages ask for.
import { session } from '../session';
import { ADMIN } from './users';
import { fakeApi, list } from './harness';

export const PROJECT = { project_id: 3, name: 'team', repo_count: 1, current_user_role_id: 1, metadata: { public: 'false' }, creation_time: '2026-01-01T00:00:00Z' };
export const DIGEST = 'sha256:' + 'ab'.repeat(32);
export const ARTIFACT = {
  id: 11,
  type: 'IMAGE',
  digest: DIGEST,
  size: 66560,
  manifest_media_type: 'application/vnd.oci.image.index.v1+json',
  push_time: '2026-01-02T00:00:00Z',
  pull_time: '0001-01-01T00:00:00.000Z',
  tags: [
    { id: 1, name: 'v1' },
    { id: 2, name: 'v2' },
  ],
  labels: [{ id: 5, name: 'prod', color: '#ff0000', scope: 'g' }],
  accessories: [{ id: 20, digest: 'sha256:' + 'cd'.repeat(32), type: 'signature.cosign', size: 10 }],
  references: [
    { parent_id: 11, child_id: 12, child_digest: 'sha256:' + '12'.repeat(32), platform: { os: 'linux', architecture: 'amd64' } },
    { parent_id: 11, child_id: 13, child_digest: 'sha256:' + '13'.repeat(32), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ],
  addition_links: { build_history: { href: '/x', absolute: false } },
};
export const ALL = [
  'repository:list', 'repository:push', 'repository:delete', 'artifact:read', 'artifact:delete', 'tag:create', 'tag:delete',
  'member:list', 'member:create', 'robot:list', 'robot:create', 'robot:delete', 'label:list', 'label:create', 'log:list',
  'metadata:read', 'project:update', 'project:delete', 'quota:read',
].map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] }));
export const GUEST = ['repository:list', 'repository:pull', 'artifact:read', 'member:list', 'robot:list', 'label:list', 'quota:read'].map((p) => ({
  resource: p.split(':')[0],
  action: p.split(':')[1],
}));

export function projectApi(perms: { resource: string; action: string }[], extra: Record<string, unknown> = {}) {
  return fakeApi({
    'GET /api/v2.0/users/current': { body: session.get().user },
    'GET /api/v2.0/systeminfo': { body: { registry_url: 'reg.example:5000' } },
    'GET /api/v2.0/projects/3': { body: PROJECT },
    'GET /api/v2.0/projects/team': { body: PROJECT },
    'GET /api/v2.0/users/current/permissions': { body: perms },
    'GET /api/v2.0/projects/team/repositories': list([{ id: 4, name: 'team/app', project_id: 3, artifact_count: 1, update_time: '2026-01-02T00:00:00Z' }]),
    'GET /api/v2.0/projects/team/repositories/app': { body: { id: 4, name: 'team/app', project_id: 3, description: '', artifact_count: 1 } },
    'GET /api/v2.0/projects/3/members': list([{ id: 8, project_id: 3, entity_name: 'bob', entity_type: 'u', entity_id: 9, role_id: 2 }]),
    'GET /api/v2.0/projects/3/summary': { body: { repo_count: 1, quota: { hard: { storage: 1073741824 }, used: { storage: 536870912 } } } },
    ...(extra as object),
  } as never);
}

/** The fake API of an administration page, signed in as ADMIN. */
/**
 * The /configurations items every Configuration page test needs besides the ones it is about:
 * database authentication and the system settings, all editable but the robot name prefix.
 */
export const BASE_CONFIG = {
  auth_mode: { value: 'db_auth', editable: true },
  self_registration: { value: false, editable: true },
  project_creation_restriction: { value: 'everyone', editable: true },
  session_timeout: { value: 60, editable: true },
  token_expiration: { value: 30, editable: true },
  robot_token_duration: { value: 30, editable: true },
  robot_name_prefix: { value: 'robot$', editable: false },
  read_only: { value: false, editable: true },
};

export function adminApi(routes: Record<string, unknown>) {
  return fakeApi({
    'GET /api/v2.0/users/current': { body: ADMIN },
    'GET /api/v2.0/systeminfo': { body: {} },
    ...routes,
  } as never);
}
