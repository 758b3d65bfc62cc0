// The project's Proxy cache tab: the upstream's rate-limit figures and Retry-After hold, each
// cached tag's upstream digest, revalidation and staleness; absent for a normal project.
import { describe, expect, it } from 'vitest';
import '..';
import { App } from '../../App';
import { navigate } from '../../router';
import { ALL, PROJECT, projectApi } from '../../test/fixtures';
import { list, mount, text, until } from '../../test/harness';
import { ALICE, signedInAs } from '../../test/users';

const BASE = '/api/v2.0/projects/3/proxy-cache';
const READ = [...ALL, { resource: 'configuration', action: 'read' }];
const STATUS = {
  registry_id: 7,
  registry_name: 'hub',
  registry_type: 'docker-hub',
  registry_url: 'https://hub.docker.com',
  revalidate_after_seconds: 60,
  upstream_held_until: '2026-03-04T05:10:00Z',
  rate_limit: { remaining: '97;w=21600', limit: '100;w=21600', seen_at: '2026-03-04T05:06:07Z' },
  cached_tags: 2,
  stale_tags: 1,
};
const TAGS = [
  { repository_name: 'team/library/nginx', tag: '1.27', upstream_digest: 'sha256:' + 'aa'.repeat(32), last_revalidation: '2026-03-04T05:00:00Z', stale: false },
  { repository_name: 'team/library/redis', tag: '7', upstream_digest: 'sha256:' + 'bb'.repeat(32), last_revalidation: '2026-03-04T04:00:00Z', stale: true },
];

describe('the project Proxy cache tab', () => {
  it('shows the upstream rate limit, the hold and every cached tag with its state', async () => {
    signedInAs(ALICE);
    projectApi(READ, {
      'GET /api/v2.0/projects/3': { body: { ...PROJECT, registry_id: 7 } },
      [`GET ${BASE}`]: { body: STATUS },
      [`GET ${BASE}/tags`]: list(TAGS),
    });
    await mount(<App />);
    navigate('/projects/3/proxy-cache');
    await until(() => expect(text()).toContain('team/library/nginx'));
    expect(text()).toContain('97;w=21600 remaining of 100;w=21600');
    expect(text()).toContain('Upstream calls held back until');
    expect(text()).toContain('2 cached, 1 stale');
    expect(text()).toContain('sha256:' + 'bb'.repeat(32));
    expect(text()).toContain('Stale');
    expect(text()).toContain('Fresh');
  });

  it('is not offered for a normal project', async () => {
    signedInAs(ALICE);
    projectApi(READ);
    await mount(<App />);
    navigate('/projects/3');
    await until(() => expect(text()).toContain('team'));
    expect(text()).not.toContain('Proxy cache');
  });
});
