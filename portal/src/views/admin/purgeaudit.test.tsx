import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi } from '../../test/fixtures';
import { button, byLabel, dialogButton, choose, click, error, fakeApi, list, mount, submit, text, type, until } from '../../test/harness';
import { ADMIN, ALICE, signedInAs } from '../../test/users';

const ALL_TYPES = 'create,update,delete,pull,login,logout';

function purgeApi(routes: Record<string, unknown>) {
  return adminApi({
    'GET /api/v2.0/system/purgeaudit': list([]),
    'GET /api/v2.0/system/purgeaudit/schedule': { body: {} },
    ...routes,
  });
}

function checkbox(label: string): HTMLInputElement {
  return byLabel<HTMLInputElement>(label);
}


describe('audit log purge', () => {
  it('starts a dry run with the retention and event types and follows it to the end', async () => {
    signedInAs(ADMIN);
    let polls = 0;
    let history: unknown[] = [];
    const fake = purgeApi({
      'GET /api/v2.0/system/purgeaudit': () => list(history),
      'POST /api/v2.0/system/purgeaudit/schedule': { status: 201, headers: { Location: '/api/v2.0/system/purgeaudit/9' } },
      'GET /api/v2.0/system/purgeaudit/9': () => {
        const done = ++polls >= 2;
        const run = { id: 9, job_kind: 'MANUAL', job_status: done ? 'Success' : 'Running', job_parameters: '{"dry_run":true,"would_purge_rows":42}' };
        if (done) history = [run];
        return { body: run };
      },
    });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('The audit log has not been purged yet.'));
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toContain('Audit log purge');
    expect(byLabel('Keep entries for').value).toBe('30');
    await click(button('Dry run'));
    await until(() => expect(text()).toContain('Run 9: Running'));
    expect(document.querySelector('[data-testid=purge-progress] progress')).not.toBeNull();
    await until(() => expect(text()).toContain('Run 9: Success'), 10000);
    expect(text()).toContain('Audit log purge 9 ended: Success');
    await until(() => expect(text()).toContain('entries a real run would purge: 42'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/purgeaudit/schedule')[0].body)).toEqual({
      schedule: { type: 'Manual' },
      parameters: { audit_retention_hour: 720, include_event_types: ALL_TYPES, dry_run: true },
    });
  });

  it('purges for real only after confirmation, with the chosen hours and types', async () => {
    signedInAs(ADMIN);
    const fake = purgeApi({
      'POST /api/v2.0/system/purgeaudit/schedule': { status: 201, headers: { Location: '/api/v2.0/system/purgeaudit/10' } },
      'GET /api/v2.0/system/purgeaudit/10': { body: { id: 10, job_status: 'Success' } },
    });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('The audit log has not been purged yet.'));
    await type(byLabel('Keep entries for'), '12');
    await choose(byLabel<HTMLSelectElement>('Unit'), 'hours');
    await click(checkbox('Sign in'));
    await click(checkbox('Sign out'));
    await click(button('Purge now'));
    expect(text()).toContain('Delete the audit log entries older than 12 hours of the chosen event types now?');
    await click(dialogButton('Cancel'));
    expect(fake.find('POST', '/api/v2.0/system/purgeaudit/schedule')).toHaveLength(0);
    await click(button('Purge now'));
    await click(dialogButton('Purge now'));
    await until(() => expect(fake.find('POST', '/api/v2.0/system/purgeaudit/schedule')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/purgeaudit/schedule')[0].body).parameters).toEqual({
      audit_retention_hour: 12,
      include_event_types: 'create,update,delete,pull',
      dry_run: false,
    });
  });

  it('refuses to start without an event type or with a bad retention', async () => {
    signedInAs(ADMIN);
    purgeApi({});
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('The audit log has not been purged yet.'));
    for (const op of ['Create', 'Update', 'Delete', 'Pull', 'Sign in', 'Sign out']) await click(checkbox(op));
    expect(text()).toContain('Choose at least one event type');
    expect(button('Dry run').disabled).toBe(true);
    expect(button('Purge now').disabled).toBe(true);
    await click(checkbox('Pull'));
    expect(button('Dry run').disabled).toBe(false);
    await type(byLabel('Keep entries for'), '0');
    expect(text()).toContain('from 1 hour to 240000 hours');
    expect(button('Dry run').disabled).toBe(true);
  });

  it("shows the API's refusal to start", async () => {
    signedInAs(ADMIN);
    purgeApi({ 'POST /api/v2.0/system/purgeaudit/schedule': error(400, 'audit_retention_hour must be between 1 and 240000, not 240024') });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('The audit log has not been purged yet.'));
    await click(button('Dry run'));
    await until(() => expect(text()).toContain('audit_retention_hour must be between 1 and 240000, not 240024'));
    expect(document.querySelector('[data-testid=purge-progress]')).toBeNull();
  });

  it("shows the saved schedule's parameters and saves a new schedule with the form's", async () => {
    signedInAs(ADMIN);
    const fake = purgeApi({
      'GET /api/v2.0/system/purgeaudit/schedule': {
        body: {
          id: 3,
          job_parameters: '{"audit_retention_hour":48,"include_event_types":"create,delete_artifact","dry_run":false}',
          schedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: '2026-05-02T00:00:00Z' },
        },
      },
      'PUT /api/v2.0/system/purgeaudit/schedule': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(byLabel('Keep entries for').value).toBe('2'));
    expect(byLabel<HTMLSelectElement>('Unit').value).toBe('days');
    expect(checkbox('Create').checked).toBe(true);
    expect(checkbox('Update').checked).toBe(false);
    expect(checkbox('delete_artifact').checked).toBe(true);
    expect(byLabel<HTMLSelectElement>('Run automatically').value).toBe('Daily');
    expect(text()).toContain('Next run:');
    await choose(byLabel<HTMLSelectElement>('Run automatically'), 'Custom');
    await type(byLabel('Cron'), '0 30 2 * * 0');
    await click(checkbox('Pull'));
    await submit(byLabel('Cron'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/system/purgeaudit/schedule')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/system/purgeaudit/schedule')[0].body)).toEqual({
      schedule: { type: 'Custom', cron: '0 30 2 * * 0' },
      parameters: { audit_retention_hour: 48, include_event_types: 'create,delete_artifact,pull', dry_run: false },
    });
  });

  it("shows a run's log and stops a running one after confirmation", async () => {
    signedInAs(ADMIN);
    const fake = purgeApi({
      'GET /api/v2.0/system/purgeaudit': list([
        { id: 7, job_kind: 'SCHEDULE', job_status: 'Running', job_parameters: '{"audit_retention_hour":720}' },
        { id: 6, job_kind: 'MANUAL', job_status: 'Success', job_parameters: '{"purged_rows":1200}' },
      ]),
      'GET /api/v2.0/system/purgeaudit/6/log': { body: 'purging audit log entries older than ...\n1200 entries purged' },
      'PUT /api/v2.0/system/purgeaudit/7': { body: '' },
    });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('entries purged: 1200'));
    const rows = [...document.querySelectorAll('tbody tr')];
    expect(rows[1].textContent).not.toContain('Stop');
    await click([...rows[1].querySelectorAll('button')].find((b) => b.textContent === 'Log')!);
    await until(() => expect(document.querySelector('[role=dialog] pre')?.textContent).toContain('1200 entries purged'));
    expect(document.querySelector('[role=dialog] h2')?.textContent).toBe('Log of run 6');
    await click(button('Close'));
    await click(button('Stop'));
    expect(text()).toContain('Stop run 7?');
    await click(dialogButton('Stop'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/system/purgeaudit/7')).toHaveLength(1));
    await until(() => expect(text()).toContain('Asked the run to stop.'));
  });

  it('is for system administrators only', async () => {
    signedInAs(ALICE);
    const fake = fakeApi({ 'GET /api/v2.0/users/current': { body: ALICE }, 'GET /api/v2.0/systeminfo': { body: {} } });
    await mount(<App />);
    navigate('/admin/purge-audit');
    await until(() => expect(text()).toContain('This page is for system administrators.'));
    expect(fake.calls.filter((c) => c.path.startsWith('/api/v2.0/system/purgeaudit'))).toHaveLength(0);
  });
});
