// Robot accounts, for a project's tab and for the system-level administration page.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import type { Robot, RobotPermission } from '../types';
import { attempt, Badge, confirmAction, CopyField, Field, FormModal, Modal } from '../ui/components';
import { DataTable } from '../ui/DataTable';
import { epoch, time } from '../ui/format';

interface Grant {
  resource: string;
  action: string;
  label: MessageKey;
}

/** What the creation form offers, per kind; the API knows more (see GET /permissions). */
const PROJECT_GRANTS: Grant[] = [
  { resource: 'repository', action: 'pull', label: 'robots.perm.pull' },
  { resource: 'repository', action: 'push', label: 'robots.perm.push' },
  { resource: 'artifact', action: 'delete', label: 'robots.perm.deleteArtifact' },
  { resource: 'tag', action: 'create', label: 'robots.perm.createTag' },
  { resource: 'tag', action: 'delete', label: 'robots.perm.deleteTag' },
  { resource: 'artifact-label', action: 'create', label: 'robots.perm.addLabel' },
];
const SYSTEM_GRANTS: Grant[] = [
  { resource: 'project', action: 'list', label: 'robots.perm.listProjects' },
  { resource: 'project', action: 'create', label: 'robots.perm.createProject' },
  { resource: 'audit-log', action: 'list', label: 'robots.perm.listAudit' },
  { resource: 'garbage-collection', action: 'create', label: 'robots.perm.runGc' },
  { resource: 'label', action: 'create', label: 'robots.perm.createLabel' },
];

export function RobotList(props: { level: 'project' | 'system'; projectId?: number; projectName?: string; canCreate: boolean; canChange: boolean }) {
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const baseQ = props.level === 'project' ? `Level=project,ProjectID=${props.projectId}` : 'Level=system';

  const refresh = async (r: Robot) => {
    if (!(await confirmAction(t('robots.confirmRefresh', { name: r.name }), t('robots.refresh')))) return;
    await attempt(async () => {
      const res = await api.patch<{ secret: string }>(`/robots/${r.id}`, {});
      setSecret({ name: r.name, secret: res.secret });
    });
  };
  const toggle = async (r: Robot) => {
    if (await attempt(() => api.put(`/robots/${r.id}`, { ...r, disable: !r.disable }), r.disable ? t('robots.enabled') : t('robots.disabled')))
      setReload(reload + 1);
  };
  const remove = async (r: Robot) => {
    if (!(await confirmAction(t('robots.confirmDelete', { name: r.name })))) return;
    if (await attempt(() => api.del(`/robots/${r.id}`), t('robots.deleted', { name: r.name }))) setReload(reload + 1);
  };

  return (
    <>
      <DataTable<Robot>
        caption={t('robots.title')}
        rowKey={(r) => r.id}
        baseQ={baseQ}
        searchField="name"
        searchLabel={t('robots.search')}
        reloadKey={reload}
        fetchPage={(query) => api.page<Robot>('/robots', query)}
        empty={t('robots.empty')}
        toolbar={
          props.canCreate && (
            <button type="button" class="primary" onClick={() => setCreating(true)}>
              {t('robots.new')}
            </button>
          )
        }
        columns={[
          { label: t('robots.name'), sort: 'name', render: (r) => <code>{r.name}</code> },
          { label: t('robots.status'), render: (r) => (r.disable ? <Badge tone="warn">{t('robots.disabledState')}</Badge> : <Badge tone="ok">{t('robots.enabledState')}</Badge>) },
          { label: t('robots.permissions'), render: (r) => describe(r.permissions) },
          { label: t('robots.expires'), render: (r) => (r.expires_at < 0 ? t('robots.never') : epoch(r.expires_at)) },
          { label: t('robots.description'), render: (r) => r.description || '' },
          { label: t('common.created'), sort: 'creation_time', render: (r) => time(r.creation_time) },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (r) =>
              props.canChange ? (
                <span class="row-actions">
                  <button type="button" class="small" onClick={() => toggle(r)}>
                    {r.disable ? t('robots.enable') : t('robots.disable')}
                  </button>
                  <button type="button" class="small" onClick={() => refresh(r)}>
                    {t('robots.refresh')}
                  </button>
                  <button type="button" class="small danger" onClick={() => remove(r)} aria-label={t('robots.deleteNamed', { name: r.name })}>
                    {t('common.delete')}
                  </button>
                </span>
              ) : null,
          },
        ]}
      />
      {creating && (
        <CreateRobot
          level={props.level}
          projectName={props.projectName}
          onClose={() => setCreating(false)}
          onCreated={(name, s) => {
            setCreating(false);
            setReload(reload + 1);
            setSecret({ name, secret: s });
          }}
        />
      )}
      {secret && <SecretOnce name={secret.name} secret={secret.secret} onClose={() => setSecret(null)} />}
    </>
  );
}

