import { describe, expect, it } from 'vitest';
import '../views';
import { App } from '../App';
import { navigate } from '../router';
import { ALL, GUEST, projectApi } from '../test/fixtures';
import { button, byLabel, click, error, list, mount, queryButton, submit, text, type, until } from '../test/harness';
import { ALICE, signedInAs } from '../test/users';

const UPDATE = [...ALL, { resource: 'repository', action: 'update' }];
// a repository below a sub-path: its name is double-encoded in the path (decoded once by the fake)
const REPO = '/api/v2.0/projects/team/repositories/tools%2Fcli';

function repoApi(perms: { resource: string; action: string }[], repo: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return projectApi(perms, {
    [`GET ${REPO}`]: { body: { id: 6, name: 'team/tools/cli', project_id: 3, artifact_count: 0, ...repo } },
    [`GET ${REPO}/artifacts`]: list([]),
    ...extra,
  });
}

describe('repository description', () => {
  it('shows the description as text and saves an edit with PUT', async () => {
    signedInAs(ALICE);
    const fake = repoApi(UPDATE, { description: 'The CLI.\n<b>not bold</b>' }, { [`PUT ${REPO}`]: { body: '' } });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('<b>not bold</b>'));
    const shown = document.querySelector('[data-testid=repository-description]')!;
    expect(shown.querySelector('b')).toBeNull();
    expect(shown.textContent).toBe('The CLI.\n<b>not bold</b>');
    await click(button('Edit description'));
    expect(byLabel<HTMLTextAreaElement>('Description').value).toBe('The CLI.\n<b>not bold</b>');
    await type(byLabel('Description'), 'Command-line tools.\nRun with --help.');
    await submit(button('Save'));
    await until(() => expect(fake.find('PUT', REPO)).toHaveLength(1));
    expect(JSON.parse(fake.find('PUT', REPO)[0].body)).toEqual({ description: 'Command-line tools.\nRun with --help.' });
    await until(() => expect(text()).toContain('Description saved.'));
    expect(document.querySelector('[data-testid=repository-description]')?.textContent).toBe('Command-line tools.\nRun with --help.');
    expect(queryButton('Save')).toBeUndefined();
  });

  it('invites an editor to write one when there is none', async () => {
    signedInAs(ALICE);
    repoApi(UPDATE, { description: '' });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('No description yet. Add one'));
    expect(queryButton('Edit description')).toBeDefined();
  });

  it('shows a guest the description read-only', async () => {
    signedInAs(ALICE);
    repoApi(GUEST, { description: 'Only for reading.' });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('Only for reading.'));
    expect(queryButton('Edit description')).toBeUndefined();
    expect(document.querySelector('textarea')).toBeNull();

    repoApi(GUEST, { description: '' });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('This repository has no description.'));
  });

  it("keeps the draft and shows the API's refusal", async () => {
    signedInAs(ALICE);
    const fake = repoApi(UPDATE, { description: 'old' }, { [`PUT ${REPO}`]: error(400, 'description is longer than 4096 characters') });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('old'));
    await click(button('Edit description'));
    await type(byLabel('Description'), 'new text');
    await submit(button('Save'));
    await until(() => expect(text()).toContain('description is longer than 4096 characters'));
    expect(byLabel<HTMLTextAreaElement>('Description').value).toBe('new text');
    await click(button('Cancel'));
    expect(document.querySelector('[data-testid=repository-description]')?.textContent).toBe('old');
    expect(fake.find('PUT', REPO)).toHaveLength(1);
  });

  it('says so when the repository cannot be read', async () => {
    signedInAs(ALICE);
    projectApi(UPDATE, { [`GET ${REPO}`]: error(404, 'repository team/tools/cli not found'), [`GET ${REPO}/artifacts`]: list([]) });
    await mount(<App />);
    navigate('/projects/3/repositories/tools/cli');
    await until(() => expect(text()).toContain('repository team/tools/cli not found'));
    expect(queryButton('Edit description')).toBeUndefined();
  });
});
