'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { Member, Role, User } from '@qc/shared';
import { isolate } from '@/lib/bidi';
import { kindNoun, roomTitle } from '@/lib/room-display';
import { useChatClient, useRoom, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { PeopleSearch } from './people-search';
import { PresenceDot } from './presence-dot';
import { ProfileButton } from './profile-card';
import { MEMBERS_PANEL_ID } from './room-header';
import { CloseIcon } from './icons';
import { SidePanel } from './side-panel';

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/** Who is in the room, who is online; owners and admins add and remove people here. */
export function MembersPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const client = useChatClient();
  const router = useRouter();
  const room = useRoom(roomId);
  const members = useStore(client.people, (s) => s.members[roomId]);
  const presence = useStore(client.presence, (s) => s.presence);
  const meId = useStore(client.people, (s) => s.me.id);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!room) return null;
  const canManage = room.kind !== 'direct' && (room.role === 'owner' || room.role === 'admin');
  const sorted = [...(members ?? [])].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.displayName.localeCompare(b.user.displayName),
  );

  async function run(action: () => Promise<void>, failure: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : failure);
    } finally {
      setBusy(false);
    }
  }

  const canRemove = (m: Member) => canManage && m.userId !== meId && m.role !== 'owner' && (room.role === 'owner' || m.role === 'member');

  const add = (user: User) => run(() => client.addMember(roomId, user.id), `Could not add ${isolate(user.displayName)}.`);
  const remove = (m: Member) => run(() => client.removeMember(roomId, m.userId), `Could not remove ${isolate(m.user.displayName)}.`);
  const leave = () => {
    if (!window.confirm(`Leave ${isolate(roomTitle(room))}?`)) return;
    void run(async () => {
      await client.leaveRoom(roomId);
      router.replace('/chat');
    }, 'Could not leave.');
  };
  const destroy = () => {
    if (!window.confirm(`Delete ${isolate(roomTitle(room))} for everyone? This cannot be undone.`)) return;
    void run(async () => {
      await client.deleteRoom(roomId);
      router.replace('/chat');
    }, 'Could not delete.');
  };

  return (
    <SidePanel
      id={MEMBERS_PANEL_ID}
      className="members"
      label="Members"
      title={
        <>
          Members <span className="members__count">{room.memberCount}</span>
        </>
      }
      closeLabel="Close members"
      onClose={onClose}
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}

      {canManage && (
        <div className="members__add">
          <PeopleSearch
            label="Add people"
            autoFocus={false}
            actionLabel="Add"
            disabled={busy}
            excludeIds={(members ?? []).map((m) => m.userId)}
            onPick={(user) => void add(user)}
          />
        </div>
      )}

      {!members && <p className="muted members__loading">Loading members…</p>}
      <ul className="members__list">
        {sorted.map((m) => (
          <li key={m.userId} className="member-row">
            <span className="member-row__avatar">
              <ProfileButton person={m.user} decorative>
                <Avatar user={m.user} size={28} />
              </ProfileButton>
              <PresenceDot status={presence[m.userId] ?? m.presence} className="presence-dot--on-avatar" />
            </span>
            <ProfileButton person={m.user} className="member-row__names">
              <span className="member-row__name">
                <bdi>{m.user.displayName}</bdi>
                {m.userId === meId && <span className="muted"> (you)</span>}
              </span>
              <span className="member-row__username">
                @<bdi>{m.user.username}</bdi>
              </span>
            </ProfileButton>
            {m.role !== 'member' && <span className={`role-tag role-tag--${m.role}`}>{m.role}</span>}
            {canRemove(m) && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${m.user.displayName}`}
                title={`Remove ${isolate(m.user.displayName)}`}
                disabled={busy}
                onClick={() => void remove(m)}
              >
                <CloseIcon size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>

      {room.kind !== 'direct' && (
        <div className="members__footer">
          <button type="button" className="button button--block" onClick={leave} disabled={busy}>
            Leave {kindNoun(room.kind)}
          </button>
          {room.role === 'owner' && (
            <button type="button" className="button button--danger button--block" onClick={destroy} disabled={busy}>
              Delete {kindNoun(room.kind)}
            </button>
          )}
        </div>
      )}
    </SidePanel>
  );
}
