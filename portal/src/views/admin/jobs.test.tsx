import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi } from '../../test/fixtures';
import { button, click, dialogButton, list, mount, text, until } from '../../test/harness';
import { ADMIN, signedInAs } from '../../test/users';

const POOL = { pid: 1, worker_pool_id: 'pool-a', start_at: '2026-01-01T00:00:00Z', heartbeat_at: '2026-01-01T00:00:05Z', concurrency: 4, host: 'berth-1' };
const WORKERS = [
  { id: 'w1', pool_id: 'pool-a', job_name: 'GARBAGE_COLLECTION', job_id: 'j-42', start_at: '2026-01-01T00:00:01Z' },
  { id: 'w2', pool_id: 'pool-a' },
];

/** The cells of the table captioned so, row by row. */
function rows(caption: string): string[][] {
  const table = [...document.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent === caption);
  if (!table) throw new Error(`no table ${caption}`);
  return [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
}

describe('job service', () => {
  it('pauses and resumes all schedules after confirming, as Harbor does with the scheduler queue', async () => {
    signedInAs(ADMIN);
    let paused = false;
    const fake = adminApi({
      'GET /api/v2.0/jobservice/pools': { body: [] },
      'GET /api/v2.0/jobservice/pools/all/workers': { body: [] },
      'GET /api/v2.0/jobservice/queues': { body: [] },
      'GET /api/v2.0/schedules': list([{ id: 1, vendor_type: 'GARBAGE_COLLECTION', vendor_id: 0, cron: '0 0 0 * * *', update_time: '2026-01-01T00:00:00Z' }]),
      'GET /api/v2.0/schedules/all/paused': () => ({ body: { paused } }),
      'PUT /api/v2.0/jobservice/queues/SCHEDULER': (c: { body: string }) => {
        paused = JSON.parse(c.body).action === 'pause';
        return { body: '' };
      },
    });
    await mount(<App />);
    navigate('/admin/jobs');
    await until(() => expect(text()).toContain('Schedules running'));
    expect(rows('Schedules')[0][0]).toBe('Garbage collection');
    await click(button('Pause all schedules'));
    await click(dialogButton('Pause all schedules'));
    await until(() => expect(text()).toContain('Schedules paused'));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/jobservice/queues/SCHEDULER')[0].body)).toEqual({ action: 'pause' });
    await click(button('Resume all schedules'));
    await click(dialogButton('Resume all schedules'));
    await until(() => expect(text()).toContain('Schedules running'));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/jobservice/queues/SCHEDULER')[1].body)).toEqual({ action: 'resume' });
  });

  it('lists pools, busy workers and queues, and acts on them', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/jobservice/pools': { body: [POOL] },
      'GET /api/v2.0/jobservice/pools/all/workers': { body: WORKERS },
      'GET /api/v2.0/jobservice/pools/pool-a/workers': { body: WORKERS },
      'GET /api/v2.0/jobservice/queues': { body: [{ job_type: 'REPLICATION', count: 3, latency: 12, paused: true }] },
      'GET /api/v2.0/schedules': list([]),
      'GET /api/v2.0/schedules/all/paused': { body: { paused: false } },
      'PUT /api/v2.0/jobservice/queues/REPLICATION': { body: '' },
      'PUT /api/v2.0/jobservice/jobs/j-42': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/jobs');
    await until(() => expect(text()).toContain('pool-a'));
    expect(rows('Worker pools')[0].slice(0, 4)).toEqual(['pool-a', 'berth-1', '4', '1']);
    expect(text()).toContain('1 of 2 workers busy');
    // the workers of the pool, idle ones too
    await until(() => expect(rows('Workers of pool pool-a')).toHaveLength(2));
    expect(rows('Workers of pool pool-a')[0].slice(0, 2)).toEqual(['w1', 'Garbage collection j-42']);
    expect(rows('Workers of pool pool-a')[1].slice(0, 2)).toEqual(['w2', 'idle']);
    expect(rows('Queues')[0].slice(0, 3)).toEqual(['Replication paused', '3', '12 s']);
    await click(button('Resume'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/jobservice/queues/REPLICATION')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/jobservice/queues/REPLICATION')[0].body)).toEqual({ action: 'resume' });
    await until(() => expect(text()).toContain('Queue Replication resumed.'));
    await click(button('Stop job j-42'));
    expect(text()).toContain('Stop job j-42?');
    await click(dialogButton('Stop'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/jobservice/jobs/j-42')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/jobservice/jobs/j-42')[0].body)).toEqual({ action: 'stop' });
  });

  it('says so when there are no pools, busy workers or queues', async () => {
    signedInAs(ADMIN);
    adminApi({
      'GET /api/v2.0/jobservice/pools': { body: [] },
      'GET /api/v2.0/jobservice/pools/all/workers': { body: [] },
      'GET /api/v2.0/jobservice/queues': { body: [] },
      'GET /api/v2.0/schedules': list([]),
      'GET /api/v2.0/schedules/all/paused': { body: { paused: false } },
    });
    await mount(<App />);
    navigate('/admin/jobs');
    await until(() => expect(text()).toContain('No live worker pools.'));
    expect(text()).toContain('No queued jobs.');
    expect(text()).toContain('0 of 0 workers busy');
    expect(document.querySelectorAll('.card table')).toHaveLength(0);
  });
});
