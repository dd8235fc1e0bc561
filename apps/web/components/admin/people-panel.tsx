'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { AdminUser } from '@qc/shared';
import { api } from '@/lib/api';
import { isolate } from '@/lib/bidi';
import { ReasonDialog } from './reason-dialog';
import { PersonPage } from './person-page';
import { FormError } from '../form-error';

type AccountAction = 'disable' | 'enable' | 'end-sessions';

const ACTION_TEXT: Record<AccountAction, { title: string; description: string; confirm: string }> = {
  disable: {
    title: 'Disable account',
    description: 'They are signed out everywhere at once and cannot sign in until the account is enabled again.',
    confirm: 'Disable',
  },
  enable: { title: 'Enable account', description: 'They can sign in again.', confirm: 'Enable' },
  'end-sessions': {
    title: 'End all sessions',
    description: 'They are signed out on every device (a lost laptop, a shared computer) and can sign in again.',
    confirm: 'End sessions',
  },
};

/** People: find anyone by username or name; see their role and whether they are disabled; disable, enable, or sign them out everywhere. */
export function PeoplePanel() {
  const id = useId();
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<AdminUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<{ user: AdminUser; action: AccountAction } | null>(null);
  const [open, setOpen] = useState<AdminUser | null>(null);
  /** Bumped after an account action, so an open page reads itself again. */
  const [version, setVersion] = useState(0);

  const search = useCallback(async (q: string) => {
    try {
      setPeople(await api.adminUsers(q));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not find people.');
    }
  }, []);

  useEffect(() => void search(''), [search]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void search(query.trim());
  };

  const accountButtons = (u: AdminUser) =>
    u.disabledAt ? (
      <button type="button" className="button button--small" onClick={() => setActing({ user: u, action: 'enable' })}>
        Enable <span className="sr-only">{u.displayName}</span>
      </button>
    ) : (
      <>
        <button type="button" className="button button--small" onClick={() => setActing({ user: u, action: 'end-sessions' })}>
          End sessions <span className="sr-only">of {u.displayName}</span>
        </button>
        <button type="button" className="button button--small button--danger" onClick={() => setActing({ user: u, action: 'disable' })}>
          Disable <span className="sr-only">{u.displayName}</span>
        </button>
      </>
    );

  const dialog = acting && (
    <AccountActionDialog
      user={acting.user}
      action={acting.action}
      onClose={(changed) => {
        setActing(null);
        if (!changed) return;
        void search(query.trim());
        if (open) {
          setOpen({
            ...open,
            disabledAt: acting.action === 'disable' ? new Date().toISOString() : acting.action === 'enable' ? null : open.disabledAt,
          });
          setVersion((v) => v + 1);
        }
      }}
    />
  );

  if (open) {
    return (
      <>
        <PersonPage key={`${open.id}-${version}`} userId={open.id} onBack={() => setOpen(null)}>
          <div className="admin__row-actions">{accountButtons(open)}</div>
        </PersonPage>
        {dialog}
      </>
    );
  }

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>People</h2>
      <form className="admin__filters" onSubmit={onSubmit} role="search" aria-label="Find people">
        <div className="field admin__filter">
          <label htmlFor={`${id}-q`}>Username or name</label>
          <input id={`${id}-q`} className="input" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="admin__filter-actions">
          <button type="submit" className="button button--primary">
            Find
          </button>
        </div>
      </form>
      <FormError error={error} />
      <div className="admin__table-wrap">
        <table className="admin__table">
          <caption className="sr-only">People</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {people.map((u) => (
              <tr key={u.id} data-testid="person-row">
                <td>
                  <button type="button" className="admin__stat-link" onClick={() => setOpen(u)}>
                    {u.displayName}
                  </button>
                </td>
                <td>@{u.username}</td>
                <td>{u.instanceRole ?? 'member'}</td>
                <td>
                  <time dateTime={u.createdAt}>{new Date(u.createdAt).toLocaleDateString()}</time>
                </td>
                <td>{u.disabledAt ? `Disabled${u.disabledReason ? `: ${u.disabledReason}` : ''}` : 'Active'}</td>
                <td className="admin__row-actions">{accountButtons(u)} </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {people.length === 0 && !error && <p className="muted">Nobody matches.</p>}
      {dialog}
    </section>
  );
}

function AccountActionDialog({ user, action, onClose }: { user: AdminUser; action: AccountAction; onClose: (changed: boolean) => void }) {
  const text = ACTION_TEXT[action];
  return (
    <ReasonDialog
      title={`${text.title}: ${isolate(user.displayName)}`}
      description={text.description}
      confirm={text.confirm}
      danger={action !== 'enable'}
      onConfirm={async (reason) => {
        await api.accountAction(user.id, action, reason);
        onClose(true);
      }}
      onClose={() => onClose(false)}
    />
  );
}
