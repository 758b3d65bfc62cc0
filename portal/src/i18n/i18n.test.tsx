// The build's guard on 简体中文: besides the compiler's check that every catalog has every key, these
// fail `npm test` (and so the Maven build) when a Chinese string is left in English, or when a word
// the server sends (a status, a job type, an operation …) shows untranslated on a Chinese page.
import { describe, expect, it } from 'vitest';
import '../views';
import { App } from '../App';
import { navigate } from '../router';
import { ALL, ARTIFACT, adminApi, projectApi } from '../test/fixtures';
import { button, click, list, mount, settle, until } from '../test/harness';
import { ADMIN, ALICE, signedInAs } from '../test/users';
import { en } from './en';
import { setLocale } from './index';
import { allWords, ACCESSORY_TYPES, AUDIT_FIELDS, ARTIFACT_TYPES, JOB_STATUSES, JOB_TYPES, OPERATIONS, PERM_ACTIONS, PERM_RESOURCES, RESOURCE_TYPES, TRIGGERS } from './words';
import { zhCN } from './zh-CN';

/** Chinese strings that are rightly the same as English: commands, protocols, Harbor's kept terms. */
const SAME_IN_CHINESE = new Set([
  // Harbor's Chinese portal keeps these names
  'webhooks.title',
  'webhooks.notify.http',
  'webhooks.notify.slack',
  'artifact.dockerPull',
  'artifact.podmanPull',
  'artifact.helmPull',
  'artifact.orasPull',
  'artifacts.title',
  'artifact.title',
  'preheat.artifact',
  'artifacts.tags',
  'tags.name',
  'immutability.tags',
  'groups.type.ldap',
  'ldap.settings',
  'ldap.groupDn',
  'word.value.ldap_auth',
  'word.value.oidc_auth',
  'groups.type.oidc',
  'runs.cron',
  'quota.usedOf',
  'word.resourceType.artifact',
  'word.resourceType.tag',
  'word.permResource.artifact',
  'word.permResource.tag',
  'word.artifactType.CNAB',
  'word.artifactType.WASM',
  'word.artifactType.CHART',
  'word.jobType.WEBHOOK',
  'word.component.redis',
  'word.value.s3',
]);
const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

describe('the Chinese catalog', () => {
  it('is Chinese wherever English is not rightly kept', () => {
    const english = Object.entries(zhCN).filter(([k, v]) => !SAME_IN_CHINESE.has(k) && !CJK.test(v));
    expect(english.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });

  it('keeps the placeholders of the English strings', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of Object.entries(en)) expect(params(zhCN[k as keyof typeof en]), k).toEqual(params(v));
  });

  it('uses Harbor’s terms: a label is 标签, a tag stays Tag', () => {
    for (const [k, v] of Object.entries(zhCN)) {
      if (k.startsWith('labels.') || k === 'artifacts.labels') expect(v, k).not.toMatch(/标记/);
      if (k.startsWith('tags.')) expect(v, k).not.toMatch(/标签/);
    }
    expect(zhCN['labels.title']).toBe('标签');
    expect(zhCN['tags.add']).toBe('添加 Tag');
  });
});

/** What a reader sees: the page's text without digests, code and commands (kept as they are). */
function visibleText(): string {
  const copy = document.body.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('code, .mono, pre, script, style').forEach((el) => el.remove());
  // text by text node, so that neighbouring cells ("0 B" and "Pending") stay apart
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.textContent ?? '');
  return parts.join('\n');
}

/** The server's value and its English word, for every listed word that Chinese says otherwise. */
const UNTRANSLATED = allWords().flatMap(({ kind, value }) => {
  const key = `word.${kind}.${value}` as keyof typeof en;
  return [value, en[key]].filter((w) => w !== zhCN[key] && !zhCN[key].includes(w));
});

function englishWordsIn(text: string): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...new Set(UNTRANSLATED.filter((w) => new RegExp(`(^|[^A-Za-z_])${escape(w)}($|[^A-Za-z_])`).test(text)))];
}

