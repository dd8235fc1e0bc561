'use client';

import { useMayDelete } from '@/lib/moderation/may-delete';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Message, User } from '@qc/shared';
import { seenBy, tickFor } from '@/lib/stores/receipts-store';
import { nameOf } from '@/lib/stores/people-store';
import type { PendingMessage } from '@/lib/stores/outbox-store';
import { mainTimelineMessages } from '@/lib/stores/thread-store';
import type { Timeline } from '@/lib/stores/timeline-store';
import { dayKey, formatDay } from '@/lib/format-time';
import { highlightMessage, messageElement } from '@/lib/jump-to-message';
import { useChatClient, usePending, useReceipts, useRoom, useStore, useTimeline } from '@/lib/use-chat';
import { DeleteMessageDialog } from './delete-message-dialog';
import { ReportMessageDialog } from './report-message-dialog';
import { ModerateMemberDialog, moderationActions } from './moderate-member-dialog';
import { MessageActionsContext, type MessageActions } from './message-actions';
import { MessageItem, PendingMessageItem } from './message-item';
import { RoomIntro } from './room-intro';

/** Messages by the same person this close together share one header. */
const GROUP_WINDOW_MS = 5 * 60_000;
/** How near the bottom still counts as "at the bottom" (rounding, a half-visible line). */
const PINNED_SLACK_PX = 48;
/** How near the top starts loading the page before. */
const LOAD_OLDER_AT_PX = 150;
/** How near the bottom of a window far back starts loading the page after. */
const LOAD_NEWER_AT_PX = 150;

/** Whether the bottom of the list is scrolled out of view (more than the pinned slack). */
function isBelowView(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight >= PINNED_SLACK_PX;
}

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; grouped: boolean };

function buildRows(timeline: Timeline, messages: readonly Message[], pendingMessages: readonly PendingMessage[], meId: string): Row[] {
  const rows: Row[] = [];
  let prev: { senderId: string; at: number; day: string } | null = null;
  /** Adds the day line when the day changes, then the "New" line; says whether to group. */
  const place = (senderId: string, createdAt: string, firstUnread: boolean) => {
    const day = dayKey(createdAt);
    const at = new Date(createdAt).getTime();
    let separated = firstUnread;
    if (!prev || prev.day !== day) {
      rows.push({ kind: 'day', key: `day-${day}`, label: formatDay(createdAt) });
      separated = true;
    }
    if (firstUnread) rows.push({ kind: 'new', key: 'new' });
    const grouped = !separated && prev !== null && prev.senderId === senderId && at - prev.at < GROUP_WINDOW_MS;
    prev = { senderId, at, day };
    return grouped;
  };
  let newLinePlaced = false;
  for (const message of messages) {
    // The first unread seq may be an edit's or a reaction's: the line goes before the first message after it.
    const firstUnread: boolean = !newLinePlaced && timeline.firstUnreadSeq !== null && message.seq >= timeline.firstUnreadSeq;
    newLinePlaced ||= firstUnread;
    const grouped = place(message.senderId, message.createdAt, firstUnread);
    rows.push({ kind: 'message', key: `m-${message.id}`, message, grouped });
  }
  for (const pending of pendingMessages) {
    // Replies written in a thread wait in the thread panel, not here.
    if (pending.threadRootId) continue;
    const grouped = place(meId, pending.createdAt, false);
    rows.push({ kind: 'pending', key: `p-${pending.clientMsgId}`, pending, grouped });
  }
  return rows;
}

/**
 * The conversation. Opens at the bottom and stays pinned there as messages arrive if that
 * is where the reader was; scrolling near the top loads the page before without moving
 * what is on screen. Opened at a message far back (a search hit, a quote, a pin), it shows
 * that message in the middle, highlighted, and scrolling near the bottom loads the page
 * after, until the newest messages are in.
 */
