'use client';

import { Link, useRouter } from '@/lib/router/router';
import { Suspense, useMemo, useState, type ReactNode } from 'react';
import { lazyComponent } from '@/lib/lazy-component';
import type { MyRoom } from '@qc/shared';
import { roomsBySection } from '@/lib/navigation/room-order';
import { roomTitle } from '@/lib/room-display';
import { isDraft } from '@/lib/stores/draft-store';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { NotificationPrompt } from './notification-prompt';
import { BellOffIcon, CompassIcon, GearIcon, HashIcon, PencilIcon, PlusIcon, UsersIcon, ShieldIcon } from './icons';
import { PresenceDot } from './presence-dot';
import { QuickSwitcherButton } from './room-navigation';
import { SearchLauncher } from './search-panel';

// Opened on a click: fetched then, not with the chat (see lazy-component.ts).
const BrowseChannelsDialog = lazyComponent(() => import('./browse-channels-dialog').then((m) => m.BrowseChannelsDialog));
const NewChannelDialog = lazyComponent(() => import('./new-channel-dialog').then((m) => m.NewChannelDialog));
const NewDirectMessageDialog = lazyComponent(() => import('./new-direct-message-dialog').then((m) => m.NewDirectMessageDialog));
const NewGroupDialog = lazyComponent(() => import('./new-group-dialog').then((m) => m.NewGroupDialog));

type DialogName = 'direct' | 'group' | 'channel' | 'browse';

/** Me, my rooms by kind (each most recent first), and the ways to start a conversation. */
export function Sidebar({ openRoomId }: { openRoomId: string | null }) {
  const router = useRouter();
  const client = useChatClient();
  const me = useStore(client.people, (s) => s.me);
  const myStatus = useStore(client.connection, (s) => s.myStatus);
  const connection = useStore(client.connection, (s) => s.status);
  const rooms = useStore(client.rooms, (s) => s.rooms);
  const roomsStatus = useStore(client.rooms, (s) => s.status);
  const roomsError = useStore(client.rooms, (s) => s.error);
  const [dialog, setDialog] = useState<DialogName | null>(null);

  // The same sections Alt+↑/↓ walk through (lib/navigation/room-order).
  const byKind = useMemo(() => roomsBySection(rooms), [rooms]);

  const openRoom = (roomId: string) => {
    setDialog(null);
    router.push(`/chat?room=${encodeURIComponent(roomId)}`);
  };

  return (
    <aside className="sidebar" aria-label="Sidebar">
      <header className="sidebar__me">
        <span className="sidebar__avatar">
          <Avatar user={me} size={36} />
          <PresenceDot status={connection === 'online' ? myStatus : 'offline'} className="presence-dot--on-avatar" />
        </span>
        <span className="sidebar__who">
          <span className="sidebar__name">
            <bdi>{me.displayName}</bdi>
          </span>
          <span className="sidebar__username">
            @<bdi>{me.username}</bdi>
          </span>
        </span>
        {me.instanceRole && (
          <Link className="icon-button" href="/admin" aria-label="Admin" title="Admin: audit log and word rules">
            <ShieldIcon size={18} />
          </Link>
        )}
        <Link className="icon-button" href="/settings" aria-label="Settings" title="Settings">
          <GearIcon size={18} />
        </Link>
      </header>
      <QuickSwitcherButton />
      <SearchLauncher />
      <NotificationPrompt />

      <nav className="room-nav" aria-label="Rooms">
        {roomsStatus === 'loading' && rooms.length === 0 && <p className="room-nav__hint">Loading your conversations…</p>}
        {roomsStatus === 'error' && (
          <p className="room-nav__hint room-nav__hint--error" role="alert">
            {roomsError}
          </p>
        )}

        <RoomSection
          title="Channels"
          rooms={byKind.channel}
          openRoomId={openRoomId}
          empty="No channels yet."
          actions={
            <>
              <SectionButton label="Browse channels" onClick={() => setDialog('browse')}>
                <CompassIcon />
              </SectionButton>
              <SectionButton label="New channel" onClick={() => setDialog('channel')}>
                <PlusIcon />
              </SectionButton>
            </>
          }
        />
        <RoomSection
          title="Groups"
          rooms={byKind.group}
          openRoomId={openRoomId}
          empty="No groups yet."
          actions={
            <SectionButton label="New group" onClick={() => setDialog('group')}>
              <UsersIcon />
            </SectionButton>
          }
        />
        <RoomSection
          title="Direct messages"
          rooms={byKind.direct}
          openRoomId={openRoomId}
          empty="No direct messages yet."
          actions={
            <SectionButton label="New direct message" onClick={() => setDialog('direct')}>
              <PlusIcon />
            </SectionButton>
          }
        />
      </nav>

      <Suspense fallback={null}>
        {dialog === 'direct' && <NewDirectMessageDialog onClose={() => setDialog(null)} onOpenRoom={openRoom} />}
        {dialog === 'group' && <NewGroupDialog onClose={() => setDialog(null)} onOpenRoom={openRoom} />}
        {dialog === 'channel' && <NewChannelDialog onClose={() => setDialog(null)} onOpenRoom={openRoom} />}
        {dialog === 'browse' && <BrowseChannelsDialog onClose={() => setDialog(null)} onOpenRoom={openRoom} />}
      </Suspense>
    </aside>
  );
}