describe('no English status word in 简体中文', () => {
  const history = JOB_STATUSES.flatMap((status, i) =>
    TRIGGERS.map((kind, j) => ({ id: i * 10 + j + 1, job_kind: kind, job_status: status, job_parameters: '{"dry_run":true,"delete_untagged":false,"workers":1,"freed_space":0}' })),
  );

  it('on the garbage collection page', async () => {
    signedInAs(ADMIN);
    setLocale('zh-CN');
    adminApi({ 'GET /api/v2.0/system/gc': list(history), 'GET /api/v2.0/system/gc/schedule': { body: {} } });
    await mount(<App />);
    navigate('/admin/gc');
    await until(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(history.length));
    expect(englishWordsIn(visibleText())).toEqual([]);
  });

  it('on the job service page', async () => {
    signedInAs(ADMIN);
    setLocale('zh-CN');
    const workers = JOB_TYPES.map((type, i) => ({ id: `pool-a#${i}`, pool_id: 'pool-a', job_name: type, job_id: String(i + 1), start_at: '2026-01-01T00:00:00Z' }));
    adminApi({
      'GET /api/v2.0/jobservice/pools': { body: [{ pid: 1, worker_pool_id: 'pool-a', start_at: '2026-01-01T00:00:00Z', heartbeat_at: '2026-01-01T00:00:00Z', concurrency: workers.length, host: 'h' }] },
      'GET /api/v2.0/jobservice/pools/all/workers': { body: workers },
      'GET /api/v2.0/jobservice/pools/pool-a/workers': { body: workers },
      'GET /api/v2.0/jobservice/queues': { body: JOB_TYPES.map((type, i) => ({ job_type: type, count: i, latency: i, paused: i % 2 === 0 })) },
      'GET /api/v2.0/schedules': list(JOB_TYPES.map((type, i) => ({ id: i + 1, vendor_type: type, vendor_id: 0, cron: '0 0 * * * *', update_time: '2026-01-01T00:00:00Z' }))),
      'GET /api/v2.0/schedules/all/paused': { body: { paused: true } },
    });
    await mount(<App />);
    navigate('/admin/jobs');
    await until(() => expect(document.querySelectorAll('table')).toHaveLength(4));
    await settle();
    expect(englishWordsIn(visibleText())).toEqual([]);
  });

  it('on the audit log', async () => {
    signedInAs(ADMIN);
    setLocale('zh-CN');
    const entries = RESOURCE_TYPES.flatMap((type, i) =>
      OPERATIONS.map((op, j) => ({ id: i * 10 + j, resource: `team/${type}`, resource_type: type, username: 'admin', operation: op, op_time: '2026-01-01T00:00:00Z' })),
    );
    // what each change names, with values that are words too
    AUDIT_FIELDS.forEach((field, i) =>
      entries.push({ id: 10_000 + i, resource: 'team', resource_type: 'project', username: 'admin', operation: 'update', op_time: '2026-01-01T00:00:00Z', operation_description: `${field}: false → true; ${field}` } as (typeof entries)[number]),
    );
    adminApi({ 'GET /api/v2.0/auditlog-exts': () => list(entries) });
    await mount(<App />);
    navigate('/admin/audit');
    await until(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(entries.length));
    expect(englishWordsIn(visibleText())).toEqual([]);
  });

  it('on the system information page', async () => {
    signedInAs(ADMIN);
    setLocale('zh-CN');
    adminApi({
      'GET /api/v2.0/systeminfo': { body: { auth_mode: 'db_auth', self_registration: false, project_creation_restriction: 'adminonly', registry_storage_provider_name: 'filesystem', read_only: false } },
      'GET /api/v2.0/health': { body: { status: 'unhealthy', components: [{ name: 'core', status: 'healthy' }, { name: 'database', status: 'healthy' }, { name: 'storage', status: 'unhealthy', error: 'disk' }] } },
      'GET /api/v2.0/statistics': { body: {} },
    });
    await mount(<App />);
    navigate('/admin/system');
    await until(() => expect(document.querySelectorAll('.card')).toHaveLength(3));
    expect(englishWordsIn(visibleText())).toEqual([]);
  });

  it('on a repository’s artifacts', async () => {
    signedInAs(ALICE);
    setLocale('zh-CN');
    const artifacts = ARTIFACT_TYPES.map((type, i) => ({
      ...ARTIFACT,
      id: i + 1,
      type,
      accessories: ACCESSORY_TYPES.map((x, j) => ({ id: 100 + j, digest: 'sha256:' + 'cd'.repeat(32), type: x, size: 1 })),
    }));
    projectApi(ALL, { 'GET /api/v2.0/projects/team/repositories/app/artifacts': list(artifacts) });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(document.querySelectorAll('tbody tr')).toHaveLength(artifacts.length));
    expect(englishWordsIn(visibleText())).toEqual([]);
  });

  it('in the robot permission matrix', async () => {
    signedInAs(ADMIN);
    setLocale('zh-CN');
    const every = PERM_RESOURCES.flatMap((resource) => PERM_ACTIONS.map((action) => ({ resource, action })));
    adminApi({ 'GET /api/v2.0/robots': list([]), 'GET /api/v2.0/permissions': { body: { system: every, project: every } } });
    await mount(<App />);
    navigate('/admin/robots');
    await until(() => expect(document.querySelector('.toolbar-actions button')).not.toBeNull());
    await click(button('新建机器人账户'));
    await until(() => expect(document.querySelectorAll('fieldset.matrix')).toHaveLength(2));
    expect(englishWordsIn(visibleText())).toEqual([]);
  });
});