export function MessageList({
  roomId,
  editingId,
  onEditingChange,
  onOpenThread,
  onReply,
}: {
  roomId: string;
  onOpenThread: (root: Message) => void;
  /** "Reply" in a message's toolbar: the composer quotes it. */
  onReply: (message: Message) => void;
  /** The message being edited in place, if any (the composer's Up arrow can start one). */
  editingId: string | null;
  onEditingChange: (messageId: string | null) => void;
}) {
  const client = useChatClient();
  const timeline = useTimeline(roomId);
  const pendingMessages = usePending(roomId);
  const users = useStore(client.people, (s) => s.users);
  const me = useStore(client.people, (s) => s.me);
  const room = useRoom(roomId);
  const receipts = useReceipts(roomId);
  const [deleting, setDeleting] = useState<Message | null>(null);
  const [reporting, setReporting] = useState<Message | null>(null);
  const [moderatingAuthor, setModeratingAuthor] = useState<string | null>(null);
  const members = useStore(client.people, (s) => s.members[roomId]);

  const scrollerRef = useRef<HTMLDivElement>(null);
  const pinnedRef = useRef(true);
  /** Where the reader was before an older page went in above: restored after it renders. */
  const anchorRef = useRef<{ scrollHeight: number; scrollTop: number } | null>(null);
  const firstSeqRef = useRef<number | undefined>(undefined);
  const lastKeyRef = useRef<string | undefined>(undefined);
  /** The jump last brought into view, so each is done once. */
  const focusKeyRef = useRef<number | null>(null);
  const [newBelow, setNewBelow] = useState(false);

  // Thread replies stay in the timeline (they count for its seq) but show in the thread panel.
  const messages = useMemo(() => (timeline ? mainTimelineMessages(timeline.messages) : []), [timeline]);
  // Quotes find their original among every message loaded, thread replies included.
  const byId = useMemo(() => new Map((timeline?.messages ?? []).map((m) => [m.id, m])), [timeline]);
  const rows = useMemo(
    () => (timeline ? buildRows(timeline, messages, pendingMessages, me.id) : []),
    [timeline, messages, pendingMessages, me.id],
  );

  const scrollToBottom = useCallback(() => {
    const el = scrollerRef.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    pinnedRef.current = true;
    setNewBelow(false);
  }, []);

  const maybeLoadOlder = useCallback(() => {
    const el = scrollerRef.current;
    if (!el || !timeline || timeline.status !== 'ready' || !timeline.hasOlder || timeline.loadingOlder) return;
    if (el.scrollTop > LOAD_OLDER_AT_PX && el.scrollHeight > el.clientHeight) return;
    anchorRef.current = { scrollHeight: el.scrollHeight, scrollTop: el.scrollTop };
    void client.loadOlder(roomId);
  }, [client, roomId, timeline]);

  const maybeLoadNewer = useCallback(() => {
    const el = scrollerRef.current;
    if (!el || !timeline || timeline.status !== 'ready' || !timeline.hasNewer || timeline.loadingNewer) return;
    if (el.scrollHeight - el.scrollTop - el.clientHeight > LOAD_NEWER_AT_PX) return;
    void client.loadNewer(roomId);
  }, [client, roomId, timeline]);

  const onScroll = useCallback(() => {
    const el = scrollerRef.current;
    if (!el) return;
    // The bottom of a window far back is not the newest message: nothing to stay pinned to.
    pinnedRef.current = !timeline?.hasNewer && !isBelowView(el);
    if (pinnedRef.current) setNewBelow(false);
    maybeLoadOlder();
    maybeLoadNewer();
  }, [maybeLoadOlder, maybeLoadNewer, timeline?.hasNewer]);

  const jumpToLatest = useCallback(() => {
    pinnedRef.current = true;
    setNewBelow(false);
    void client.loadTimeline(roomId);
  }, [client, roomId]);

  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el || !timeline) return;
    const firstSeq = timeline.messages[0]?.seq;
    const lastRow = rows[rows.length - 1];
    const lastKey = lastRow?.key;
    const prepended = firstSeqRef.current !== undefined && firstSeq !== undefined && firstSeq < firstSeqRef.current;
    const appended = lastKey !== lastKeyRef.current;
    const mineAppended = appended && lastRow?.kind === 'pending';

    // Only a jump not yet shown unpins: with no jump (focus null) the reader stays where they were.
    const unshownJump = timeline.focus !== null && timeline.focus.key !== focusKeyRef.current;
    if (timeline.hasNewer || unshownJump) pinnedRef.current = false;

    if (prepended && anchorRef.current) {
      el.scrollTop = el.scrollHeight - anchorRef.current.scrollHeight + anchorRef.current.scrollTop;
    } else if (pinnedRef.current || mineAppended) {
      el.scrollTop = el.scrollHeight;
      pinnedRef.current = true;
    } else if (appended && lastKeyRef.current !== undefined && !timeline.hasNewer && isBelowView(el)) {
      // Only when the new message is really out of sight: a list too short to scroll shows it already.
      setNewBelow(true);
    }
    // A jump: its message goes in the middle, highlighted, once it is rendered.
    const focus = timeline.focus;
    if (focus && focus.key !== focusKeyRef.current && timeline.status === 'ready') {
      const target = messageElement(el, focus.messageId);
      if (target) {
        focusKeyRef.current = focus.key;
        highlightMessage(target);
        // Keyboard people land in the conversation, unless something else already holds focus.
        if (!document.activeElement || document.activeElement === document.body) el.focus({ preventScroll: true });
      }
    }
    if (!timeline.loadingOlder) anchorRef.current = null;
    firstSeqRef.current = firstSeq;
    lastKeyRef.current = lastKey;
  }, [rows, timeline]);

  // A short first page may not fill the screen, so no scroll would ever ask for more.
  useEffect(() => {
    maybeLoadOlder();
    maybeLoadNewer();
  }, [maybeLoadOlder, maybeLoadNewer]);

  // Keep the bottom in view when the list itself changes size (composer grows, window resizes).
  useEffect(() => {
    const el = scrollerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (pinnedRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const retry = useCallback((clientMsgId: string) => client.retry(roomId, clientMsgId), [client, roomId]);
  const discard = useCallback((clientMsgId: string) => client.discard(roomId, clientMsgId), [client, roomId]);

  const actions = useMemo<MessageActions>(
    () => ({
      startEdit: (messageId) => onEditingChange(messageId),
      cancelEdit: () => onEditingChange(null),
      saveEdit: async (message, content) => {
        const saved = await client.editMessage(roomId, message.id, content);
        if (saved) onEditingChange(null);
        return saved;
      },
      askDelete: (message) => setDeleting(message),
      toggleReaction: (message, emoji) => void client.toggleReaction(message, emoji),
      openThread: onOpenThread,
      replyTo: onReply,
      jumpTo: (messageId) => void client.jumpToMessage(roomId, { messageId }),
      togglePin: (message) => void client.pinMessage(message, !message.pinnedAt),
      askReport: (message) => setReporting(message),
      moderateAuthor: (message) => setModeratingAuthor(message.senderId),
      frozen: room?.archived === true,
    }),
    [client, roomId, onEditingChange, onOpenThread, onReply, room?.archived],
  );

  const isDirect = room?.kind === 'direct';
  const isGroup = room?.kind === 'group';
  const mayDelete = useMayDelete(roomId);
  /** What the policy lets me do to a message's author here (their role from the members list; not loaded: nothing offered). */
  const authorActions = useCallback(
    (senderId: string) => {
      const author = members?.find((m) => m.userId === senderId);
      return author && room ? moderationActions({ instanceRole: me.instanceRole ?? null, roomRole: room.role }, author) : [];
    },
    [members, room, me.instanceRole],
  );
  const moderatedMember = moderatingAuthor ? members?.find((m) => m.userId === moderatingAuthor) : undefined;
  const peerPointers = isDirect && room?.peer ? receipts?.[room.peer.id] : undefined;
  /** "Seen by" goes under my latest message only, the way group chats show it. */
  const myLatestSeq = useMemo(() => {
    if (!isGroup) return null;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i]!;
      if (m.senderId === me.id && !m.deletedAt) return m.seq;
    }
    return null;
  }, [isGroup, messages, me.id]);
  const seenByNames = useMemo(
    () => (myLatestSeq === null ? undefined : seenBy(myLatestSeq, receipts, me.id).map((id) => nameOf(users, id))),
    [myLatestSeq, receipts, me.id, users],
  );

  const sender = (userId: string): Pick<User, 'id' | 'displayName' | 'avatarUrl'> =>
    users[userId] ?? { id: userId, displayName: 'Someone', avatarUrl: null };

  return (
    <div className="message-list">
      <div
        ref={scrollerRef}
        className="message-list__scroller"
        role="log"
        aria-live="polite"
        aria-label="Messages"
        aria-busy={timeline?.status === 'loading' || timeline?.loadingOlder || timeline?.loadingNewer ? true : undefined}
        tabIndex={0}
        onScroll={onScroll}
      >
        {timeline?.status === 'ready' &&
          !timeline.hasOlder &&
          (room ? (
            <RoomIntro room={room} users={users} meId={me.id} />
          ) : (
            <p className="message-list__start">This is the very beginning of the conversation.</p>
          ))}
        {timeline?.loadingOlder && <p className="message-list__loading">Loading earlier messages…</p>}
        {(!timeline || timeline.status === 'loading') && <p className="message-list__loading">Loading messages…</p>}
        {timeline?.status === 'error' && (
          <p className="message-list__error" role="alert">
            {timeline.error}{' '}
            <button type="button" className="link-button" onClick={() => void client.loadTimeline(roomId)}>
              Try again
            </button>
          </p>
        )}
        <MessageActionsContext.Provider value={actions}>
          {rows.map((row) => {
            switch (row.kind) {
              case 'day':
                return (
                  <div key={row.key} className="day-separator" role="separator" aria-label={row.label}>
                    <span>{row.label}</span>
                  </div>
                );
              case 'new':
                return (
                  <div key={row.key} className="new-separator" role="separator" aria-label="New messages">
                    <span>New</span>
                  </div>
                );
              case 'message': {
                const mine = row.message.senderId === me.id;
                return (
                  <MessageItem
                    key={row.key}
                    message={row.message}
                    sender={sender(row.message.senderId)}
                    grouped={row.grouped}
                    mine={mine}
                    canDelete={mine || mayDelete(row.message)}
                    canModerateAuthor={!mine && authorActions(row.message.senderId).length > 0}
                    editing={row.message.id === editingId}
                    tick={isDirect && mine ? tickFor(row.message.seq, peerPointers) : undefined}
                    seenBy={row.message.seq === myLatestSeq ? seenByNames : undefined}
                    quoted={row.message.replyTo ? byId.get(row.message.replyTo) : undefined}
                    users={users}
                    meId={me.id}
                  />
                );
              }
              case 'pending':
                return (
                  <PendingMessageItem
                    key={row.key}
                    sender={me}
                    content={row.pending.content}
                    attachments={row.pending.attachments}
                    createdAt={row.pending.createdAt}
                    status={row.pending.status}
                    error={row.pending.error?.message}
                    grouped={row.grouped}
                    clientMsgId={row.pending.clientMsgId}
                    onRetry={retry}
                    onDiscard={discard}
                  />
                );
            }
          })}
        </MessageActionsContext.Provider>
        {timeline?.loadingNewer && <p className="message-list__loading">Loading newer messages…</p>}
      </div>
      {deleting && (
        <DeleteMessageDialog message={deleting} onDelete={(m) => client.deleteMessage(roomId, m.id)} onClose={() => setDeleting(null)} />
      )}
      {moderatedMember && room && (
        <ModerateMemberDialog
          room={room}
          member={moderatedMember}
          actions={authorActions(moderatedMember.userId)}
          onClose={() => setModeratingAuthor(null)}
        />
      )}
      {reporting && (
        <ReportMessageDialog message={reporting} authorName={nameOf(users, reporting.senderId)} onClose={() => setReporting(null)} />
      )}
      {newBelow && !timeline?.hasNewer && (
        <button type="button" className="jump-to-latest" onClick={scrollToBottom}>
          New messages ↓
        </button>
      )}
      {timeline?.hasNewer && (
        <button type="button" className="jump-to-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}
