'use client';

import { useRouter } from '@/lib/router/router';
import { useState } from 'react';
import type { Member, Role, User } from '@qc/shared';
import { isolate } from '@/lib/bidi';
import { kindNoun, roomTitle } from '@/lib/room-display';
import { useChatClient, useRoom, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { ConfirmDialog } from './confirm-dialog';
import { PeopleSearch } from './people-search';
import { PresenceDot } from './presence-dot';
import { ProfileButton } from './profile-card';
import { MEMBERS_PANEL_ID } from './room-header';
import { CloseIcon, ShieldIcon } from './icons';
import { ModerateMemberDialog, moderationActions } from './moderate-member-dialog';
import { SidePanel } from './side-panel';

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, moderator: 2, member: 3 };

/** Who is in the room, who is online; owners and admins add and remove people here. */
export function MembersPanel({ roomId, onClose }: { roomId: string; onClose: () => void }) {
  const client = useChatClient();
  const router = useRouter();
  const room = useRoom(roomId);
  const members = useStore(client.people, (s) => s.members[roomId]);
  const presence = useStore(client.presence, (s) => s.presence);
  const meId = useStore(client.people, (s) => s.me.id);
  const myInstanceRole = useStore(client.people, (s) => s.me.instanceRole ?? null);
  const [moderating, setModerating] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<'leave' | 'delete' | null>(null);

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
  const noun = kindNoun(room.kind);
  const title = room.kind === 'channel' ? `#${isolate(roomTitle(room))}` : isolate(roomTitle(room));
  // Errors show in the dialog (ConfirmDialog); on success the room is gone and so is this panel.
  const leave = async () => {
    await client.leaveRoom(roomId);
    router.replace('/chat');
  };
  const destroy = async () => {
    await client.deleteRoom(roomId);
    router.replace('/chat');
  };
  const others = Math.max(0, room.memberCount - 1);

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
            {m.userId !== meId && moderationActions({ instanceRole: myInstanceRole, roomRole: room.role }, m).length > 0 && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Moderate ${m.user.displayName}`}
                title={`Mute, remove or ban ${isolate(m.user.displayName)}`}
                onClick={() => setModerating(m)}
              >
                <ShieldIcon size={14} />
              </button>
            )}
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
          <button type="button" className="button button--block" onClick={() => setConfirming('leave')} disabled={busy}>
            Leave {noun}
          </button>
          {room.role === 'owner' && (
            <button type="button" className="button button--danger button--block" onClick={() => setConfirming('delete')} disabled={busy}>
              Delete {noun}
            </button>
          )}
        </div>
      )}

      {moderating && (
        <ModerateMemberDialog
          room={room}
          member={moderating}
          actions={moderationActions({ instanceRole: myInstanceRole, roomRole: room.role }, moderating)}
          onClose={() => setModerating(null)}
        />
      )}
      {confirming === 'leave' && (
        <ConfirmDialog
          title={`Leave ${title}?`}
          description={
            (room.kind === 'channel'
              ? 'You will stop getting its messages. You can join again from Browse channels.'
              : 'You will stop getting its messages, and only a member can add you back.') +
            (room.role === 'owner'
              ? ' If you are its only owner, ownership passes to an admin, or else to the member who joined first.'
              : '')
          }
          confirmLabel={`Leave ${noun}`}
          onConfirm={leave}
          onClose={() => setConfirming(null)}
        />
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title={`Delete ${title}?`}
          description={`The ${noun} and all its messages are deleted for everyone in it${
            others > 0 ? ` (${others} ${others === 1 ? 'other person' : 'other people'})` : ''
          }. This can't be undone.`}
          confirmLabel={`Delete ${noun}`}
          onConfirm={destroy}
          onClose={() => setConfirming(null)}
        />
      )}
    </SidePanel>
  );
}
