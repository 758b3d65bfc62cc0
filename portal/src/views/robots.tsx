// Robot accounts, for a project's tab and for the system-level administration page: list, create
// and edit with Harbor's permission matrix (GET /permissions), enable, new secret, delete.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { word } from '../i18n/words';
import type { Robot, RobotPermission } from '../types';
import { attempt, Badge, confirmAction, CopyField, ErrorBanner, Field, FormModal, Modal, PatternInput, Spinner, Time } from '../ui/components';
import { DataTable } from '../ui/DataTable';
import { saveFile } from '../ui/download';
import { epoch } from '../ui/format';
import { ActionMenu } from '../ui/menu';
import { PermissionMatrix, type Permission } from './permission-matrix';

const NAME_PATTERN = '[a-z0-9]+([._\\-][a-z0-9]+)*';
/** Every project, in a system robot's project permission. */
const ALL_PROJECTS = '*';

/** What may be granted, as the server lists it for the caller. */
interface Assignable {
  system?: Permission[];
  project: Permission[];
}

function useAssignable(): { assignable: Assignable | null; error: unknown } {
  const [assignable, setAssignable] = useState<Assignable | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<Assignable>('/permissions')
      .then((a) => setAssignable({ system: a?.system ?? [], project: a?.project ?? [] }))
      .catch(setError);
  }, []);
  return { assignable, error };
}

export function RobotList(props: { level: 'project' | 'system'; projectId?: number; projectName?: string; canCreate: boolean; canChange: boolean; canEdit?: boolean }) {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Robot | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const baseQ = props.level === 'project' ? `Level=project,ProjectID=${props.projectId}` : 'Level=system';
  const canEdit = props.canEdit ?? props.canChange;

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
            <button type="button" class="primary" onClick={() => setEditing('new')}>
              {t('robots.new')}
            </button>
          )
        }
        columns={[
          { label: t('robots.name'), sort: 'name', render: (r) => <code class="nowrap">{r.name}</code> },
          { label: t('robots.status'), render: (r) => (r.disable ? <Badge tone="warn">{t('robots.disabledState')}</Badge> : <Badge tone="ok">{t('robots.enabledState')}</Badge>) },
          { label: t('robots.permissions'), render: (r) => <PermissionSummary permissions={r.permissions} /> },
          { label: t('robots.expires'), render: (r) => (r.expires_at < 0 ? t('robots.never') : epoch(r.expires_at)) },
          { label: t('robots.description'), render: (r) => r.description || '' },
          { label: t('common.created'), sort: 'creation_time', render: (r) => <Time iso={r.creation_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            // the menu button is narrow: the column's name is for screen readers only
            head: <span class="sr-only">{t('common.actions')}</span>,
            render: (r) => (
              <ActionMenu
                label={t('robots.actionsFor', { name: r.name })}
                items={[
                  canEdit && { label: t('common.edit'), onSelect: () => setEditing(r) },
                  props.canChange && { label: r.disable ? t('robots.enable') : t('robots.disable'), onSelect: () => toggle(r) },
                  props.canChange && { label: t('robots.refresh'), onSelect: () => refresh(r) },
                  props.canChange && { label: t('common.delete'), danger: true, onSelect: () => remove(r) },
                ]}
              />
            ),
          },
        ]}
      />
      {editing && (
        <RobotForm
          level={props.level}
          projectName={props.projectName}
          robot={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(created) => {
            setEditing(null);
            setReload(reload + 1);
            if (created) setSecret(created);
          }}
        />
      )}
      {secret && <SecretOnce name={secret.name} secret={secret.secret} onClose={() => setSecret(null)} />}
    </>
  );
}

