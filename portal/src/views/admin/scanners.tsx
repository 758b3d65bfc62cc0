// Harbor's scanner registrations (Administration → Interrogation services → Scanners): the list with
// the built-in scanner first, add and edit (the access credential is write-only), test connection,
// set as default, enable or disable, delete.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { t } from '../../i18n';
import { StaticTable } from '../../ui/DataTable';
import { attempt, Badge, confirmAction, ErrorBanner, Field, FormModal, notify, Spinner } from '../../ui/components';
import { ActionMenu } from '../../ui/menu';

export interface Scanner {
  uuid: string;
  name: string;
  url: string;
  description?: string;
  is_default?: boolean;
  disabled?: boolean;
  auth?: string;
  skip_certVerify?: boolean;
  use_internal_addr?: boolean;
}

/** The built-in scanner's uuid (Berth's, not Harbor's): no row, so it is shown but not changed. */
export const BUILTIN = 'berth-builtin';
const AUTHS = ['', 'Basic', 'Bearer', 'APIKey'];

interface Draft {
  name: string;
  description: string;
  url: string;
  auth: string;
  access_credential: string;
  skip_certVerify: boolean;
  use_internal_addr: boolean;
  disabled: boolean;
}

function draftOf(s?: Scanner): Draft {
  return {
    name: s?.name ?? '',
    description: s?.description ?? '',
    url: s?.url ?? '',
    auth: s?.auth ?? '',
    access_credential: '',
    skip_certVerify: !!s?.skip_certVerify,
    use_internal_addr: !!s?.use_internal_addr,
    disabled: !!s?.disabled,
  };
}

