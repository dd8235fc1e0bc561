'use client';

import { useMayDelete } from '@/lib/moderation/may-delete';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message, User } from '@qc/shared';
import { useChatClient, usePending, useRoom, useStore } from '@/lib/use-chat';
import { roomTitle } from '@/lib/room-display';
import { Composer } from './composer';
import { DeleteMessageDialog } from './delete-message-dialog';
import { MessageActionsContext, type MessageActions } from './message-actions';
import { MessageItem, PendingMessageItem } from './message-item';
import { SidePanel } from './side-panel';

type Sender = Pick<User, 'id' | 'displayName' | 'avatarUrl'>;

/**
 * The thread under one message: its root, its replies (loaded once, then live from the room's
 * stream) and a composer that writes into it through the same outbox as the room's, so a
 * reply is pending, failed or retried the same way.
 */
export function ThreadPanel({ root, onClose }: { root: Message; onClose: () => void }) {
  const client = useChatClient();
  const roomId = root.roomId;
  const rootId = root.id;
  const rootRef = useRef(root);
  rootRef.current = root;
  const thread = useStore(client.threads, (s) => s[rootId]);
  const allPending = usePending(roomId);
  const users = useStore(client.people, (s) => s.users);
  const me = useStore(client.people, (s) => s.me);
  const room = useRoom(roomId);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);

  // The panel keeps the thread live while it is shown, and lets it go when it closes.
  useEffect(() => {
    client.openThread(rootRef.current);
    return () => client.closeThread(rootId);
  }, [client, rootId]);

  const pending = useMemo(() => allPending.filter((p) => p.threadRootId === rootId), [allPending, rootId]);
  const replyCount = thread?.replies.length ?? 0;

  // New replies (mine or others') come in at the bottom: keep them in view.
  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [replyCount, pending.length]);

  const actions = useMemo<MessageActions>(
    () => ({
      startEdit: (messageId) => setEditingId(messageId),
      cancelEdit: () => setEditingId(null),
      saveEdit: async (message, content) => {
        const saved = await client.editMessage(roomId, message.id, content);
        if (saved) setEditingId(null);
        return saved;
      },
      askDelete: (message) => setDeleting(message),
      toggleReaction: (message, emoji) => void client.toggleReaction(message, emoji),
      togglePin: (message) => void client.pinMessage(message, !message.pinnedAt),
      frozen: room?.archived === true,
    }),
    [client, roomId, room?.archived],
  );
  const retry = useCallback((clientMsgId: string) => client.retry(roomId, clientMsgId), [client, roomId]);
  const discard = useCallback((clientMsgId: string) => client.discard(roomId, clientMsgId), [client, roomId]);

  const mayDelete = useMayDelete(roomId);
  const sender = (userId: string): Sender => users[userId] ?? { id: userId, displayName: 'Someone', avatarUrl: null };
  const item = (message: Message) => {
    const mine = message.senderId === me.id;
    return (
      <MessageItem
        key={message.id}
        message={message}
        sender={sender(message.senderId)}
        grouped={false}
        mine={mine}
        canDelete={mine || mayDelete(message)}
        editing={message.id === editingId}
        users={users}
        meId={me.id}
      />
    );
  };

  return (
    <SidePanel id={'thread-panel'} className="thread-panel" label="Thread" title="Thread" closeLabel="Close thread" onClose={onClose}>
      <div
        ref={scrollerRef}
        className="thread-panel__scroller"
        role="log"
        aria-live="polite"
        aria-label="Thread replies"
        aria-busy={thread?.status === 'loading' ? true : undefined}
        tabIndex={0}
      >
        <MessageActionsContext.Provider value={actions}>
          {thread?.root && item(thread.root)}
          <div className="thread-panel__count" role="separator" aria-label="Replies">
            <span>{replyCount === 1 ? '1 reply' : `${replyCount} replies`}</span>
          </div>
          {(!thread || thread.status === 'loading') && <p className="message-list__loading">Loading the thread…</p>}
          {thread?.status === 'error' && (
            <p className="message-list__error" role="alert">
              {thread.error}{' '}
              {thread.root && (
                <button type="button" className="link-button" onClick={() => thread.root && client.openThread(thread.root)}>
                  Try again
                </button>
              )}
            </p>
          )}
          {thread?.replies.map(item)}
          {pending.map((p) => (
            <PendingMessageItem
              key={p.clientMsgId}
              sender={me}
              content={p.content}
              attachments={p.attachments}
              createdAt={p.createdAt}
              status={p.status}
              error={p.error?.message}
              grouped={false}
              clientMsgId={p.clientMsgId}
              onRetry={retry}
              onDiscard={discard}
            />
          ))}
        </MessageActionsContext.Provider>
      </div>
      {thread?.root && !thread.root.deletedAt && (
        <Composer roomId={roomId} placeholderName={room ? roomTitle(room) : ''} kind={room?.kind ?? 'channel'} threadRootId={rootId} />
      )}
      {deleting && (
        <DeleteMessageDialog message={deleting} onDelete={(m) => client.deleteMessage(roomId, m.id)} onClose={() => setDeleting(null)} />
      )}
    </SidePanel>
  );
}
