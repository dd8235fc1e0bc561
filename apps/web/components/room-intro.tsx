'use client';

import type { MyRoom, User } from '@qc/shared';
import { formatDate } from '@/lib/format-time';
import { roomTitle } from '@/lib/room-display';
import { Avatar } from './avatar';
import { HashIcon, UsersIcon } from './icons';

/**
 * What a room's history starts with, once its first message is loaded (or it has none yet):
 * which room this is, its topic, who made it and when; for a direct message, who it is with.
 */
export function RoomIntro({ room, users, meId }: { room: MyRoom; users: Readonly<Record<string, User>>; meId: string }) {
  const when = (
    <time dateTime={room.createdAt} title={new Date(room.createdAt).toLocaleString()}>
      {formatDate(room.createdAt)}
    </time>
  );
  const creator = room.createdBy === meId ? 'you' : users[room.createdBy]?.displayName;

  if (room.kind === 'direct') {
    const peer = room.peer;
    return (
      <section className="room-intro" aria-label="Start of the conversation" data-testid="room-intro">
        {peer && <Avatar user={peer} size={56} />}
        <h2 className="room-intro__title">
          <bdi>{roomTitle(room)}</bdi>
        </h2>
        <p className="room-intro__text">
          This is the beginning of your conversation with <bdi className="room-intro__name">{roomTitle(room)}</bdi>
          {peer && (
            <>
              {' '}
              (@<bdi>{peer.username}</bdi>)
            </>
          )}
          .
        </p>
      </section>
    );
  }

  const channel = room.kind === 'channel';
  return (
    <section className="room-intro" aria-label={`Start of ${channel ? 'the channel' : 'the group'}`} data-testid="room-intro">
      <span className="room-intro__icon" aria-hidden="true">
        {channel ? <HashIcon size={28} /> : <UsersIcon size={28} />}
      </span>
      <h2 className="room-intro__title">
        {channel && '#'}
        <bdi>{room.name}</bdi>
      </h2>
      <p className="room-intro__text">
        This is the very beginning of{' '}
        <bdi className="room-intro__name">
          {channel && '#'}
          {room.name}
        </bdi>
        {channel ? '' : ', a private group'}.
        {room.topic && (
          <>
            {' '}
            <span className="room-intro__topic">
              Topic: <bdi>{room.topic}</bdi>
            </span>
          </>
        )}
      </p>
      <p className="room-intro__meta">
        {creator ? (
          <>
            Created by <bdi>{creator}</bdi> on {when}.
          </>
        ) : (
          <>Created on {when}.</>
        )}
      </p>
    </section>
  );
}
