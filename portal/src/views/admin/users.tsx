import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { registerRoute } from '../../router';
import { session } from '../../session';
import type { User } from '../../types';
import { attempt, Badge, confirmAction, Field, FormModal, PageHeader, Time } from '../../ui/components';
import { DataTable } from '../../ui/DataTable';

function UsersView() {
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const me = session.get().user;
  const toggleAdmin = async (u: User) => {
    const msg = u.sysadmin_flag ? t('users.confirmRevoke', { name: u.username }) : t('users.confirmGrant', { name: u.username });
    if (!(await confirmAction(msg, u.sysadmin_flag ? t('users.revokeAdmin') : t('users.grantAdmin')))) return;
    if (await attempt(() => api.put(`/users/${u.user_id}/sysadmin`, { sysadmin_flag: !u.sysadmin_flag }), u.sysadmin_flag ? t('users.adminRevoked', { name: u.username }) : t('users.adminGranted', { name: u.username }))) setReload(reload + 1);
  };
  const remove = async (u: User) => {
    if (!(await confirmAction(t('users.confirmDelete', { name: u.username })))) return;
    if (await attempt(() => api.del(`/users/${u.user_id}`), t('users.deleted', { name: u.username }))) setReload(reload + 1);
  };
  return (
    <section>
      <PageHeader title={t('users.title')} />
      <DataTable<User>
        caption={t('users.title')}
        rowKey={(u) => u.user_id}
        reloadKey={reload}
        searchField="username"
        searchLabel={t('users.search')}
        fetchPage={(query) => api.page<User>('/users', query)}
        empty={t('users.empty')}
        toolbar={
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('users.new')}
          </button>
        }
        columns={[
          { label: t('users.username'), sort: 'username', render: (u) => u.username },
          { label: t('users.admin'), render: (u) => (u.sysadmin_flag ? <Badge tone="ok">{t('common.yes')}</Badge> : t('common.no')) },
          { label: t('users.email'), sort: 'email', render: (u) => u.email },
          { label: t('users.realname'), render: (u) => u.realname },
          { label: t('common.created'), sort: 'creation_time', render: (u) => <Time iso={u.creation_time} /> },
          {
            label: t('common.actions'),
            class: 'actions-col',
            render: (u) =>
              u.user_id === me?.user_id ? null : (
                <span class="row-actions">
                  <button type="button" class="small" onClick={() => toggleAdmin(u)}>
                    {u.sysadmin_flag ? t('users.revokeAdmin') : t('users.grantAdmin')}
                  </button>
                  <button type="button" class="small" onClick={() => setResetting(u)}>
                    {t('users.resetPassword')}
                  </button>
                  <button type="button" class="small danger" onClick={() => remove(u)} aria-label={t('users.deleteNamed', { name: u.username })}>
                    {t('common.delete')}
                  </button>
                </span>
              ),
          },
        ]}
      />
      {creating && (
        <CreateUser
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            setReload(reload + 1);
          }}
        />
      )}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
    </section>
  );
}

function input(set: (v: string) => void) {
  return (e: Event) => set((e.target as HTMLInputElement).value);
}

function CreateUser({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [realname, setRealname] = useState('');
  const [password, setPassword] = useState('');
  const [comment, setComment] = useState('');
  return (
    <FormModal
      title={t('users.new')}
      submitLabel={t('common.create')}
      onClose={onClose}
      onSubmit={async () => {
        await api.create('/users', { username, email, realname, password, comment });
        onCreated();
      }}
    >
      <Field label={t('users.username')}>{(id) => <input id={id} name="username" required value={username} onInput={input(setUsername)} />}</Field>
      <Field label={t('users.email')}>{(id) => <input id={id} name="email" type="email" required value={email} onInput={input(setEmail)} />}</Field>
      <Field label={t('users.realname')}>{(id) => <input id={id} name="realname" required value={realname} onInput={input(setRealname)} />}</Field>
      <Field label={t('users.password')} hint={t('users.passwordRule')}>
        {(id) => <input id={id} name="password" type="password" autoComplete="new-password" required value={password} onInput={input(setPassword)} />}
      </Field>
      <Field label={t('users.comment')}>{(id) => <input id={id} name="comment" maxLength={30} value={comment} onInput={input(setComment)} />}</Field>
    </FormModal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const [password, setPassword] = useState('');
  return (
    <FormModal
      title={t('users.resetPasswordOf', { name: user.username })}
      submitLabel={t('common.save')}
      onClose={onClose}
      onSubmit={async () => {
        await api.put(`/users/${user.user_id}/password`, { new_password: password });
        onClose();
      }}
    >
      <Field label={t('users.newPassword')} hint={t('users.passwordRule')}>
        {(id) => <input id={id} type="password" autoComplete="new-password" required value={password} onInput={input(setPassword)} />}
      </Field>
    </FormModal>
  );
}

registerRoute({ path: '/admin/users', view: UsersView, title: 'users.title', admin: true, nav: { section: 'admin', order: 10 } });
