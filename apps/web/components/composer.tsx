'use client';

import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { LIMITS, type Message, type RoomKind } from '@qc/shared';
import { isolate } from '@/lib/bidi';
import { snippetOf, usePlainTextReady } from '@/lib/quote';
import { useActiveModeratorMute } from '@/lib/moderation/moderator-mute';
import { paceForMe, slowModeLabel } from '@/lib/moderation/room-pace';
import { ModeratorMuteNotice } from './moderator-mute-notice';
import { draftKey } from '@/lib/stores/draft-store';
import { inMainTimeline } from '@/lib/stores/thread-store';
import { useChatClient, useRoom, useStore, useTimeline } from '@/lib/use-chat';
import { CloseIcon, PaperclipIcon, SendIcon } from './icons';
import { AttachmentTray } from './attachment-tray';
import { UploadTray } from '@/lib/uploads/upload-tray';
import { uploadFile } from '@/lib/uploads/upload-file';
import { useMentionAutocomplete } from './mention-suggestions';
import { api } from '@/lib/api';
import { useAutosize } from '../lib/use-autosize';

const MAX_HEIGHT_PX = 200;
/** Show the remaining characters only when they start to matter. */
const COUNT_FROM = LIMITS.messageContentMax - 500;

export function Composer({
  roomId,
  placeholderName,
  kind,
  onEditLast,
  threadRootId,
  replyingTo,
  onCancelReply,
}: {
  roomId: string;
  placeholderName: string;
  kind: RoomKind;
  /** Up arrow in an empty composer: edit my last message, as in Slack and Element. Main timeline only. */
  onEditLast?: (messageId: string) => void;
  /** Writes replies in the thread under this message (the thread panel's composer). */
  threadRootId?: string;
  /** The message the next send quotes ("Replying to …"), and how to let it go. */
  replyingTo?: Message | null;
  onCancelReply?: () => void;
}) {
  const client = useChatClient();
  const meId = useStore(client.people, (s) => s.me.id);
  const users = useStore(client.people, (s) => s.users);
  const timeline = useTimeline(roomId);
  usePlainTextReady(); // the "Replying to" bar's snippet, plain once the parser is in
  const id = useId();
  // A thread's draft is its own, so writing in the panel does not clobber the room's.
  const draft = draftKey(roomId, threadRootId);
  const [text, setText] = useState(() => client.drafts.get(draft));
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  // People just mentioned who are not in the room: offered an invitation after the send.
  const [outsiders, setOutsiders] = useState<{ userId: string; label: string }[]>([]);
  const role = useStore(client.rooms, (s) => s.rooms.find((r) => r.id === roomId)?.role);
  // Muted by a moderator: the draft is kept as it is, and nothing is sent until the mute ends.
  const muted = useActiveModeratorMute(roomId);
  // Locked read-only (I am not one of its moderators): said over the composer, nothing sent; slow mode: said under it.
  const pace = paceForMe(useRoom(roomId));
  const mentions = useMentionAutocomplete({
    roomId,
    draftKey: draft,
    textareaRef,
    text,
    setText: (v) => update(v),
    listboxId: `${id}-mentions`,
  });

  // Files upload as soon as they are picked, pasted or dropped, and go with the next send.
  const tray = useMemo(() => new UploadTray((file, opts) => uploadFile(roomId, file, file.name || 'pasted-image.png', opts)), [roomId]);
  useEffect(() => () => tray.dispose(), [tray]);
  const trayItems = useStore(tray, (s) => s);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const trimmed = text.trim();
  const tooLong = text.length > LIMITS.messageContentMax;
  const filesReady = trayItems.some((i) => i.status === 'done');
  const uploading = trayItems.some((i) => i.status === 'uploading');
  const canSend = (trimmed.length > 0 || filesReady) && !tooLong && !uploading && !muted && !pace.lockedForMe;

  function addFiles(files: readonly File[]) {
    if (files.length === 0) return;
    if (!tray.add(files)) client.connection.showNotice(`Up to ${LIMITS.attachmentsPerMessageMax} files go with one message.`);
    textareaRef.current?.focus();
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    // A pasted screenshot or copied file is attached; pasted text still goes in as text.
    event.preventDefault();
    addFiles(files);
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    setDragging(false);
    addFiles([...event.dataTransfer.files]);
  }

  function onDragOver(event: DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  }

  useAutosize(textareaRef, text, MAX_HEIGHT_PX);

  // Put the cursor in the composer on desktop; on a phone that would throw up the keyboard.
  useEffect(() => {
    if (window.matchMedia('(min-width: 481px)').matches) textareaRef.current?.focus();
  }, [roomId, threadRootId]);

  // "Reply" was pressed: the person writes the reply next, so the cursor goes here.
  useEffect(() => {
    if (replyingTo) textareaRef.current?.focus();
  }, [replyingTo]);

  function update(value: string) {
    setText(value);
    mentions.refresh(value);
    client.drafts.set(draft, value);
    if (value.trim()) client.noteTyping(roomId);
    else client.stopTyping(roomId);
  }

  function send() {
    if (!canSend) return;
    const { wire, outsiders: notIn } = mentions.prepare(trimmed);
    const attachments = tray.takeReady();
    const where = threadRootId ? { threadRootId } : replyingTo ? { replyTo: replyingTo.id } : {};
    client.send(roomId, wire, attachments.length ? { ...where, attachments } : where);
    mentions.reset();
    setOutsiders(notIn);
    if (replyingTo) onCancelReply?.();
    update('');
    textareaRef.current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions.onKeyDown(event)) return;
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === 'Escape' && replyingTo && onCancelReply) {
      // Escape lets the quote go, and stops there so it does not also close a panel around.
      event.preventDefault();
      event.stopPropagation();
      onCancelReply();
    } else if (event.key === 'ArrowUp' && text === '' && timeline && onEditLast) {
      const last = timeline.messages.findLast((m) => m.senderId === meId && !m.deletedAt && inMainTimeline(m));
      if (last) {
        event.preventDefault();
        onEditLast(last.id);
      }
    }
  }

  const remaining = LIMITS.messageContentMax - text.length;
  const where = !placeholderName ? '' : kind === 'channel' ? `#${isolate(placeholderName)}` : isolate(placeholderName);
  const placeholder = threadRootId ? 'Reply in thread' : where ? `Message ${where}` : 'Write a message';

  const replyingName = replyingTo ? (users[replyingTo.senderId]?.displayName ?? 'Someone') : '';

  return (
    <>
      {replyingTo && (
        <div className="composer-reply" data-testid="replying-to">
          <p className="composer-reply__text">
            Replying to{' '}
            <span className="composer-reply__name">
              <bdi>{replyingName}</bdi>
            </span>
            : <bdi>{snippetOf(replyingTo)}</bdi>
          </p>
          <button type="button" className="icon-button" aria-label="Cancel reply" title="Cancel reply (Esc)" onClick={onCancelReply}>
            <CloseIcon size={16} />
          </button>
        </div>
      )}
      {outsiders.length > 0 && (
        <div className="mention-invite" role="status" data-testid="mention-invite">
          <span>
            <bdi>{outsiders.map((o) => o.label).join(', ')}</bdi> {outsiders.length === 1 ? "isn't" : "aren't"} in this room
            {role === 'owner' || role === 'admin' ? '.' : ', so they were not told.'}
          </span>
          {(role === 'owner' || role === 'admin') && (
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                const who = outsiders;
                setOutsiders([]);
                void Promise.all(who.map((o) => api.addMember(roomId, o.userId))).catch(() =>
                  client.connection.showNotice('Could not invite them.'),
                );
              }}
            >
              Invite {outsiders.length === 1 ? 'them' : 'all'}
            </button>
          )}
          <button type="button" className="button button--small button--ghost" onClick={() => setOutsiders([])}>
            Dismiss
          </button>
        </div>
      )}
      <AttachmentTray tray={tray} />
      {muted && <ModeratorMuteNotice mute={muted} />}
      {!muted && pace.lockedForMe && (
        <div className="moderator-mute" role="status" data-testid="room-locked">
          <p>
            {pace.archived
              ? 'This room is archived: its messages are kept to read, and nobody can post.'
              : 'This room is read-only: only its moderators can post.'}
          </p>
        </div>
      )}
      <form
        className={`composer${dragging ? ' composer--dragging' : ''}`}
        onSubmit={onSubmit}
        onDragOver={onDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {mentions.list}
        <input
          ref={fileInputRef}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(e) => {
            addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="composer__attach"
          disabled={!!muted || pace.lockedForMe}
          aria-label="Attach files"
          title="Attach files (or paste, or drop them here)"
          onClick={() => fileInputRef.current?.click()}
        >
          <PaperclipIcon size={18} />
        </button>
        <label className="sr-only" htmlFor={`${id}-message`}>
          {threadRootId ? 'Reply in thread' : 'Message'}
        </label>
        <textarea
          ref={textareaRef}
          id={`${id}-message`}
          className="composer__input"
          rows={1}
          maxLength={LIMITS.messageContentMax}
          placeholder={placeholder}
          value={text}
          onChange={(e) => update(e.target.value)}
          readOnly={!!muted || pace.lockedForMe}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onSelect={() => mentions.refresh(text)}
          onBlur={() => client.stopTyping(roomId)}
          {...mentions.textboxProps}
          aria-describedby={`${id}-hint`}
        />
        {text.length >= COUNT_FROM && (
          <span className={`composer__count${remaining < 0 ? ' composer__count--over' : ''}`} aria-live="polite">
            {remaining} characters left
          </span>
        )}
        <span className="sr-only" id={`${id}-hint`}>
          Enter to send, Shift+Enter for a new line.
        </span>
        <button
          type="submit"
          className="composer__send"
          disabled={!canSend}
          aria-label={threadRootId ? 'Send reply' : 'Send'}
          title="Send (Enter)"
        >
          <SendIcon size={18} />
        </button>
      </form>
      {!muted && !pace.lockedForMe && pace.slowModeSeconds !== null && (
        <p className="composer__slow-mode muted" data-testid="slow-mode">
          Slow mode is on: one message every {slowModeLabel(pace.slowModeSeconds)}.
        </p>
      )}
    </>
  );
}
