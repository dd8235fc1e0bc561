'use client';

import Link from 'next/link';
import { useCallback, useState } from 'react';
import type { Message } from '@qc/shared';
import { useRoom, useTimeline } from '@/lib/use-chat';
import { roomTitle } from '@/lib/room-display';
import { Composer } from './composer';
import { MembersPanel } from './members-panel';
import { MessageList } from './message-list';
import { RoomHeader } from './room-header';
import { ThreadPanel } from './thread-panel';
import { TypingIndicator } from './typing-indicator';

/** One open room: header, messages, who is typing, the composer and (toggled) its members or a thread. */
export function RoomView({ roomId }: { roomId: string }) {
  const room = useRoom(roomId);
  const timeline = useTimeline(roomId);
  const [membersOpen, setMembersOpen] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  // One side panel at a time: a thread takes the members' place, and the other way round.
  const [threadRoot, setThreadRoot] = useState<Message | null>(null);
  const openThread = useCallback((root: Message) => {
    setMembersOpen(false);
    setThreadRoot(root);
  }, []);
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  const cancelReply = useCallback(() => setReplyingTo(null), []);
  const toggleMembers = useCallback(() => {
    setThreadRoot(null);
    setMembersOpen((v) => !v);
  }, []);

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
      <RoomHeader roomId={roomId} membersOpen={membersOpen} onToggleMembers={toggleMembers} />
      <div className="room__body">
        <div className="room__conversation">
          <MessageList roomId={roomId} editingId={editingId} onEditingChange={setEditingId} onOpenThread={openThread} onReply={setReplyingTo} />
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
        {membersOpen && room && <MembersPanel roomId={roomId} onClose={() => setMembersOpen(false)} />}
        {threadRoot && threadRoot.roomId === roomId && <ThreadPanel key={threadRoot.id} root={threadRoot} onClose={() => setThreadRoot(null)} />}
      </div>
    </section>
  );
}
