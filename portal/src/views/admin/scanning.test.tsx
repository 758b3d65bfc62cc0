import { describe, expect, it } from 'vitest';
import '../../views';
import { App } from '../../App';
import { navigate } from '../../router';
import { adminApi } from '../../test/fixtures';
import { button, byLabel, choose, click, dialogButton, list, mount, settle, submit, text, type, until } from '../../test/harness';
import { ADMIN, signedInAs } from '../../test/users';

const SCANNER = { uuid: 'u1', name: 'Trivy', url: 'http://trivy:8080', is_default: true, description: 'the default' };

describe('interrogation services', () => {
  it('lists the scanners, scans all artifacts and follows the progress until it ends, and stops it', async () => {
    signedInAs(ADMIN);
    let polls = 0;
    let started = false;
    const fake = adminApi({
      'GET /api/v2.0/scanners': { body: [SCANNER] },
      'GET /api/v2.0/system/scanAll/schedule': { body: {} },
      'POST /api/v2.0/system/scanAll/schedule': () => {
        started = true;
        return { status: 201 };
      },
      'POST /api/v2.0/system/scanAll/stop': { status: 202 },
      'GET /api/v2.0/scans/all/metrics': () => {
        if (!started) return { body: { total: 0, completed: 0, ongoing: false } };
        const done = ++polls >= 3;
        return {
          body: {
            total: 4,
            completed: done ? 4 : 1,
            ongoing: !done,
            trigger: 'Manual',
            metrics: { Pending: done ? 0 : 2, Running: done ? 0 : 1, Success: done ? 4 : 1, Error: 0, Stopped: 0 },
          },
        };
      },
    });
    await mount(<App />);
    navigate('/admin/interrogation');
    await until(() => expect(text()).toContain('http://trivy:8080'));
    expect(text()).toContain('Default');
    expect([...document.querySelectorAll('.sidenav a')].map((a) => a.textContent)).toEqual(expect.arrayContaining(['Interrogation services', 'Security hub']));
    await until(() => expect(text()).toContain('All artifacts have not been scanned yet.'));
    await click(button('Scan now'));
    await until(() => expect(text()).toContain('1 of 4 scans finished'));
    expect(document.querySelector('[data-testid=scan-all-progress] progress')).not.toBeNull();
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/scanAll/schedule')[0].body)).toEqual({ schedule: { type: 'Manual' } });
    await click(button('Stop'));
    await click(dialogButton('Stop'));
    await until(() => expect(fake.find('POST', '/api/v2.0/system/scanAll/stop')).toHaveLength(1));
    await until(() => expect(text()).toContain('4 of 4 scans finished'), 10000);
    expect(document.querySelector('[data-testid=scan-all-progress] progress')).toBeNull();
  });

  it('saves the scan all schedule with POST first', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/scanners': { body: [SCANNER] },
      'GET /api/v2.0/system/scanAll/schedule': { body: {} },
      'POST /api/v2.0/system/scanAll/schedule': { status: 201 },
      'GET /api/v2.0/scans/all/metrics': { body: { total: 0, completed: 0, ongoing: false } },
    });
    await mount(<App />);
    navigate('/admin/interrogation');
    await until(() => expect(fake.find('GET', '/api/v2.0/system/scanAll/schedule')).toHaveLength(1));
    await until(() => expect(text()).toContain('All artifacts have not been scanned yet.'));
    await settle();
    await choose(byLabel<HTMLSelectElement>('Run automatically'), 'Daily');
    await submit(byLabel<HTMLSelectElement>('Run automatically'));
    await until(() => expect(fake.find('POST', '/api/v2.0/system/scanAll/schedule')).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/system/scanAll/schedule')[0].body)).toEqual({ schedule: { type: 'Daily' }, parameters: {} });
  });

  it('says a default scanner is needed when none is registered', async () => {
    signedInAs(ADMIN);
    adminApi({ 'GET /api/v2.0/scanners': { body: [] } });
    await mount(<App />);
    navigate('/admin/interrogation');
    await until(() => expect(text()).toContain('Scanning all artifacts needs a default scanner.'));
    expect(text()).toContain('No scanner is registered');
  });
});

describe('security hub', () => {
  it('shows the summary and the top fives, and searches with Harbor’s q keywords', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/security/summary': {
        body: {
          critical_cnt: 2,
          high_cnt: 1,
          medium_cnt: 1,
          low_cnt: 1,
          total_vuls: 5,
          fixable_cnt: 4,
          scanned_cnt: 3,
          total_artifact: 7,
          dangerous_cves: [{ cve_id: 'CVE-2021-44228', severity: 'Critical', cvss_score_v3: 10, package: 'log4j-core', version: '2.14.1' }],
          dangerous_artifacts: [{ project_id: 1, repository_name: 'lib/web', digest: 'sha256:abcdef0123456789', critical_cnt: 1, high_cnt: 1, medium_cnt: 0 }],
        },
      },
      'GET /api/v2.0/security/vul': list(
        [{ project_id: 1, repository_name: 'lib/web', digest: 'sha256:abcdef0123456789', tags: ['latest'], cve_id: 'CVE-2021-44228', severity: 'Critical', cvss_v3_score: 10, package: 'log4j-core', version: '2.14.1', fixed_version: '2.15.0' }],
        1,
      ),
    });
    await mount(<App />);
    navigate('/admin/security-hub');
    await until(() => expect(text()).toContain('3 of 7 artifacts scanned'));
    expect(text()).toContain('5 vulnerabilities, 4 fixable');
    expect(text()).toContain('Critical: 2');
    expect(text()).toContain('CVE-2021-44228');
    expect(text()).toContain('lib/web@abcdef012345');
    expect(fake.find('GET', '/api/v2.0/security/summary')[0].query.get('with_dangerous_cve')).toBe('true');
    await choose(byLabel<HTMLSelectElement>('Filter by'), 'package');
    await type(byLabel('Value'), 'log4j-core');
    await choose(byLabel<HTMLSelectElement>('Severity'), 'Critical');
    await type(byLabel('CVSS v3 from'), '7');
    await submit(byLabel('Value'));
    await until(() => expect(fake.find('GET', '/api/v2.0/security/vul')).toHaveLength(1));
    const call = fake.find('GET', '/api/v2.0/security/vul')[0];
    expect(call.query.get('q')).toBe('package=log4j-core,severity=Critical,cvss_score_v3=[7~10]');
    expect(call.query.get('with_tag')).toBe('true');
    await until(() => expect(text()).toContain('lib/web@abcdef012345 (latest)'));
    expect(text()).toContain('2.15.0');
  });
});