function describe(perms?: RobotPermission[]): string {
  if (!perms?.length) return '—';
  return perms
    .map((p) => `${p.kind === 'system' ? t('robots.system') : p.namespace}: ${p.access.map((a) => `${a.resource}:${a.action}`).join(', ')}`)
    .join('; ');
}

/** The secret, shown this one time: the server keeps only its hash. */
function SecretOnce({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  return (
    <Modal title={t('robots.secretTitle')} onClose={onClose}>
      <p class="banner warn" role="alert">
        {t('robots.secretOnce')}
      </p>
      <CopyField label={t('robots.name')} value={name} />
      <CopyField label={t('robots.secret')} value={secret} />
      <div class="actions">
        <button type="button" class="primary" onClick={onClose}>
          {t('robots.secretSaved')}
        </button>
      </div>
    </Modal>
  );
}

function CreateRobot(props: { level: 'project' | 'system'; projectName?: string; onClose: () => void; onCreated: (name: string, secret: string) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [duration, setDuration] = useState(30);
  const [never, setNever] = useState(false);
  const [grants, setGrants] = useState<Set<string>>(new Set(['repository:pull']));
  const [sysGrants, setSysGrants] = useState<Set<string>>(new Set());
  const toggle = (set: Set<string>, update: (s: Set<string>) => void, key: string) => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    update(next);
  };
  const access = (set: Set<string>) =>
    [...set].map((k) => {
      const [resource, action] = k.split(':');
      return { resource, action, effect: 'allow' };
    });
  const checkboxes = (list: Grant[], set: Set<string>, update: (s: Set<string>) => void) =>
    list.map((g) => {
      const key = `${g.resource}:${g.action}`;
      return (
        <label class="inline" key={key}>
          <input type="checkbox" checked={set.has(key)} onChange={() => toggle(set, update, key)} />
          {t(g.label)}
        </label>
      );
    });
  return (
    <FormModal
      title={t('robots.new')}
      submitLabel={t('common.create')}
      onClose={props.onClose}
      onSubmit={async () => {
        const permissions: RobotPermission[] = [];
        if (props.level === 'project') {
          permissions.push({ kind: 'project', namespace: props.projectName!, access: access(grants) });
        } else {
          if (sysGrants.size) permissions.push({ kind: 'system', namespace: '/', access: access(sysGrants) });
          if (grants.size) permissions.push({ kind: 'project', namespace: '*', access: access(grants) });
        }
        const res = await api.post<{ name: string; secret: string }>('/robots', {
          name,
          description,
          duration: never ? -1 : duration,
          level: props.level,
          disable: false,
          permissions,
        });
        props.onCreated(res.name, res.secret);
      }}
    >
      <Field label={t('robots.name')} hint={t('robots.nameHint')}>
        {(id) => <input id={id} name="robot_name" required pattern="[a-z0-9]+([._\-][a-z0-9]+)*" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('robots.description')}>
        {(id) => <input id={id} value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('robots.durationDays')}>
        {(id) => (
          <span class="row">
            <input id={id} type="number" min={1} disabled={never} value={duration} onInput={(e) => setDuration(Number((e.target as HTMLInputElement).value))} />
            <label class="inline">
              <input type="checkbox" checked={never} onChange={(e) => setNever((e.target as HTMLInputElement).checked)} />
              {t('robots.never')}
            </label>
          </span>
        )}
      </Field>
      {props.level === 'system' && (
        <fieldset>
          <legend>{t('robots.systemPermissions')}</legend>
          {checkboxes(SYSTEM_GRANTS, sysGrants, setSysGrants)}
        </fieldset>
      )}
      <fieldset>
        <legend>{props.level === 'system' ? t('robots.allProjectsPermissions') : t('robots.permissions')}</legend>
        {checkboxes(PROJECT_GRANTS, grants, setGrants)}
      </fieldset>
    </FormModal>
  );
}
