// Signature verification in the portal: the artifact page's Signatures card (verified by which key,
// or why not), the badge in the artifact list, and the project's Trust policy tab (members read,
// project admins edit mode, kinds and keys).
import { describe, expect, it } from 'vitest';
import '.';
import { App } from '../App';
import { navigate } from '../router';
import { ALL, ARTIFACT, DIGEST, GUEST, projectApi } from '../test/fixtures';
import { button, byLabel, choose, click, dialogButton, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { ALICE, signedInAs } from '../test/users';

const ART = `/api/v2.0/projects/team/repositories/app/artifacts/${DIGEST}`;
const POLICY = '/api/v2.0/projects/3/trust-policy';
const SIG = 'sha256:' + 'cd'.repeat(32);
const CONFIG = ['configuration:read', 'configuration:update'].map((p) => ({ resource: p.split(':')[0], action: p.split(':')[1] }));
const KEY = {
  id: 7,
  name: 'release',
  key_type: 'ecdsa-p256',
  fingerprint: 'sha256:' + '99'.repeat(32),
  public_key: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
  creation_time: '2026-02-01T00:00:00Z',
};

describe('signature verification on the artifact page', () => {
  it('says the artifact is verified, by which key and which signature', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      [`GET ${ART}`]: { body: ARTIFACT },
      'GET /api/v2.0/labels': list([]),
      [`GET ${ART}/verification`]: {
        body: { status: 'verified', verified: true, mode: 'enforce', policy_version: 4, digest: DIGEST, reason: 'signed by trusted key release', kind: 'cosign', key_name: 'release', signature: SIG, checked_at: '2026-02-02T00:00:00Z' },
      },
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Signatures'));
    expect(text()).toContain('Verified');
    expect(text()).toContain('trust policy enforced');
    expect(text()).toContain('signed by trusted key release');
    expect(text()).toContain('Trusted key');
  });

  it('says why an artifact is not verified', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      [`GET ${ART}`]: { body: ARTIFACT },
      'GET /api/v2.0/labels': list([]),
      [`GET ${ART}/verification`]: {
        body: { status: 'unverified', verified: false, mode: 'warn', policy_version: 2, digest: DIGEST, reason: 'no trusted key verifies the signature (signed with another key, or altered)', kind: 'cosign', signature: SIG },
      },
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Unverified'));
    expect(text()).toContain('no trusted key verifies the signature');
    expect(text()).not.toContain('Trusted key');
  });

  it('shows no Signatures card in a project without a trust policy', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      [`GET ${ART}`]: { body: ARTIFACT },
      'GET /api/v2.0/labels': list([]),
      [`GET ${ART}/verification`]: { body: { status: 'no_policy', verified: false, mode: 'off', policy_version: 0, digest: DIGEST, reason: 'the project has no trust policy' } },
    });
    await mount(<App />);
    navigate(`/projects/3/repositories/app/artifacts/${DIGEST}`);
    await until(() => expect(text()).toContain('Accessories'));
    expect(text()).not.toContain('Signatures');
  });
});

