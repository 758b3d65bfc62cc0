// A project's signature trust policy (Berth's extension, docs/signatures.md): mode, accepted kinds,
// trusted cosign public keys and keyless identities, and Notation's X.509 trust stores and Notary
// trust policy document.
// Members read; project admins edit.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerProjectTab } from '../../router';
import type { Perms, Project } from '../../types';
import { attempt, confirmAction, ErrorBanner, Field, FormModal, Spinner, Time } from '../../ui/components';
import { StaticTable } from '../../ui/DataTable';
import { trustPolicyPath, type KeylessIdentity, type NotationTrustStore, type TrustKey, type TrustPolicy } from '../signatures';

const MODES = ['off', 'warn', 'enforce'] as const;
const KINDS = ['cosign', 'notation'] as const;

function TrustTab({ project, perms }: { project: Project; perms: Perms }) {
  const base = trustPolicyPath(project);
  const editable = perms.has('configuration', 'update');
  const [policy, setPolicy] = useState<TrustPolicy | null>(null);
  const [keys, setKeys] = useState<TrustKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [mode, setMode] = useState<string>('off');
  const [kinds, setKinds] = useState<string[]>(['cosign']);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    Promise.all([api.get<TrustPolicy>(base), api.get<TrustKey[]>(`${base}/keys`)])
      .then(([p, k]) => {
        setPolicy(p);
        setKeys(k ?? []);
        setMode(p.mode);
        setKinds(p.kinds);
      })
      .catch(setError);
  }, [base, reload]);
  if (error) return <ErrorBanner error={error} />;
  if (!policy || !keys) return <Spinner />;
  const save = async (e: Event) => {
    e.preventDefault();
    if (await attempt(() => api.put(base, { mode, kinds }), t('common.saved'))) setReload(reload + 1);
  };
  const remove = async (k: TrustKey) => {
    if (!(await confirmAction(t('trust.confirmDeleteKey', { name: k.name })))) return;
    if (await attempt(() => api.del(`${base}/keys/${k.id}`), t('trust.keyDeleted'))) setReload(reload + 1);
  };
  const toggleKind = (kind: string) => setKinds(kinds.includes(kind) ? kinds.filter((k) => k !== kind) : [...kinds, kind]);
  return (
    <>
      <p class="hint">{t('trust.hint')}</p>
      <form class="card" onSubmit={save} aria-label={t('trust.policy')}>
        <h2>{t('trust.policy')}</h2>
        <Field label={t('trust.mode')} hint={t(`trust.modeHint.${mode}` as 'trust.modeHint.off')}>
          {(id) => (
            <select id={id} value={mode} disabled={!editable} onChange={(e) => setMode((e.target as HTMLSelectElement).value)}>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`signatures.mode.${m}` as 'signatures.mode.off')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>{t('trust.kinds')}</legend>
          {KINDS.map((k) => (
            <label key={k} class="checkbox">
              <input type="checkbox" checked={kinds.includes(k)} disabled={!editable} onChange={() => toggleKind(k)} /> {k}
            </label>
          ))}
        </fieldset>
        <p class="muted">
          {t('trust.version', { version: policy.version })} {policy.update_time && policy.version > 0 && <Time iso={policy.update_time} />}
        </p>
        {editable && (
          <button type="submit" class="primary" disabled={!kinds.length}>
            {t('common.save')}
          </button>
        )}
      </form>
      <div class="card">
        <h2>{t('trust.keys')}</h2>
        {editable && (
          <button type="button" onClick={() => setAdding(true)}>
            {t('trust.addKey')}
          </button>
        )}
        <StaticTable<TrustKey>
          caption={t('trust.keys')}
          rows={keys}
          rowKey={(k) => k.id}
          empty={t('trust.noKeys')}
          columns={[
            { label: t('trust.name'), render: (k) => k.name },
            { label: t('trust.keyType'), render: (k) => k.key_type },
            { label: t('trust.fingerprint'), render: (k) => <code class="break">{k.fingerprint}</code> },
            { label: t('common.created'), render: (k) => <Time iso={k.creation_time} /> },
            ...(editable
              ? [
                  {
                    label: t('common.actions'),
                    render: (k: TrustKey) => (
                      <button type="button" class="small danger" onClick={() => remove(k)} aria-label={t('trust.deleteKeyNamed', { name: k.name })}>
                        {t('common.delete')}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </div>
      <KeylessCard base={base} editable={editable} onChanged={() => setReload(reload + 1)} />
      <NotationCard base={base} editable={editable} onChanged={() => setReload(reload + 1)} />
      {adding && (
        <AddKey
          base={base}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            setReload(reload + 1);
          }}
        />
      )}
    </>
  );
}

function AddKey({ base, onClose, onAdded }: { base: string; onClose: () => void; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  return (
    <FormModal
      title={t('trust.addKey')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(`${base}/keys`, { name, public_key: pem });
        onAdded();
      }}
    >
      <Field label={t('trust.name')}>{(id) => <input id={id} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('trust.publicKey')} hint={t('trust.publicKeyHint')}>
        {(id) => <textarea id={id} required rows={6} class="mono" value={pem} onInput={(e) => setPem((e.target as HTMLTextAreaElement).value)} />}
      </Field>
    </FormModal>
  );
}

/** cosign keyless: the identities (OIDC issuer + certificate subject, exact or a pattern) this project trusts. */
function KeylessCard({ base, editable, onChanged }: { base: string; editable: boolean; onChanged: () => void }) {
  const [identities, setIdentities] = useState<KeylessIdentity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    api
      .get<KeylessIdentity[]>(`${base}/identities`)
      .then((i) => setIdentities(i ?? []))
      .catch(setError);
  }, [base, reload]);
  if (error) return <ErrorBanner error={error} />;
  if (!identities) return <Spinner />;
  const changed = () => {
    setReload(reload + 1);
    onChanged();
  };
  const remove = async (i: KeylessIdentity) => {
    if (!(await confirmAction(t('trust.keyless.confirmDelete', { name: i.name })))) return;
    if (await attempt(() => api.del(`${base}/identities/${i.id}`), t('trust.keyless.deleted'))) changed();
  };
  const shown = (exact?: string | null, pattern?: string | null) =>
    exact ? <code class="break">{exact}</code> : <span><span class="muted">{t('trust.keyless.pattern')}</span> <code class="break">{pattern}</code></span>;
  return (
    <div class="card">
      <h2>{t('trust.keyless.title')}</h2>
      <p class="hint">{t('trust.keyless.hint')}</p>
      {editable && (
        <button type="button" onClick={() => setAdding(true)}>
          {t('trust.keyless.add')}
        </button>
      )}
      <StaticTable<KeylessIdentity>
        caption={t('trust.keyless.title')}
        rows={identities}
        rowKey={(i) => i.id}
        empty={t('trust.keyless.none')}
        columns={[
          { label: t('trust.name'), render: (i) => i.name },
          { label: t('trust.keyless.issuer'), render: (i) => shown(i.issuer, i.issuer_regex) },
          { label: t('trust.keyless.subject'), render: (i) => shown(i.subject, i.subject_regex) },
          { label: t('common.created'), render: (i) => <Time iso={i.creation_time} /> },
          ...(editable
            ? [
                {
                  label: t('common.actions'),
                  render: (i: KeylessIdentity) => (
                    <button type="button" class="small danger" onClick={() => remove(i)} aria-label={t('trust.keyless.deleteNamed', { name: i.name })}>
                      {t('common.delete')}
                    </button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {adding && (
        <AddIdentity
          base={base}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            changed();
          }}
        />
      )}
    </div>
  );
}

function AddIdentity({ base, onClose, onAdded }: { base: string; onClose: () => void; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [issuerPattern, setIssuerPattern] = useState(false);
  const [subject, setSubject] = useState('');
  const [subjectPattern, setSubjectPattern] = useState(false);
  return (
    <FormModal
      title={t('trust.keyless.add')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(`${base}/identities`, {
          name,
          [issuerPattern ? 'issuer_regex' : 'issuer']: issuer,
          [subjectPattern ? 'subject_regex' : 'subject']: subject,
        });
        onAdded();
      }}
    >
      <Field label={t('trust.name')}>{(id) => <input id={id} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('trust.keyless.issuer')} hint={t('trust.keyless.issuerHint')}>
        {(id) => <input id={id} required value={issuer} onInput={(e) => setIssuer((e.target as HTMLInputElement).value)} />}
      </Field>
      <label class="checkbox">
        <input type="checkbox" checked={issuerPattern} onChange={() => setIssuerPattern(!issuerPattern)} /> {t('trust.keyless.issuerIsPattern')}
      </label>
      <Field label={t('trust.keyless.subject')} hint={t('trust.keyless.subjectHint')}>
        {(id) => <input id={id} required value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />}
      </Field>
      <label class="checkbox">
        <input type="checkbox" checked={subjectPattern} onChange={() => setSubjectPattern(!subjectPattern)} /> {t('trust.keyless.subjectIsPattern')}
      </label>
    </FormModal>
  );
}

/** Notation: the X.509 trust stores and the Notary trust policy document (JSON, as the spec writes it). */
function NotationCard({ base, editable, onChanged }: { base: string; editable: boolean; onChanged: () => void }) {
  const [stores, setStores] = useState<NotationTrustStore[] | null>(null);
  const [doc, setDoc] = useState<string>('');
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const [adding, setAdding] = useState(false);
  useEffect(() => {
    Promise.all([api.get<NotationTrustStore[]>(`${base}/trust-stores`), api.get<unknown>(`${base}/notation`)])
      .then(([s, d]) => {
        setStores(s ?? []);
        setDoc(JSON.stringify(d, null, 2));
      })
      .catch(setError);
  }, [base, reload]);
  if (error) return <ErrorBanner error={error} />;
  if (!stores) return <Spinner />;
  const changed = () => {
    setReload(reload + 1);
    onChanged();
  };
  const saveDoc = async (e: Event) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(doc);
    } catch {
      setError(new Error(t('trust.notation.notJson')));
      return;
    }
    if (await attempt(() => api.put(`${base}/notation`, parsed), t('common.saved'))) changed();
  };
  const remove = async (s: NotationTrustStore) => {
    if (!(await confirmAction(t('trust.notation.confirmDeleteStore', { name: s.reference })))) return;
    if (await attempt(() => api.del(`${base}/trust-stores/${s.id}`), t('trust.notation.storeDeleted'))) changed();
  };
  return (
    <>
      <div class="card">
        <h2>{t('trust.notation.stores')}</h2>
        <p class="hint">{t('trust.notation.storesHint')}</p>
        {editable && (
          <button type="button" onClick={() => setAdding(true)}>
            {t('trust.notation.addStore')}
          </button>
        )}
        <StaticTable<NotationTrustStore>
          caption={t('trust.notation.stores')}
          rows={stores}
          rowKey={(s) => s.id}
          empty={t('trust.notation.noStores')}
          columns={[
            { label: t('trust.notation.reference'), render: (s) => <code>{s.reference}</code> },
            {
              label: t('trust.notation.certificates'),
              render: (s) => (
                <ul class="plain">
                  {s.certificates.map((c) => (
                    <li key={c.sha256}>
                      {c.subject} <span class="muted">({t('trust.notation.until')} <Time iso={c.not_after} />)</span>
                    </li>
                  ))}
                </ul>
              ),
            },
            { label: t('common.created'), render: (s) => <Time iso={s.creation_time} /> },
            ...(editable
              ? [
                  {
                    label: t('common.actions'),
                    render: (s: NotationTrustStore) => (
                      <button type="button" class="small danger" onClick={() => remove(s)} aria-label={t('trust.notation.deleteStoreNamed', { name: s.reference })}>
                        {t('common.delete')}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </div>
      <form class="card" onSubmit={saveDoc} aria-label={t('trust.notation.document')}>
        <h2>{t('trust.notation.document')}</h2>
        <Field label={t('trust.notation.document')} hint={t('trust.notation.documentHint')}>
          {(id) => <textarea id={id} rows={14} class="mono" readOnly={!editable} value={doc} onInput={(e) => setDoc((e.target as HTMLTextAreaElement).value)} />}
        </Field>
        {editable && (
          <button type="submit" class="primary">
            {t('trust.notation.saveDocument')}
          </button>
        )}
      </form>
      {adding && (
        <AddStore
          base={base}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            changed();
          }}
        />
      )}
    </>
  );
}

function AddStore({ base, onClose, onAdded }: { base: string; onClose: () => void; onAdded: () => void }) {
  const [type, setType] = useState('ca');
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  return (
    <FormModal
      title={t('trust.notation.addStore')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create(`${base}/trust-stores`, { type, name, certificates: pem });
        onAdded();
      }}
    >
      <Field label={t('trust.keyType')}>
        {(id) => (
          <select id={id} value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            <option value="ca">ca</option>
            <option value="signingAuthority">signingAuthority</option>
          </select>
        )}
      </Field>
      <Field label={t('trust.name')}>{(id) => <input id={id} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />}</Field>
      <Field label={t('trust.notation.certificates')} hint={t('trust.notation.certificatesHint')}>
        {(id) => <textarea id={id} required rows={8} class="mono" value={pem} onInput={(e) => setPem((e.target as HTMLTextAreaElement).value)} />}
      </Field>
    </FormModal>
  );
}

registerProjectTab({ id: 'trust', label: 'trust.title', order: 48, view: TrustTab, visible: (p) => p.has('configuration', 'read') });
