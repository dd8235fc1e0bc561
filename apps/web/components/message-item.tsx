'use client';

import { mentionsMe } from '@/lib/notify/notification-decision';
import { fromWire, type PickedMention } from '@/lib/mentions/mention-text';
import { nameOf } from '@/lib/stores/people-store';
import { memo, Suspense, useCallback, useEffect, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import { lazyComponent } from '@/lib/lazy-component';
import type { Attachment, Message, User } from '@qc/shared';
import { isolate } from '@/lib/bidi';
import { formatFull, formatTime } from '@/lib/format-time';
import { snippetOf, usePlainTextReady } from '@/lib/quote';
import type { Tick } from '@/lib/stores/receipts-store';
import { canHaveThread } from '@/lib/stores/thread-store';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { useMessageActions } from './message-actions';
import { MessageEditor } from './message-editor';
import { MessageText } from './message-text';
import { MessageAttachments } from './message-attachments';
import { ProfileButton } from './profile-card';
import { ReactionChips } from './reaction-chips';
import { FlagIcon, PencilIcon, PinIcon, ReplyIcon, ShieldIcon, SmileIcon, ThreadIcon, TrashIcon } from './icons';

// Opened on a click: fetched then, not with the chat (see lazy-component.ts).
const EmojiPicker = lazyComponent(() => import('./emoji-picker').then((m) => m.EmojiPicker));

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

type Sender = Pick<User, 'id' | 'displayName' | 'avatarUrl'>;

/** How long a touch must rest on a message to open its actions (a phone has no hover). */
const LONG_PRESS_MS = 500;

/** Avatar (or the time, when grouped), the sender's name and time: the same for sent and unsent. */
function MessageFrame(props: {
  sender: Sender;
  createdAt: string;
  grouped: boolean;
  classes: string;
  seq?: number;
  /** A stored message's id, for a quote to find it on screen. */
  messageId?: string;
  status: DeliveryStatus;
  children: ReactNode;
  frameProps?: Partial<Record<'onTouchStart' | 'onTouchEnd' | 'onTouchMove' | 'onContextMenu', (e: SyntheticEvent) => void>>;
}) {
  const { sender, createdAt, grouped, classes, seq, messageId, status, children, frameProps } = props;
  return (
    <article className={classes} data-testid="message" data-seq={seq} data-message-id={messageId} data-status={status} {...frameProps}>
      <div className="message__gutter">
        {grouped ? (
          <time className="message__hover-time" dateTime={createdAt} title={formatFull(createdAt)}>
            {formatTime(createdAt)}
          </time>
        ) : (
          <ProfileButton person={sender} className="message__avatar" decorative>
            <Avatar user={sender} size={36} />
          </ProfileButton>
        )}
      </div>
      <div className="message__body">
        {grouped ? (
          <span className="sr-only">
            <bdi>{sender.displayName}</bdi>:{' '}
          </span>
        ) : (
          <header className="message__meta">
            <ProfileButton person={sender} className="message__sender">
              <bdi>{sender.displayName}</bdi>
            </ProfileButton>{' '}
            <time className="message__time" dateTime={createdAt} title={formatFull(createdAt)}>
              {formatTime(createdAt)}
            </time>
          </header>
        )}
        {children}
      </div>
    </article>
  );
}

const TICK_LABEL: Record<Tick, string> = { sent: 'Sent', delivered: 'Delivered', read: 'Read' };

/** ✓ sent, ✓✓ delivered, blue ✓✓ read: on my messages in a direct room. */
function ReceiptTick({ tick }: { tick: Tick }) {
  return (
    <span
      className={`message__tick message__tick--${tick}`}
      role="img"
      aria-label={TICK_LABEL[tick]}
      title={TICK_LABEL[tick]}
      data-receipt={tick}
    >
      {tick === 'sent' ? '✓' : '✓✓'}
    </span>
  );
}

interface StoredMessageProps {
  message: Message;
  sender: Sender;
  grouped: boolean;
  mine: boolean;
  canDelete: boolean;
  /** I may mute, remove or ban its author here (the moderation policy): "Moderate author" is offered. */
  canModerateAuthor?: boolean;
  editing: boolean;
  /** Direct rooms, my messages: how far the other person got. */
  tick?: Tick;
  /** Groups, under my latest message: who read it. */
  seenBy?: readonly string[];
  /** The message this one quotes (`replyTo`), if it is loaded here. */
  quoted?: Message;
  users: Readonly<Record<string, User>>;
  meId: string;
}

/**
 * The message this one replies to, in a line: who wrote it and how it began. Clicking it goes
 * to the original when it is on screen; an original not loaded here (older than the page) or
 * deleted is said so.
 */
function QuotedMessage({
  quoted,
  users,
  onJump,
}: {
  quoted: Message | undefined;
  users: Readonly<Record<string, User>>;
  onJump?: (messageId: string) => void;
}) {
  usePlainTextReady();
  if (!quoted) {
    return (
      <p className="message__quote message__quote--missing" data-testid="quote">
        <span>message not loaded</span>
      </p>
    );
  }
  const name = users[quoted.senderId]?.displayName ?? 'Someone';
  const snippet = snippetOf(quoted);
  const body = (
    <>
      <span className="message__quote-name">
        <bdi>{name}</bdi>
      </span>{' '}
      <span className="message__quote-text">
        <bdi>{snippet}</bdi>
      </span>
    </>
  );
  return (
    <p className={`message__quote${quoted.deletedAt ? ' message__quote--deleted' : ''}`} data-testid="quote">
      {onJump ? (
        <button
          type="button"
          className="message__quote-button"
          aria-label={`Go to the message from ${name}: ${snippet}`}
          onClick={() => onJump(quoted.id)}
        >
          {body}
        </button>
      ) : (
        body
      )}
    </p>
  );
}

/** The text, or the tombstone, followed on its last line by "(edited)" and the receipt tick. */
function MessageBody({ message, deleted, tick }: { message: Message; deleted: boolean; tick: Tick | undefined }) {
  const trailer = (
    <>
      {message.editedAt && !deleted && (
        <>
          {' '}
          <span className="message__edited" title={`Edited ${formatFull(message.editedAt)}`}>
            (edited)
          </span>
        </>
      )}
      {tick && (
        <>
          {' '}
          <ReceiptTick tick={tick} />
        </>
      )}
    </>
  );
  if (!deleted) return <MessageText content={message.content} trailer={trailer} />;
  return (
    <p className="message__text message__text--deleted">
      <span data-testid="message-text">
        {message.deletedBy && message.deletedBy !== message.senderId ? 'Removed by a moderator' : 'This message was deleted'}
      </span>
      {trailer}
    </p>
  );
}

/** "3 replies · last reply 12:04" under a thread's root: opens the thread. */
function ThreadSummary({ message, onOpen }: { message: Message; onOpen: (message: Message) => void }) {
  const count = message.replyCount ?? 0;
  const replies = count === 1 ? '1 reply' : `${count} replies`;
  return (
    <p className="message__thread">
      <button type="button" className="link-button" data-testid="thread-summary" onClick={() => onOpen(message)}>
        {replies}
        {message.lastReplyAt && (
          <span className="message__thread-last">
            {' · last reply '}
            <time dateTime={message.lastReplyAt} title={formatFull(message.lastReplyAt)}>
              {formatTime(message.lastReplyAt)}
            </time>
          </span>
        )}
      </button>
    </p>
  );
}

/** A stored message: its text (or tombstone), "(edited)", reactions, receipts, and its actions. */
export const MessageItem = memo(function MessageItem(props: StoredMessageProps) {
  const { message, sender, grouped, mine, canDelete, canModerateAuthor, editing, tick, seenBy, quoted, users, meId } = props;
  const actions = useMessageActions();
  const [actionsOpen, setActionsOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const pressTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const deleted = Boolean(message.deletedAt);
  const reactions = message.reactions ?? [];
  const frozen = actions.frozen === true;

  const cancelPress = useCallback(() => {
    if (pressTimer.current) clearTimeout(pressTimer.current);
    pressTimer.current = null;
  }, []);
  useEffect(() => cancelPress, [cancelPress]);

  // Actions opened by a long press close when the person taps elsewhere.
  useEffect(() => {
    if (!actionsOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      const root = ref.current?.closest('.message');
      if (root && event.target instanceof Node && !root.contains(event.target)) setActionsOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [actionsOpen]);

  const closePicker = useCallback(() => setPicking(false), []);
  const pick = useCallback(
    (emoji: string) => {
      setPicking(false);
      setActionsOpen(false);
      actions.toggleReaction(message, emoji);
    },
    [actions, message],
  );

  const classes = [
    'message',
    grouped && 'message--grouped',
    mine && 'message--mine',
    'message--sent',
    deleted && 'message--deleted',
    actionsOpen && 'message--actions-open',
    !mine && !deleted && mentionsMe(message, meId) && 'message--mentions-me',
  ]
    .filter(Boolean)
    .join(' ');

  const frameProps = deleted
    ? undefined
    : {
        onTouchStart: () => {
          cancelPress();
          pressTimer.current = setTimeout(() => setActionsOpen(true), LONG_PRESS_MS);
        },
        onTouchEnd: cancelPress,
        onTouchMove: cancelPress,
        // A long press on a phone also asks for the context menu; the actions take its place.
        onContextMenu: (e: SyntheticEvent) => {
          if (actionsOpen || pressTimer.current) e.preventDefault();
        },
      };

  return (
    <MessageFrame
      sender={sender}
      createdAt={message.createdAt}
      grouped={grouped}
      classes={classes}
      seq={message.seq}
      messageId={message.id}
      status="sent"
      frameProps={frameProps}
    >
      <div ref={ref}>
        {message.pinnedAt && !deleted && (
          <p className="message__pinned" data-testid="pinned-marker">
            <PinIcon size={12} /> Pinned
          </p>
        )}
        {message.replyTo && !deleted && <QuotedMessage quoted={quoted} users={users} onJump={actions.jumpTo} />}
        {editing && !deleted ? (
          <MessageEditor
            // Mentions are edited as the names they show, and saved back as the same references.
            {...editableMentions(message.content, users)}
            onSave={(content) => actions.saveEdit(message, content)}
            onCancel={actions.cancelEdit}
          />
        ) : (
          <MessageBody message={message} deleted={deleted} tick={tick} />
        )}
        {!deleted && message.attachments && message.attachments.length > 0 && <MessageAttachments attachments={message.attachments} />}
        {!deleted && (
          <ReactionChips
            reactions={reactions}
            users={users}
            meId={meId}
            onToggle={frozen ? undefined : (emoji) => actions.toggleReaction(message, emoji)}
          />
        )}
        {actions.openThread && (message.replyCount ?? 0) > 0 && <ThreadSummary message={message} onOpen={actions.openThread} />}
        {seenBy && seenBy.length > 0 && (
          <p className="message__seen" data-testid="seen-by">
            <span title={seenBy.map(isolate).join(', ')}>Seen by {seenBy.length}</span>
            <span className="sr-only">: {seenBy.join(', ')}</span>
          </p>
        )}
        {!deleted && !editing && (
          <div className="message-toolbar" role="toolbar" aria-label="Message actions">
            {!frozen && (
              <ToolbarButton label="Add reaction" title="React" expanded={picking} onClick={() => setPicking((v) => !v)}>
                <SmileIcon />
              </ToolbarButton>
            )}
            {!frozen && actions.replyTo && (
              <ToolbarButton label="Reply" title="Reply" onClick={() => actions.replyTo?.(message)}>
                <ReplyIcon />
              </ToolbarButton>
            )}
            {!frozen && actions.openThread && canHaveThread(message) && (
              <ToolbarButton label="Reply in thread" title="Reply in thread" onClick={() => actions.openThread?.(message)}>
                <ThreadIcon />
              </ToolbarButton>
            )}
            {!frozen && actions.togglePin && (
              <ToolbarButton
                label={message.pinnedAt ? 'Unpin message' : 'Pin message'}
                title={message.pinnedAt ? 'Unpin' : 'Pin'}
                onClick={() => actions.togglePin?.(message)}
              >
                <PinIcon />
              </ToolbarButton>
            )}
            {mine && !frozen && (
              <ToolbarButton label="Edit message" title="Edit" onClick={() => actions.startEdit(message.id)}>
                <PencilIcon />
              </ToolbarButton>
            )}
            {canDelete && (
              <ToolbarButton label="Delete message" title="Delete" onClick={() => actions.askDelete(message)}>
                <TrashIcon />
              </ToolbarButton>
            )}
            {!mine && canModerateAuthor && actions.moderateAuthor && (
              <ToolbarButton label="Moderate author" title="Moderate author" onClick={() => actions.moderateAuthor?.(message)}>
                <ShieldIcon />
              </ToolbarButton>
            )}
            {!mine && actions.askReport && (
              <ToolbarButton label="Report message" title="Report" onClick={() => actions.askReport?.(message)}>
                <FlagIcon />
              </ToolbarButton>
            )}
            <Suspense fallback={null}>
              {picking && !frozen && <EmojiPicker label="Pick a reaction" onPick={pick} onClose={closePicker} />}
            </Suspense>
          </div>
        )}
      </div>
    </MessageFrame>
  );
});

/** One icon button of the message toolbar: its accessible name is `label`, its tooltip `title`. */
function ToolbarButton(props: { label: string; title: string; expanded?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      className="icon-button message-toolbar__button"
      aria-label={props.label}
      aria-expanded={props.expanded}
      title={props.title}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

interface PendingMessageProps {
  sender: Sender;
  content: string;
  attachments?: readonly Attachment[];
  createdAt: string;
  status: 'pending' | 'failed';
  error?: string;
  grouped: boolean;
  clientMsgId: string;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
}

/** Written here and not stored yet: "Sending…", or failed with Retry and Discard. */
export const PendingMessageItem = memo(function PendingMessageItem(props: PendingMessageProps) {
  const { sender, content, attachments, createdAt, status, error, grouped, clientMsgId, onRetry, onDiscard } = props;
  const classes = ['message', grouped && 'message--grouped', 'message--mine', `message--${status}`].filter(Boolean).join(' ');
  // Offline it is not being sent: it waits, and goes by itself when the network is back.
  const offline = useStore(useChatClient().connection, (s) => s.status === 'offline');
  return (
    <MessageFrame sender={sender} createdAt={createdAt} grouped={grouped} classes={classes} status={status}>
      {content && <MessageText content={content} />}
      {attachments && attachments.length > 0 && <MessageAttachments attachments={attachments} />}
      {status === 'pending' && <p className="message__status">{offline ? 'Waiting for the network…' : 'Sending…'}</p>}
      {status === 'failed' && (
        <p className="message__status message__status--failed">
          <span>{error ?? 'Not sent.'}</span>{' '}
          <button type="button" className="link-button" onClick={() => onRetry(clientMsgId)}>
            Retry
          </button>{' '}
          <button type="button" className="link-button link-button--muted" onClick={() => onDiscard(clientMsgId)}>
            Discard
          </button>
        </p>
      )}
    </MessageFrame>
  );
});

/** The editor's text with `@names` for references, and how to turn it back. */
function editableMentions(content: string, users: Readonly<Record<string, User>>): { initial: string; picked: PickedMention[] } {
  const { text, picked } = fromWire(content, (id) => nameOf(users, id));
  return { initial: text, picked };
}