describe('the verified badge in the artifact list', () => {
  it('shows each artifact verified or not when the project has a trust policy', async () => {
    signedInAs(ALICE);
    projectApi(ALL, {
      'GET /api/v2.0/projects/team/repositories/app/artifacts': list([ARTIFACT]),
      [`GET ${POLICY}`]: { body: { mode: 'enforce', kinds: ['cosign'], version: 3, key_count: 1 } },
      [`GET ${ART}/verification`]: { body: { status: 'unverified', verified: false, mode: 'enforce', policy_version: 3, digest: DIGEST, reason: 'no cosign signature in this repository' } },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('Unverified'));
  });

  it('asks nothing per artifact when the project has no trust policy', async () => {
    signedInAs(ALICE);
    const fake = projectApi(ALL, {
      'GET /api/v2.0/projects/team/repositories/app/artifacts': list([ARTIFACT]),
      [`GET ${POLICY}`]: { body: { mode: 'off', kinds: ['cosign'], version: 0, key_count: 0 } },
      'GET /api/v2.0/labels': list([]),
    });
    await mount(<App />);
    navigate('/projects/3/repositories/app');
    await until(() => expect(text()).toContain('v1'));
    expect(fake.find('GET', `${ART}/verification`)).toHaveLength(0);
    expect(text()).not.toContain('Unverified');
  });
});

describe('the project Trust policy tab', () => {
  it('lets a project admin set the mode and kinds, add a key and delete one after confirming', async () => {
    signedInAs(ALICE);
    const fake = projectApi([...ALL, ...CONFIG], {
      [`GET ${POLICY}`]: { body: { mode: 'off', kinds: ['cosign'], version: 1, key_count: 1, update_time: '2026-02-01T00:00:00Z' } },
      [`GET ${POLICY}/keys`]: list([KEY]),
      [`PUT ${POLICY}`]: { body: { mode: 'enforce', kinds: ['cosign', 'notation'], version: 2, key_count: 1 } },
      [`POST ${POLICY}/keys`]: { status: 201, headers: { Location: `${POLICY}/keys/8` } },
      [`DELETE ${POLICY}/keys/7`]: { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/trust');
    await until(() => expect(text()).toContain('release'));
    expect(text()).toContain('ecdsa-p256');
    await choose(byLabel<HTMLSelectElement>('Mode'), 'enforce');
    await click(byLabel('notation'));
    await click(button('Save'));
    await until(() => expect(fake.find('PUT', POLICY)).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', POLICY)[0].body)).toEqual({ mode: 'enforce', kinds: ['cosign', 'notation'] });

    await click(button('Add key'));
    await type(byLabel('Name'), 'ci');
    await type(byLabel<HTMLInputElement>('Public key (PEM)'), KEY.public_key);
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', `${POLICY}/keys`)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', `${POLICY}/keys`)[0].body)).toEqual({ name: 'ci', public_key: KEY.public_key });

    await click(button('Delete key release'));
    await click(button('Cancel'));
    expect(fake.find('DELETE', `${POLICY}/keys/7`)).toHaveLength(0);
    await click(button('Delete key release'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${POLICY}/keys/7`)).toHaveLength(1));
  });

  it('shows a member the policy and keys read-only', async () => {
    signedInAs(ALICE);
    projectApi([...GUEST, { resource: 'configuration', action: 'read' }], {
      [`GET ${POLICY}`]: { body: { mode: 'warn', kinds: ['cosign'], version: 1, key_count: 1 } },
      [`GET ${POLICY}/keys`]: list([KEY]),
    });
    await mount(<App />);
    navigate('/projects/3/trust');
    await until(() => expect(text()).toContain('release'));
    expect(byLabel<HTMLSelectElement>('Mode').disabled).toBe(true);
    expect(queryButton('Save')).toBeUndefined();
    expect(queryButton('Add key')).toBeUndefined();
    expect(queryButton('Delete key release')).toBeUndefined();
  });

  it('lets a project admin add a Notation trust store and save the Notary trust policy document', async () => {
    signedInAs(ALICE);
    const doc = { version: '1.0', trustPolicies: [] };
    const store = {
      id: 5,
      type: 'ca',
      name: 'release',
      reference: 'ca:release',
      certificates: [{ subject: 'CN=Release Root,O=Example,ST=WA,C=US', issuer: 'CN=Release Root', not_before: '2026-01-01T00:00:00Z', not_after: '2036-01-01T00:00:00Z', sha256: 'ab'.repeat(32) }],
      pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      creation_time: '2026-02-01T00:00:00Z',
    };
    const fake = projectApi([...ALL, ...CONFIG], {
      [`GET ${POLICY}`]: { body: { mode: 'off', kinds: ['notation'], version: 1, key_count: 0 } },
      [`GET ${POLICY}/keys`]: list([]),
      [`GET ${POLICY}/trust-stores`]: list([store]),
      [`GET ${POLICY}/notation`]: { body: doc },
      [`POST ${POLICY}/trust-stores`]: { status: 201, headers: { Location: `${POLICY}/trust-stores/6` } },
      [`PUT ${POLICY}/notation`]: { body: doc },
      [`DELETE ${POLICY}/trust-stores/5`]: { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/trust');
    await until(() => expect(text()).toContain('ca:release'));
    expect(text()).toContain('CN=Release Root,O=Example,ST=WA,C=US');

    await click(button('Add trust store'));
    await type(byLabel('Name'), 'ci');
    await type(byLabel<HTMLInputElement>('Certificates (PEM)'), store.pem);
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', `${POLICY}/trust-stores`)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', `${POLICY}/trust-stores`)[0].body)).toEqual({ type: 'ca', name: 'ci', certificates: store.pem });

    const policy = { version: '1.0', trustPolicies: [{ name: 'all', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:release'], trustedIdentities: ['*'] }] };
    const area = byLabel<HTMLInputElement>('Notary trust policy');
    area.value = '';
    await type(area, JSON.stringify(policy));
    await click(button('Save Notary trust policy'));
    await until(() => expect(fake.find('PUT', `${POLICY}/notation`)).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', `${POLICY}/notation`)[0].body)).toEqual(policy);

    await click(button('Delete trust store ca:release'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${POLICY}/trust-stores/5`)).toHaveLength(1));
  });

  it('lets a project admin add a keyless identity with a subject pattern and delete one', async () => {
    signedInAs(ALICE);
    const identity = {
      id: 4,
      name: 'ci',
      issuer: 'https://token.actions.githubusercontent.com',
      issuer_regex: null,
      subject: null,
      subject_regex: 'https://github\\.com/acme/.*',
      creation_time: '2026-02-01T00:00:00Z',
    };
    const fake = projectApi([...ALL, ...CONFIG], {
      [`GET ${POLICY}`]: { body: { mode: 'enforce', kinds: ['cosign'], version: 3, key_count: 0, identity_count: 1 } },
      [`GET ${POLICY}/keys`]: list([]),
      [`GET ${POLICY}/identities`]: list([identity]),
      [`POST ${POLICY}/identities`]: { status: 201, headers: { Location: `${POLICY}/identities/5` } },
      [`DELETE ${POLICY}/identities/4`]: { body: '' },
    });
    await mount(<App />);
    navigate('/projects/3/trust');
    await until(() => expect(text()).toContain('https://token.actions.githubusercontent.com'));
    expect(text()).toContain('https://github\\.com/acme/.*');

    await click(button('Add identity'));
    await type(byLabel('Name'), 'release');
    await type(byLabel('OIDC issuer'), 'https://accounts.google.com');
    await type(byLabel('Subject (certificate SAN)'), '.*@example\\.com');
    await click(byLabel('The subject is a regular expression (matches the whole value)'));
    await submit(byLabel('Name'));
    await until(() => expect(fake.find('POST', `${POLICY}/identities`)).toHaveLength(1));
    expect(JSON.parse(fake.find('POST', `${POLICY}/identities`)[0].body)).toEqual({
      name: 'release',
      issuer: 'https://accounts.google.com',
      subject_regex: '.*@example\\.com',
    });

    await click(button('Delete identity ci'));
    await click(dialogButton('Delete'));
    await until(() => expect(fake.find('DELETE', `${POLICY}/identities/4`)).toHaveLength(1));
  });

  it('shows a member the keyless identities read-only', async () => {
    signedInAs(ALICE);
    projectApi([...GUEST, { resource: 'configuration', action: 'read' }], {
      [`GET ${POLICY}`]: { body: { mode: 'warn', kinds: ['cosign'], version: 1, key_count: 0, identity_count: 1 } },
      [`GET ${POLICY}/keys`]: list([]),
      [`GET ${POLICY}/identities`]: list([{ id: 4, name: 'ci', issuer: 'https://accounts.google.com', subject: 'release@example.com', creation_time: '2026-02-01T00:00:00Z' }]),
    });
    await mount(<App />);
    navigate('/projects/3/trust');
    await until(() => expect(text()).toContain('release@example.com'));
    expect(queryButton('Add identity')).toBeUndefined();
    expect(queryButton('Delete identity ci')).toBeUndefined();
  });
});