/** A robot's grants, folded: how many per namespace, the list on demand. */
function PermissionSummary({ permissions }: { permissions?: RobotPermission[] }) {
  if (!permissions?.length) return <>—</>;
  return (
    <>
      {permissions.map((p) => (
        <details key={`${p.kind}/${p.namespace}`} class="perm-summary">
          <summary>
            {p.kind === 'system' ? t('robots.system') : p.namespace === ALL_PROJECTS ? t('robots.allProjects') : p.namespace}:{' '}
            {t(p.access.length === 1 ? 'robots.onePermission' : 'robots.permissionCount', { n: p.access.length })}
          </summary>
          <ul>
            {p.access.map((a) => (
              <li key={`${a.resource}:${a.action}`}>
                {word('permResource', a.resource)}: {word('permAction', a.action)}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </>
  );
}

/**
 * The secret, shown this one time: the server keeps only its hash. Closing before it was copied or
 * downloaded asks first; the download is Harbor's JSON file with the name and the secret.
 */
function SecretOnce({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const [saved, setSaved] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const tryClose = () => (saved ? onClose() : setLeaving(true));
  const download = () => {
    saveFile(`${name}.json`, JSON.stringify({ name, secret }), 'application/json');
    setSaved(true);
    setLeaving(false);
  };
  return (
    <Modal title={t('robots.secretTitle')} onClose={tryClose}>
      <p class="banner warn" role="alert">
        {t('robots.secretOnce')}
      </p>
      <CopyField label={t('robots.name')} value={name} />
      <CopyField label={t('robots.secret')} value={secret} onCopied={() => setSaved(true)} />
      {leaving ? (
        <div class="banner error" role="alert">
          <p>{t('robots.closeUnsaved')}</p>
          <div class="actions">
            <button type="button" onClick={() => setLeaving(false)}>
              {t('robots.backToSecret')}
            </button>
            <button type="button" class="danger" onClick={onClose}>
              {t('robots.closeAnyway')}
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button type="button" onClick={download}>
            {t('robots.download')}
          </button>
          <button type="button" class="primary" onClick={tryClose}>
            {t('robots.secretSaved')}
          </button>
        </div>
      )}
    </Modal>
  );
}

const key = (p: Permission) => `${p.resource}:${p.action}`;

/** The grants of one namespace, as "resource:action" keys. */
function grantsOf(robot: Robot | undefined, kind: 'system' | 'project', namespace?: string): Set<string> {
  const found = robot?.permissions?.find((p) => p.kind === kind && (namespace === undefined || p.namespace === namespace));
  return new Set((found?.access ?? []).map(key));
}

/** Creates a robot (then its secret is shown once) or edits one: description, expiry, permissions. */
function RobotForm(props: {
  level: 'project' | 'system';
  projectName?: string;
  robot?: Robot;
  onClose: () => void;
  onSaved: (created?: { name: string; secret: string }) => void;
}) {
  const robot = props.robot;
  const { assignable, error } = useAssignable();
  const [name, setName] = useState('');
  const [description, setDescription] = useState(robot?.description ?? '');
  const [never, setNever] = useState(robot ? robot.duration === -1 : false);
  const [duration, setDuration] = useState(robot && robot.duration > 0 ? robot.duration : 30);
  const projectNamespace = props.level === 'project' ? props.projectName! : ALL_PROJECTS;
  const [grants, setGrants] = useState<Set<string>>(robot ? grantsOf(robot, 'project', projectNamespace) : new Set(['repository:pull']));
  const [sysGrants, setSysGrants] = useState<Set<string>>(grantsOf(robot, 'system'));
  // a system robot's grants in named projects: kept as they are (this form edits "every project")
  const kept = (robot?.permissions ?? []).filter((p) => p.kind === 'project' && p.namespace !== projectNamespace);
  const access = (set: Set<string>, list: Permission[]) => list.filter((p) => set.has(key(p))).map((p) => ({ resource: p.resource, action: p.action, effect: 'allow' }));

  const submit = async () => {
    if (!assignable) return;
    const permissions: RobotPermission[] = [];
    if (props.level === 'system' && sysGrants.size) permissions.push({ kind: 'system', namespace: '/', access: access(sysGrants, assignable.system ?? []) });
    if (grants.size || props.level === 'project') permissions.push({ kind: 'project', namespace: projectNamespace, access: access(grants, assignable.project) });
    permissions.push(...kept);
    const body = { description, duration: never ? -1 : duration, level: props.level, disable: robot?.disable ?? false, permissions };
    if (robot) {
      await api.put(`/robots/${robot.id}`, { ...body, name: robot.name });
      props.onSaved();
      return;
    }
    const res = await api.post<{ name: string; secret: string }>('/robots', { ...body, name });
    props.onSaved({ name: res.name, secret: res.secret });
  };

  return (
    <FormModal
      title={robot ? t('robots.editOf', { name: robot.name }) : t('robots.new')}
      submitLabel={robot ? t('common.save') : t('common.create')}
      onClose={props.onClose}
      onSubmit={submit}
      wide
    >
      {robot ? (
        <p>
          <code class="nowrap">{robot.name}</code>
        </p>
      ) : (
        <Field label={t('robots.name')} hint={t('robots.nameHint')}>
          {(id) => <PatternInput id={id} name="robot_name" required pattern={NAME_PATTERN} rule={t('robots.nameHint')} value={name} onValue={setName} />}
        </Field>
      )}
      <Field label={t('robots.description')}>
        {(id) => <input id={id} maxLength={1024} value={description} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={robot ? t('robots.durationFromCreation') : t('robots.durationDays')}>
        {(id) => (
          <span class="row">
            <input id={id} type="number" min={1} required={!never} disabled={never} value={duration} onInput={(e) => setDuration(Number((e.target as HTMLInputElement).value))} />
            <label class="inline">
              <input type="checkbox" checked={never} onChange={(e) => setNever((e.target as HTMLInputElement).checked)} />
              {t('robots.never')}
            </label>
          </span>
        )}
      </Field>
      <ErrorBanner error={error} />
      {!assignable && !error && <Spinner />}
      {assignable && props.level === 'system' && (
        <PermissionMatrix legend={t('robots.systemPermissions')} available={assignable.system ?? []} chosen={sysGrants} onChange={setSysGrants} />
      )}
      {assignable && (
        <PermissionMatrix
          legend={props.level === 'system' ? t('robots.allProjectsPermissions') : t('robots.permissions')}
          available={assignable.project}
          chosen={grants}
          onChange={setGrants}
        />
      )}
      {kept.length > 0 && <p class="hint">{t('robots.keptProjects', { projects: kept.map((p) => p.namespace).join(', ') })}</p>}
    </FormModal>
  );
}
