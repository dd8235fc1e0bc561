'use client';

import { Link } from '@/lib/router/router';
import { Suspense, useCallback, useState } from 'react';
import { lazyComponent } from '@/lib/lazy-component';
import type { Message } from '@qc/shared';
import { useRoom, useTimeline } from '@/lib/use-chat';
import { roomTitle } from '@/lib/room-display';
import { Composer } from './composer';
import { MessageList } from './message-list';
import { RoomHeader } from './room-header';
import { TypingIndicator } from './typing-indicator';

// Opened on a click: fetched then, not with the chat (see lazy-component.ts).
const MembersPanel = lazyComponent(() => import('./members-panel').then((m) => m.MembersPanel));
const PinnedPanel = lazyComponent(() => import('./pinned-panel').then((m) => m.PinnedPanel));
const ThreadPanel = lazyComponent(() => import('./thread-panel').then((m) => m.ThreadPanel));

type SidePanel = { kind: 'members' } | { kind: 'pins' } | { kind: 'thread'; root: Message } | null;

/** One open room: header, messages, who is typing, the composer and (toggled) its members or a thread. */
export function RoomView({ roomId }: { roomId: string }) {
  const room = useRoom(roomId);
  const timeline = useTimeline(roomId);
  const [editingId, setEditingId] = useState<string | null>(null);
  // One side panel at a time (members, pins or a thread): there is room for one beside the messages.
  const [side, setSide] = useState<SidePanel>(null);
  const openThread = useCallback((root: Message) => setSide({ kind: 'thread', root }), []);
  const closeSide = useCallback(() => setSide(null), []);
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  const cancelReply = useCallback(() => setReplyingTo(null), []);
  const toggleMembers = useCallback(() => setSide((s) => (s?.kind === 'members' ? null : { kind: 'members' })), []);
  const togglePins = useCallback(() => setSide((s) => (s?.kind === 'pins' ? null : { kind: 'pins' })), []);

  if (timeline?.status === 'error' && !room) {
    return (
      <div className="empty-state">
        <h1 className="empty-state__title">Can&apos;t open this conversation</h1>
        <p className="empty-state__text">{timeline.error}</p>
        <Link className="button" href="/chat">
          Back to your rooms
        </Link>
      </div>
    );
  }

  return (
    <section className="room" aria-label={room ? roomTitle(room) : 'Conversation'}>
      <RoomHeader
        roomId={roomId}
        membersOpen={side?.kind === 'members'}
        onToggleMembers={toggleMembers}
        pinsOpen={side?.kind === 'pins'}
        onTogglePins={togglePins}
      />
      <div className="room__body">
        <div className="room__conversation">
          <MessageList
            roomId={roomId}
            editingId={editingId}
            onEditingChange={setEditingId}
            onOpenThread={openThread}
            onReply={setReplyingTo}
          />
          <TypingIndicator roomId={roomId} />
          <Composer
            roomId={roomId}
            placeholderName={room ? roomTitle(room) : ''}
            kind={room?.kind ?? 'channel'}
            onEditLast={setEditingId}
            replyingTo={replyingTo}
            onCancelReply={cancelReply}
          />
        </div>
        <Suspense fallback={null}>
          {side?.kind === 'members' && room && <MembersPanel roomId={roomId} onClose={closeSide} />}
          {side?.kind === 'pins' && <PinnedPanel roomId={roomId} onClose={closeSide} />}
          {side?.kind === 'thread' && side.root.roomId === roomId && (
            <ThreadPanel key={side.root.id} root={side.root} onClose={closeSide} />
          )}
        </Suspense>
      </div>
    </section>
  );
}
