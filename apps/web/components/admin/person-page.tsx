'use client';

import { useCallback, useEffect, useId, useState } from 'react';
import type { AdminPersonDetail, AdminPersonRoom, Member, Standing } from '@qc/shared';
import { api } from '@/lib/api';
import { isolate } from '@/lib/bidi';
import { useSession } from '@/lib/session';
import { ModerateMemberDialog, moderationActions } from '../moderate-member-dialog';
import { FormError } from '../form-error';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** The member as the room's moderation dialog knows one, from what the dashboard read. */
function asMember(detail: AdminPersonDetail, room: AdminPersonRoom): Member {
  const u = detail.user;
  return {
    roomId: room.id,
    userId: u.id,
    role: room.role,
    joinedAt: u.createdAt,
    readSeq: 0,
    user: {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      avatarUrl: null,
      createdAt: u.createdAt,
      ...(u.instanceRole ? { instanceRole: u.instanceRole } : {}),
    },
    presence: 'offline',
  };
}

/**
 * Someone's page: who they are, the groups and channels they are in (mute, remove or ban
 * them there, as the moderation policy allows), and their latest messages in those rooms.
 * Their direct conversations are only counted.
 */
export function PersonPage({ userId, onBack, children }: { userId: string; onBack: () => void; children?: React.ReactNode }) {
  const id = useId();
  const session = useSession();
  const me: Standing = { instanceRole: session.status === 'authenticated' ? (session.user.instanceRole ?? null) : null, roomRole: null };
  const [detail, setDetail] = useState<AdminPersonDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [moderating, setModerating] = useState<AdminPersonRoom | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await api.adminPerson(userId));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not read their page.');
    }
  }, [userId]);
  useEffect(() => void load(), [load]);

  const user = detail?.user;
  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <button type="button" className="button button--small button--ghost" onClick={onBack}>
        ← All people
      </button>
      <h2 id={`${id}-title`}>{user ? isolate(user.displayName) : 'Person'}</h2>
      <FormError error={error} />
      {user && detail && (
        <>
          <dl className="admin__profile" data-testid="person-profile">
            <dt>Username</dt>
            <dd>@{user.username}</dd>
            <dt>Role</dt>
            <dd>{user.instanceRole ?? 'member'}</dd>
            <dt>Joined</dt>
            <dd>{new Date(user.createdAt).toLocaleDateString()}</dd>
            <dt>Last seen</dt>
            <dd>{when(user.lastSeenAt)}</dd>
            <dt>Account</dt>
            <dd>{user.disabledAt ? `Disabled${user.disabledReason ? `: ${user.disabledReason}` : ''}` : 'Active'}</dd>
            <dt>Direct conversations</dt>
            <dd>{detail.directRooms}</dd>
          </dl>
          {children}

          <h3>Groups and channels</h3>
          <div className="admin__table-wrap">
            <table className="admin__table" data-testid="person-rooms">
              <caption className="sr-only">Groups and channels {user.displayName} is in</caption>
              <thead>
                <tr>
                  <th scope="col">Room</th>
                  <th scope="col">Their role</th>
                  <th scope="col">Muted until</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {detail.rooms.map((r) => {
                  const actions = moderationActions(me, asMember(detail, r));
                  return (
                    <tr key={r.id}>
                      <td>
                        {r.kind === 'channel' ? '#' : ''}
                        {isolate(r.name)}
                      </td>
                      <td>{r.role}</td>
                      <td>{r.mutedUntil ? new Date(r.mutedUntil).toLocaleString() : '–'}</td>
                      <td className="admin__row-actions">
                        {actions.length > 0 && (
                          <button type="button" className="button button--small" onClick={() => setModerating(r)}>
                            Moderate <span className="sr-only">in {r.name}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {detail.rooms.length === 0 && <p className="muted">In no group or channel.</p>}

          <h3>Latest messages</h3>
          <ol className="admin__messages" data-testid="person-messages">
            {detail.recentMessages.map((m) => (
              <li key={m.id} className="admin__message">
                <span className="muted">
                  {isolate(m.roomName)} · <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString()}</time>
                  {m.editedAt ? ' · edited' : ''}
                </span>
                <p>{m.deletedAt ? <em>Deleted</em> : <bdi>{m.content}</bdi>}</p>
              </li>
            ))}
          </ol>
          {detail.recentMessages.length === 0 && <p className="muted">No messages in groups or channels.</p>}
        </>
      )}
      {moderating && detail && (
        <ModerateMemberDialog
          room={{ id: moderating.id, name: moderating.name }}
          member={asMember(detail, moderating)}
          actions={moderationActions(me, asMember(detail, moderating))}
          onClose={() => {
            setModerating(null);
            void load();
          }}
        />
      )}
    </section>
  );
}
