import { describe, expect, it } from 'vitest';
import '../views';
import { App } from '../App';
import { navigate } from '../router';
import { adminApi, ALL, ARTIFACT, BASE_CONFIG, DIGEST, PROJECT, projectApi } from '../test/fixtures';
import { button, byLabel, captureDownloads, choose, click, dialogButton, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { ADMIN, ALICE, signedInAs } from '../test/users';

const IMAGE = { ...ARTIFACT, manifest_media_type: 'application/vnd.oci.image.manifest.v1+json', references: [], accessories: [] };
const BASE = `/api/v2.0/projects/team/repositories/app/artifacts/${DIGEST}`;
const SBOM_DIGEST = 'sha256:' + '5b'.repeat(32);
const BUILTIN = { uuid: 'berth-builtin', name: 'Berth built-in', url: 'builtin://berth', is_default: true };

function menu(name: string) {
  return click(button(name));
}
function menuItem(name: string): HTMLElement {
  const found = [...document.querySelectorAll<HTMLElement>('[role=menuitem]')].find((m) => m.textContent?.trim() === name);
  if (!found) throw new Error(`no menu item ${name}`);
  return found;
}

describe('scanners administration', () => {
  it('shows the built-in scanner, adds a scanner after testing it, sets it default and deletes it', async () => {
    signedInAs(ADMIN);
    const trivy = { uuid: 't1', name: 'Trivy', url: 'http://trivy:8080', is_default: false, auth: '' };
    let registered = false;
    let isDefault = false;
    const fake = adminApi({
      'GET /api/v2.0/scanners': () => ({ body: registered ? [{ ...trivy, is_default: isDefault }] : [] }),
      'GET /api/v2.0/scanners/berth-builtin': () => ({ body: { ...BUILTIN, is_default: !isDefault } }),
      'POST /api/v2.0/scanners/ping': { status: 200 },
      'POST /api/v2.0/scanners': () => {
        registered = true;
        return { status: 201, headers: { Location: '/api/v2.0/scanners/t1' } };
      },
      'PATCH /api/v2.0/scanners/t1': () => {
        isDefault = true;
        return { status: 200 };
      },
      'PATCH /api/v2.0/scanners/berth-builtin': () => {
        isDefault = false;
        return { status: 200 };
      },
      'DELETE /api/v2.0/scanners/t1': () => {
        registered = false;
        isDefault = false;
        return { status: 200 };
      },
      'GET /api/v2.0/scans/all/metrics': { body: {} },
      'GET /api/v2.0/system/scanAll/schedule': { body: {} },
    });
    await mount(<App />);
    navigate('/admin/interrogation');
    await until(() => expect(text()).toContain('builtin://berth'));
    expect(text()).toContain('Built-in');
    // the built-in scanner offers no change: only a connection test
    await menu('Actions for scanner Berth built-in');
    expect([...document.querySelectorAll('[role=menuitem]')].map((m) => m.textContent)).toEqual(['Test connection']);
    await menu('Actions for scanner Berth built-in'); // closes it
    await click(button('New scanner'));
    await type(byLabel('Name'), 'Trivy');
    await type(byLabel('Endpoint'), 'http://trivy:8080');
    await choose(byLabel<HTMLSelectElement>('Authorization'), 'Bearer');
    await type(byLabel('Access credential'), 's3cret');
    await click(dialogButton('Test connection'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/scanners/ping')[0].body)).toMatchObject({ name: 'Trivy', url: 'http://trivy:8080', auth: 'Bearer', access_credential: 's3cret' });
    await click(dialogButton('Save'));
    await until(() => expect(text()).toContain('http://trivy:8080'));
    expect(JSON.parse(fake.find('POST', '/api/v2.0/scanners')[0].body)).toMatchObject({ name: 'Trivy', auth: 'Bearer', access_credential: 's3cret', disabled: false });
    await menu('Actions for scanner Trivy');
    await click(menuItem('Set as default'));
    await until(() => expect(fake.find('PATCH', '/api/v2.0/scanners/t1')).toHaveLength(1));
    expect(JSON.parse(fake.find('PATCH', '/api/v2.0/scanners/t1')[0].body)).toEqual({ is_default: true });
    // the built-in scanner, no longer the default, can be made the default again (and nothing else)
    const rowOf = (url: string) => [...document.querySelectorAll('tr')].find((r) => r.textContent?.includes(url))?.textContent ?? '';
    await until(() => expect(rowOf('http://trivy:8080')).toContain('Default'));
    expect(rowOf('builtin://berth')).not.toContain('Default');
    await menu('Actions for scanner Berth built-in');
    await until(() => expect([...document.querySelectorAll('[role=menuitem]')].map((m) => m.textContent)).toEqual(['Test connection', 'Set as default']));
    await click(menuItem('Set as default'));
    await until(() => expect(fake.find('PATCH', '/api/v2.0/scanners/berth-builtin')).toHaveLength(1));
    expect(JSON.parse(fake.find('PATCH', '/api/v2.0/scanners/berth-builtin')[0].body)).toEqual({ is_default: true });
    await until(() => expect(isDefault).toBe(false));
    await menu('Actions for scanner Trivy');
    await click(menuItem('Delete'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', '/api/v2.0/scanners/t1')).toHaveLength(1));
    await until(() => expect(text()).not.toContain('http://trivy:8080'));
  });
});

describe("an artifact's scans", () => {
  it('stops a running scan, links its log, filters by severity, and generates, shows and downloads the SBOM', async () => {
    signedInAs(ALICE);
    let vulnRunning = true;
    let sbom: 'none' | 'running' | 'done' = 'none';
    const fake = projectApi([...ALL, { resource: 'scan', action: 'create' }, { resource: 'scan', action: 'stop' }, { resource: 'scan', action: 'read' }], {
      [`GET ${BASE}`]: (call: { query: URLSearchParams }) => {
        if (call.query.get('with_scan_overview') === 'true') {
          const o = vulnRunning
            ? { report_id: 'r1', scan_status: 'Running' }
            : { report_id: 'r1', scan_status: 'Success', severity: 'Critical', summary: { total: 2, fixable: 1, summary: { Critical: 1, Low: 1 } } };
          return { body: { ...IMAGE, scan_overview: { native: o } } };
        }
        if (call.query.get('with_sbom_overview') === 'true') {
          if (sbom === 'none') return { body: IMAGE };
          if (sbom === 'running') {
            sbom = 'done';
            return { body: { ...IMAGE, sbom_overview: { report_id: 's1', scan_status: 'Running' } } };
          }
          return { body: { ...IMAGE, sbom_overview: { report_id: 's1', scan_status: 'Success', sbom_digest: SBOM_DIGEST, scanner: { name: 'Berth built-in', version: '1' } } } };
        }
        return { body: IMAGE };
      },
      [`POST ${BASE}/scan/stop`]: () => {
        vulnRunning = false;
        return { status: 202 };
      },
      [`POST ${BASE}/scan`]: () => {
        sbom = 'running';
        return { status: 202 };
      },
      [`GET ${BASE}/additions/vulnerabilities`]: {
        body: {
          native: {
            vulnerabilities: [
              { id: 'CVE-2023-0001', package: 'zlib', version: '1.2.11', severity: 'Low' },
              { id: 'CVE-2021-44228', package: 'log4j-core', version: '2.14.1', fix_version: '2.15.0', severity: 'Critical', preferred_cvss: { score_v3: 10 } },
            ],
          },
        },
      },
      [`GET /api/v2.0/projects/team/repositories/app/artifacts/${SBOM_DIGEST}/additions/sbom`]: {
        body: {
          bomFormat: 'CycloneDX',
          components: [
            { name: 'log4j-core', group: 'org.apache.logging.log4j', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', licenses: [{ license: { id: 'Apache-2.0' } }] },
            { name: 'zlib1g', version: '1:1.2.11', purl: 'pkg:deb/debian/zlib1g@1:1.2.11' },
          ],
        },
      },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Scan: Running'));
    const log = [...document.querySelectorAll<HTMLAnchorElement>('[data-testid=vulnerabilities] a')].find((a) => a.textContent === 'Scan log')!;
    expect(log.getAttribute('href')).toBe(`/api/v2.0/projects/team/repositories/app/artifacts/${encodeURIComponent(DIGEST)}/scan/r1/log`);
    await click(button('Stop scan'));
    expect(JSON.parse(fake.find('POST', `${BASE}/scan/stop`)[0].body)).toEqual({ scan_type: 'vulnerability' });
    await until(() => expect(document.querySelectorAll('[data-testid=vulnerabilities] tbody tr')).toHaveLength(2));
    await choose(document.querySelector<HTMLSelectElement>('[data-testid=vulnerabilities] select')!, 'Critical');
    expect([...document.querySelectorAll('[data-testid=vulnerabilities] tbody tr')].map((r) => r.textContent)).toEqual([expect.stringContaining('CVE-2021-44228')]);
    expect(text()).toContain('No SBOM generated yet.');
    await click(button('Generate SBOM'));
    expect(JSON.parse(fake.find('POST', `${BASE}/scan`)[0].body)).toEqual({ scan_type: 'sbom' });
    await until(() => expect(text()).toContain('2 packages'), 10000);
    const rows = [...document.querySelectorAll('[data-testid=sbom] tbody tr')].map((r) => r.textContent);
    expect(rows[0]).toContain('org.apache.logging.log4j:log4j-core');
    expect(rows[0]).toContain('Apache-2.0');
    const downloads = captureDownloads();
    try {
      await click(button('Download SBOM'));
      expect(downloads.files.map((f) => f.name)).toEqual([`sbom_${SBOM_DIGEST.slice(7, 19)}.json`]);
      expect(await downloads.files[0].blob.text()).toContain('CycloneDX');
    } finally {
      downloads.restore();
    }
  });

  it('shows a member without scan rights no Scan, Stop or Generate SBOM button', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      [`GET ${BASE}`]: { body: { ...IMAGE, scan_overview: { native: { report_id: 'r1', scan_status: 'Running' } } } },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Scan: Running'));
    expect(queryButton('Scan')).toBeUndefined();
    expect(queryButton('Stop scan')).toBeUndefined();
    expect(queryButton('Generate SBOM')).toBeUndefined();
  });
});

describe('CVE allowlists and project security', () => {
  it('saves the system allowlist with its expiry', async () => {
    signedInAs(ADMIN);
    const fake = adminApi({
      'GET /api/v2.0/configurations': { body: BASE_CONFIG },
      'GET /api/v2.0/system/CVEAllowlist': { body: { id: 1, project_id: 0, expires_at: null, items: [{ cve_id: 'CVE-2020-1' }] } },
      'PUT /api/v2.0/system/CVEAllowlist': { status: 200 },
    });
    await mount(<App />);
    navigate('/admin/configuration');
    await until(() => expect(byLabel<HTMLTextAreaElement>('CVE ids').value).toBe('CVE-2020-1'));
    await type(byLabel<HTMLInputElement>('CVE ids') as HTMLInputElement, 'CVE-2020-1\nCVE-2021-44228, CVE-2020-1');
    await type(byLabel('Expires on'), '2030-01-31');
    await submit(byLabel('Expires on'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/system/CVEAllowlist')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/system/CVEAllowlist')[0].body)).toEqual({
      project_id: 0,
      expires_at: Date.parse('2030-01-31T23:59:59Z') / 1000,
      items: [{ cve_id: 'CVE-2020-1' }, { cve_id: 'CVE-2021-44228' }],
    });
  });

  it('saves the scanning settings and the project’s own allowlist', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects/3/metadatas/': { body: { public: 'false', auto_scan: 'true' } },
      'GET /api/v2.0/projects/3': { body: { ...PROJECT, metadata: { public: 'false', reuse_sys_cve_allowlist: 'true' }, cve_allowlist: { items: [] } } },
      'PUT /api/v2.0/projects/3': { status: 200 },
    });
    await mount(<App />);
    navigate('/projects/3/configuration');
    await until(() => expect(text()).toContain('Prevent vulnerable images from running'));
    expect(byLabel('Scan images automatically on push').checked).toBe(true);
    await click(byLabel('Prevent vulnerable images from running'));
    await choose(byLabel<HTMLSelectElement>('Refuse pulls from this severity up'), 'high');
    await submit(byLabel('Prevent vulnerable images from running'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/3')).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/projects/3')[0].body)).toEqual({
      metadata: { auto_scan: 'true', auto_sbom_generation: 'false', prevent_vul: 'true', severity: 'high' },
    });
    await click(byLabel('Use this project’s own allowlist'));
    await type(byLabel('CVE ids'), 'CVE-2021-44228');
    await submit(byLabel('CVE ids'));
    await until(() => expect(fake.find('PUT', '/api/v2.0/projects/3')).toHaveLength(2));
    expect(JSON.parse(fake.find('PUT', '/api/v2.0/projects/3')[1].body)).toEqual({
      metadata: { reuse_sys_cve_allowlist: 'false' },
      cve_allowlist: { project_id: 3, expires_at: null, items: [{ cve_id: 'CVE-2021-44228' }] },
    });
  });
});

describe('package search and CVE export', () => {
  it('finds the artifacts containing a package within a version range', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/packages/artifacts': list([
        { project_id: 3, project_name: 'team', repository_name: 'team/app', digest: DIGEST, tag: 'v1', package: { type: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' } },
      ]),
    });
    await mount(<App />);
    navigate('/packages');
    await until(() => expect(text()).toContain('Package search'));
    await type(byLabel('Package name'), 'org.apache.logging.log4j:log4j-core');
    await type(byLabel('Version range'), '<2.15.0');
    await submit(byLabel('Package name'));
    await until(() => expect(text()).toContain('team/app:v1@'));
    const call = fake.find('GET', '/api/v2.0/packages/artifacts')[0];
    expect([call.query.get('type'), call.query.get('name'), call.query.get('version_range')]).toEqual(['maven', 'org.apache.logging.log4j:log4j-core', '<2.15.0']);
    const link = [...document.querySelectorAll<HTMLAnchorElement>('a')].find((a) => a.textContent?.startsWith('team/app:v1@'))!;
    expect(link.getAttribute('href')).toBe(`/projects/3/repositories/app/artifacts/${encodeURIComponent(DIGEST)}`);
  });

  it('exports a project’s CVEs with Harbor’s header and downloads the file', async () => {
    signedInAs(ALICE);
    let done = false;
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects': list([PROJECT]),
      'POST /api/v2.0/export/cve': () => ({ status: 200, body: { id: 7 } }),
      'GET /api/v2.0/export/cve/executions': () => ({ body: { items: fake.find('POST', '/api/v2.0/export/cve').length ? [{ id: 7, status: done ? 'Success' : 'Running', file_present: done, start_time: '2026-01-02T00:00:00Z' }] : [] } }),
      'GET /api/v2.0/export/cve/download/7': { body: 'Repository,Artifact Digest\n', headers: { 'Content-Type': 'text/csv' } },
    });
    await mount(<App />);
    navigate('/cve-exports');
    await until(() => expect(text()).toContain('No export yet.'));
    await type(byLabel('CVE ids'), 'CVE-2021-44228');
    await click(button('Export CVEs'));
    const post = fake.find('POST', '/api/v2.0/export/cve')[0];
    expect(post.headers['X-Scan-Data-Type']).toBe('application/vnd.security.vulnerability.report; version=1.1');
    expect(JSON.parse(post.body)).toEqual({ projects: [3], repositories: '', tags: '', cveIds: 'CVE-2021-44228' });
    done = true;
    await until(() => expect(queryButton('Download')).toBeDefined(), 10000);
    const downloads = captureDownloads();
    try {
      await click(button('Download'));
      await until(() => expect(downloads.files.map((f) => f.name)).toEqual(['scandata_export_7.csv']));
    } finally {
      downloads.restore();
    }
  });
});