function SectionButton({ label, onClick, children }: { label: string; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={onClick}>
      {children}
    </button>
  );
}

function RoomSection(props: { title: string; rooms: MyRoom[]; openRoomId: string | null; empty: string; actions: ReactNode }) {
  const headingId = `rooms-${props.title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <div className="room-section" role="group" aria-labelledby={headingId}>
      <div className="room-section__header">
        <h2 className="room-section__title" id={headingId}>
          {props.title}
        </h2>
        <div className="room-section__actions">{props.actions}</div>
      </div>
      {props.rooms.length === 0 ? (
        <p className="room-section__empty">{props.empty}</p>
      ) : (
        <ul className="room-section__list">
          {props.rooms.map((room) => (
            <li key={room.id}>
              <RoomLink room={room} open={room.id === props.openRoomId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Muted until later, or set to tell nothing: shown quiet in the list. */
function isMuted(room: MyRoom): boolean {
  const until = room.notifications.mutedUntil;
  return room.notifications.level === 'none' || (until !== null && Date.parse(until) > Date.now());
}

/**
 * One room. Its accessible name is "<room name> [presence] [Draft] [muted] [N mentions] [N unread]" — the name
 * first, so people (and tests) can find a room by how it is called.
 */
function RoomLink({ room, open }: { room: MyRoom; open: boolean }) {
  const client = useChatClient();
  const peerPresence = useStore(client.presence, (s) => (room.peer ? (s.presence[room.peer.id] ?? 'offline') : null));
  const hasDraft = useStore(client.drafts, (s) => isDraft(s[room.id]));
  const unread = room.unreadCount;
  const mentions = room.mentionCount;
  const title = roomTitle(room);
  const muted = isMuted(room);
  return (
    <Link
      href={`/chat?room=${encodeURIComponent(room.id)}`}
      className={`room-link${open ? ' room-link--open' : ''}${unread > 0 && !muted ? ' room-link--unread' : ''}${muted ? ' room-link--muted' : ''}`}
      aria-current={open ? 'page' : undefined}
    >
      <span className="room-link__icon" aria-hidden="true">
        {room.kind === 'direct' && room.peer ? (
          <Avatar user={room.peer} size={22} />
        ) : room.kind === 'channel' ? (
          <HashIcon size={15} />
        ) : (
          <UsersIcon size={15} />
        )}
      </span>
      <span className="room-link__name">
        <bdi>{title}</bdi>
      </span>{' '}
      {peerPresence && <PresenceDot status={peerPresence} className="presence-dot--room-link" />}{' '}
      {hasDraft && (
        <span className="room-link__draft" role="img" aria-label="Draft" title="Draft">
          <PencilIcon size={13} />
        </span>
      )}{' '}
      {muted && (
        <span className="room-link__muted" role="img" aria-label="muted">
          <BellOffIcon size={13} />
        </span>
      )}
      {mentions > 0 && (
        <span className="badge badge--mention" role="img" aria-label={`${mentions} ${mentions === 1 ? 'mention' : 'mentions'}`}>
          @{mentions > 9 ? '9+' : mentions}
        </span>
      )}
      {unread > 0 && (
        <span className="badge" role="img" aria-label={`${unread} unread`}>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}
