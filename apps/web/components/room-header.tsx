'use client';

import { Link } from '@/lib/router/router';
import { Suspense, useState } from 'react';
import { lazyComponent } from '@/lib/lazy-component';
import { roomTitle } from '@/lib/room-display';
import { useChatClient, useRoom, useStore } from '@/lib/use-chat';
import { ArrowLeftIcon, BellIcon, BellOffIcon, HashIcon, UsersIcon, PinIcon } from './icons';
import { PresenceDot } from './presence-dot';
import { SearchRoomButton } from './search-panel';

// Opened on a click: fetched then, not with the chat (see lazy-component.ts).
const EditRoomDialog = lazyComponent(() => import('./edit-room-dialog').then((m) => m.EditRoomDialog));
const RoomNotificationsDialog = lazyComponent(() => import('./room-notifications-dialog').then((m) => m.RoomNotificationsDialog));

export const MEMBERS_PANEL_ID = 'members-panel';
/** The pinned list's id, for the header button's aria-controls (the panel imports it from here, as the members panel does). */
export const PINNED_PANEL_ID = 'pinned-panel';

export function RoomHeader({
  roomId,
  membersOpen,
  onToggleMembers,
  pinsOpen,
  onTogglePins,
}: {
  roomId: string;
  membersOpen: boolean;
  onToggleMembers: () => void;
  pinsOpen: boolean;
  onTogglePins: () => void;
}) {
  const room = useRoom(roomId);
  const peerPresence = useStore(useChatClient().presence, (s) => (room?.peer ? (s.presence[room.peer.id] ?? 'offline') : null));
  const [editing, setEditing] = useState(false);
  const [notifying, setNotifying] = useState(false);
  const quiet =
    room &&
    (room.notifications.level === 'none' ||
      (room.notifications.mutedUntil !== null && Date.parse(room.notifications.mutedUntil) > Date.now()));

  const canEdit = room && room.kind !== 'direct' && (room.role === 'owner' || room.role === 'admin');
  const count = room?.memberCount ?? 0;

  return (
    <header className="room-header">
      <Link className="icon-button room-header__back" href="/chat" aria-label="Back to rooms">
        <ArrowLeftIcon size={20} />
      </Link>
      <div className="room-header__titles">
        <h1 className="room-header__name">
          {room?.kind === 'channel' && (
            <span className="room-header__hash" aria-hidden="true">
              <HashIcon size={18} />
            </span>
          )}
          <span>{room ? <bdi>{roomTitle(room)}</bdi> : 'Loading…'}</span>
          {peerPresence && (
            <>
              {' '}
              <PresenceDot status={peerPresence} />
            </>
          )}
        </h1>
        {room && (room.topic || room.kind === 'direct' || canEdit) && (
          <p className="room-header__topic">
            {(room.kind === 'direct' || room.topic) && (
              <span className="room-header__topic-text">
                {room.kind === 'direct' && room.peer ? (
                  <>
                    @<bdi>{room.peer.username}</bdi>
                  </>
                ) : (
                  <bdi>{room.topic}</bdi>
                )}
              </span>
            )}
            {canEdit && (
              <button type="button" className="link-button" onClick={() => setEditing(true)}>
                {room.topic ? 'Edit' : 'Add a topic'}
              </button>
            )}
          </p>
        )}
      </div>
      <SearchRoomButton roomId={roomId} />
      <button
        type="button"
        className="button button--ghost room-header__members"
        aria-label={quiet ? 'Notifications (muted)' : 'Notifications'}
        title="Notifications"
        onClick={() => setNotifying(true)}
        disabled={!room}
      >
        {quiet ? <BellOffIcon /> : <BellIcon />}
      </button>
      <button
        type="button"
        className={`button button--ghost room-header__members${pinsOpen ? ' is-active' : ''}`}
        aria-pressed={pinsOpen}
        // Only while the panel is in the DOM: an id that points at nothing is an invalid ARIA value (axe's aria-valid-attr-value).
        aria-controls={pinsOpen ? PINNED_PANEL_ID : undefined}
        aria-label="Pinned messages"
        title="Pinned"
        onClick={onTogglePins}
      >
        <PinIcon />
        <span className="room-header__pinned-label">Pinned</span>
      </button>
      <button
        type="button"
        className={`button button--ghost room-header__members${membersOpen ? ' is-active' : ''}`}
        aria-pressed={membersOpen}
        aria-controls={membersOpen ? MEMBERS_PANEL_ID : undefined}
        aria-label={`Members, ${count}`}
        title="Members"
        onClick={onToggleMembers}
      >
        <UsersIcon size={18} />
        <span>{count}</span>
      </button>
      <Suspense fallback={null}>
        {editing && room && <EditRoomDialog room={room} onClose={() => setEditing(false)} />}
        {notifying && room && <RoomNotificationsDialog room={room} onClose={() => setNotifying(false)} />}
      </Suspense>
    </header>
  );
}