function ScannerForm({ scanner, onClose, onDone }: { scanner?: Scanner; onClose: () => void; onDone: () => void }) {
  const [d, setD] = useState<Draft>(draftOf(scanner));
  const set = (k: keyof Draft, v: string | boolean) => setD({ ...d, [k]: v });
  const body = () => {
    const b: Record<string, unknown> = { ...d };
    // an unchanged credential stays as stored: Harbor's edit keeps it when none is typed
    if (!d.access_credential) delete b.access_credential;
    return b;
  };
  const test = () => attempt(() => api.post('/scanners/ping', { ...body(), access_credential: d.access_credential }), t('scanners.pingOk'));
  const submit = async () => {
    if (scanner) await api.put(`/scanners/${seg(scanner.uuid)}`, body());
    else await api.create('/scanners', body());
    notify(t(scanner ? 'scanners.saved' : 'scanners.added', { name: d.name }));
    onDone();
  };
  const text = (k: 'name' | 'description' | 'url', label: string, required = false) => (
    <Field label={label}>{(id) => <input id={id} required={required} value={d[k]} onInput={(e) => set(k, (e.target as HTMLInputElement).value)} />}</Field>
  );
  const check = (k: 'skip_certVerify' | 'use_internal_addr' | 'disabled', label: string) => (
    <label class="inline">
      <input type="checkbox" checked={d[k]} onChange={(e) => set(k, (e.target as HTMLInputElement).checked)} />
      {label}
    </label>
  );
  return (
    <FormModal title={scanner ? t('scanners.edit', { name: scanner.name }) : t('scanners.add')} submitLabel={t('common.save')} onClose={onClose} onSubmit={submit}>
      {text('name', t('scanners.name'), true)}
      {text('description', t('scanners.description'))}
      {text('url', t('scanners.endpoint'), true)}
      <Field label={t('scanners.auth')}>
        {(id) => (
          <select id={id} value={d.auth} onChange={(e) => set('auth', (e.target as HTMLSelectElement).value)}>
            {AUTHS.map((a) => (
              <option key={a} value={a}>
                {a || t('scanners.authNone')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.auth && (
        <Field label={t('scanners.credential')} hint={scanner?.auth ? t('scanners.credentialKept') : undefined}>
          {(id) => <input id={id} type="password" autoComplete="off" value={d.access_credential} onInput={(e) => set('access_credential', (e.target as HTMLInputElement).value)} />}
        </Field>
      )}
      {check('skip_certVerify', t('scanners.skipCert'))}
      {check('use_internal_addr', t('scanners.internalAddr'))}
      {check('disabled', t('scanners.disable'))}
      <div class="actions">
        <button type="button" onClick={test}>
          {t('scanners.test')}
        </button>
      </div>
    </FormModal>
  );
}

export function ScannersCard({ onLoaded }: { onLoaded?: (scanners: Scanner[]) => void }) {
  const [scanners, setScanners] = useState<Scanner[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Scanner | 'new' | null>(null);
  useEffect(() => {
    const builtin = api.get<Scanner>(`/scanners/${BUILTIN}`).catch(() => null);
    Promise.all([api.get<Scanner[]>('/scanners', { page_size: 100 }), builtin])
      .then(([list, b]) => {
        // the built-in scanner is listed too (a registration row); shown first, once
        const all = [...(b ? [b] : []), ...(list ?? []).filter((s) => s.uuid !== BUILTIN)];
        setScanners(all);
        onLoaded?.(all);
      })
      .catch(setError);
  }, [version]);
  const reload = () => setVersion(version + 1);
  const setDefault = async (s: Scanner) => {
    if (await attempt(() => api.patch(`/scanners/${seg(s.uuid)}`, { is_default: true }), t('scanners.defaultSet', { name: s.name }))) reload();
  };
  const toggle = async (s: Scanner) => {
    const body = { ...draftOf(s), disabled: !s.disabled } as Record<string, unknown>;
    delete body.access_credential;
    if (await attempt(() => api.put(`/scanners/${seg(s.uuid)}`, body), t(s.disabled ? 'scanners.enabledNamed' : 'scanners.disabledNamed', { name: s.name }))) reload();
  };
  const remove = async (s: Scanner) => {
    if (!(await confirmAction(t('scanners.confirmDelete', { name: s.name })))) return;
    if (await attempt(() => api.del(`/scanners/${seg(s.uuid)}`), t('scanners.deleted', { name: s.name }))) reload();
  };
  const ping = (s: Scanner) =>
    attempt(async () => {
      await api.get(`/scanners/${seg(s.uuid)}/metadata`);
    }, t('scanners.pingOkNamed', { name: s.name }));
  return (
    <div class="card">
      <div class="title-row">
        <h2>{t('scanners.list')}</h2>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          {t('scanners.add')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {scanners === null ? (
        !error && <Spinner />
      ) : (
        <StaticTable
          caption={t('scanners.list')}
          rows={scanners}
          rowKey={(s) => s.uuid}
          empty={t('scanners.none')}
          columns={[
            {
              label: t('scanners.name'),
              render: (s) => (
                <>
                  {s.name} {s.is_default && <Badge tone="ok">{t('scanners.default')}</Badge>} {s.uuid === BUILTIN && <Badge>{t('scanners.builtin')}</Badge>}
                </>
              ),
            },
            { label: t('scanners.endpoint'), render: (s) => <code>{s.url}</code> },
            { label: t('scanners.state'), render: (s) => (s.disabled ? t('scanners.disabled') : t('scanners.enabled')) },
            { label: t('scanners.description'), render: (s) => s.description ?? '' },
            {
              label: t('common.actions'),
              class: 'actions-col',
              render: (s) => (
                <ActionMenu
                  label={t('scanners.actionsFor', { name: s.name })}
                  items={[
                    { label: t('scanners.ping'), onSelect: () => ping(s) },
                    // any scanner can become the default again, the built-in one too (it is
                    // immutable otherwise: no edit, disable or delete)
                    ...(s.is_default || s.disabled ? [] : [{ label: t('scanners.setDefault'), onSelect: () => setDefault(s) }]),
                    ...(s.uuid === BUILTIN
                      ? []
                      : [
                          { label: t('common.edit'), onSelect: () => setEditing(s) },
                          ...(s.is_default ? [] : [{ label: s.disabled ? t('scanners.enable') : t('scanners.disable'), onSelect: () => toggle(s) }]),
                          { label: t('common.delete'), danger: true, onSelect: () => remove(s) },
                        ]),
                  ]}
                />
              ),
            },
          ]}
        />
      )}
      {editing && (
        <ScannerForm
          scanner={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </div>
  );
}
