import { describe, expect, it } from 'vitest';
import '../views';
import { App } from '../App';
import { navigate } from '../router';
import { ALL, ARTIFACT, DIGEST, projectApi } from '../test/fixtures';
import { button, byLabel, choose, click, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { ALICE, signedInAs } from '../test/users';

const IMAGE = { ...ARTIFACT, manifest_media_type: 'application/vnd.oci.image.manifest.v1+json', references: [], accessories: [] };
const NATIVE = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

describe("an artifact's vulnerabilities", () => {
  it('scans on request, follows the scan and shows the report, filterable', async () => {
    signedInAs(ALICE);
    const base = `/api/v2.0/projects/team/repositories/app/artifacts/${DIGEST}`;
    let state: 'never' | 'running' | 'done' = 'never';
    let polls = 0;
    const fake = projectApi([...ALL, { resource: 'scan', action: 'create' }], {
      [`GET ${base}`]: (call: { query: URLSearchParams }) => {
        if (call.query.get('with_scan_overview') !== 'true') return { body: IMAGE };
        if (state === 'running' && ++polls >= 2) state = 'done';
        const overview =
          state === 'never'
            ? undefined
            : state === 'running'
              ? { [NATIVE]: { scan_status: 'Running' } }
              : { [NATIVE]: { scan_status: 'Success', severity: 'Critical', summary: { total: 2, fixable: 1, summary: { Critical: 1, Low: 1 } } } };
        return { body: { ...IMAGE, scan_overview: overview } };
      },
      [`POST ${base}/scan`]: () => {
        state = 'running';
        return { status: 202 };
      },
      [`GET ${base}/additions/vulnerabilities`]: {
        body: {
          [NATIVE]: {
            vulnerabilities: [
              { id: 'CVE-2023-0001', package: 'zlib', version: '1.2.11', severity: 'Low' },
              { id: 'CVE-2021-44228', package: 'log4j-core', version: '2.14.1', fix_version: '2.15.0', severity: 'Critical', links: ['https://nvd.nist.gov/vuln/detail/CVE-2021-44228'] },
            ],
          },
        },
      },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Not scanned yet.'));
    await click(button('Scan'));
    expect(JSON.parse(fake.find('POST', `${base}/scan`)[0].body)).toEqual({ scan_type: 'vulnerability' });
    await until(() => expect(text()).toContain('Scan: Running'));
    await until(() => expect(text()).toContain('2 vulnerabilities, 1 fixable'), 10000);
    await until(() => expect(document.querySelectorAll('[data-testid=vulnerabilities] tbody tr')).toHaveLength(2));
    const rows = [...document.querySelectorAll('[data-testid=vulnerabilities] tbody tr')].map((r) => r.textContent);
    expect(rows[0]).toContain('CVE-2021-44228');
    expect(rows[0]).toContain('2.15.0');
    expect(rows[1]).toContain('CVE-2023-0001');
    await type(document.querySelector<HTMLInputElement>('[data-testid=vulnerabilities] input')!, 'zlib');
    expect(document.querySelectorAll('[data-testid=vulnerabilities] tbody tr')).toHaveLength(1);
  });

  it('offers no Scan button without the scan permission', async () => {
    signedInAs(ALICE);
    const base = `/api/v2.0/projects/team/repositories/app/artifacts/${DIGEST}`;
    projectApi(ALL, { [`GET ${base}`]: { body: IMAGE }, 'GET /api/v2.0/labels': list([]) });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Not scanned yet.'));
    expect(queryButton('Scan')).toBeUndefined();
  });
});

describe("a project's scanner", () => {
  it('shows the scanner in use and lets a project administrator choose another', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, { resource: 'scanner', action: 'read' }, { resource: 'scanner', action: 'create' }], {
      'GET /api/v2.0/projects/team/scanner': { body: { uuid: 'a', name: 'Trivy', url: 'http://trivy:8080', health: 'healthy', adapter: 'Trivy', vendor: 'Aqua', version: '0.50', is_default: true } },
      'GET /api/v2.0/projects/team/scanner/candidates': { body: [{ uuid: 'a', name: 'Trivy' }, { uuid: 'b', name: 'Clair' }] },
      'PUT /api/v2.0/projects/team/scanner': { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/scanner');
    await until(() => expect(text()).toContain('http://trivy:8080'));
    expect(text()).toContain('Healthy');
    expect(text()).toContain('Trivy · Aqua · 0.50');
    await choose(byLabel<HTMLSelectElement>('Scanner for this project'), 'b');
    await submit(byLabel<HTMLSelectElement>('Scanner for this project'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/team/scanner')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/projects/team/scanner')[0].body)).toEqual({ uuid: 'b' });
  });

  it('is read-only without the scanner create permission', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, { resource: 'scanner', action: 'read' }], {
      'GET /api/v2.0/projects/team/scanner': { body: { uuid: 'a', name: 'Trivy', url: 'http://trivy:8080', health: 'unhealthy' } },
    });
    await mount(<App />);
    navigate('/projects/3/scanner');
    await until(() => expect(text()).toContain('Unreachable'));
    expect(text()).not.toContain('Scanner for this project');
    expect(fake.find('GET', '/api/v2.0/projects/team/scanner/candidates')).toHaveLength(0);
  });
});
