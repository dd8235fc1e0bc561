'use client';

import { Link, useRouter } from '@/lib/router/router';
import { useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode, type SyntheticEvent } from 'react';
import { createPortal } from 'react-dom';
import type { PresenceStatus, User, UserProfile } from '@qc/shared';
import { api } from '@/lib/api';
import { formatTimeIn, lastSeenText, timeDifferenceText, zoneOffsetMinutes } from '@/lib/navigation/local-time';
import { useChatClient, useStore } from '@/lib/use-chat';
import { Avatar } from './avatar';
import { CloseIcon } from './icons';
import { PresenceDot } from './presence-dot';

type Person = Pick<User, 'id' | 'displayName' | 'avatarUrl'>;

/**
 * A person's name or avatar that opens their profile card. The name is the keyboard's way
 * in; the avatar beside it (`decorative`) is the same thing for the mouse only, so each
 * message is one tab stop, not two, and a screen reader does not hear the name twice.
 */
export function ProfileButton({
  person,
  className,
  decorative = false,
  children,
}: {
  person: Person;
  className?: string;
  decorative?: boolean;
  children: ReactNode;
}) {
  const [anchor, setAnchor] = useState<DOMRect | null>(null);
  return (
    <>
      <button
        type="button"
        className={`profile-button${className ? ` ${className}` : ''}`}
        aria-haspopup="dialog"
        aria-expanded={decorative ? undefined : anchor !== null}
        aria-hidden={decorative || undefined}
        tabIndex={decorative ? -1 : undefined}
        title={decorative ? undefined : `View ${person.displayName}'s profile`}
        onClick={(e) => setAnchor(e.currentTarget.getBoundingClientRect())}
      >
        {children}
      </button>
      {/* In <body>, so nothing around the name (a message's styles, the sidebar's colours) shows through. */}
      {anchor && createPortal(<ProfileCard person={person} anchor={anchor} onClose={() => setAnchor(null)} />, document.body)}
    </>
  );
}

const stop = (e: SyntheticEvent) => e.stopPropagation();

const STATUS_TEXT: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
const MARGIN = 8;

/** The wall clock, moved on every `everyMs` while it is on screen. */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Who someone is: name, username, whether they are here (or when they were last), their
 * local time, and a button to message them. A modal <dialog>: the browser keeps focus in it
 * and turns Escape into `cancel`; on close, focus goes back to the name that opened it.
 */
export function ProfileCard({ person, anchor, onClose }: { person: Person; anchor: DOMRect; onClose: () => void }) {
  const client = useChatClient();
  const router = useRouter();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const known = useStore(client.people, (s) => s.users[person.id]);
  const meId = useStore(client.people, (s) => s.me.id);
  const livePresence = useStore(client.presence, (s) => s.presence[person.id]);
  const myStatus = useStore(client.connection, (s) => (s.status === 'online' ? s.myStatus : 'offline'));
  const directRoomId = useStore(client.rooms, (s) => s.rooms.find((r) => r.kind === 'direct' && r.peer?.id === person.id)?.id);
  const [profile, setProfile] = useState<UserProfile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [position, setPosition] = useState<CSSProperties>({});
  const now = useNow(30_000);
  const isMe = person.id === meId;

  useEffect(() => {
    let cancelled = false;
    api.userProfile(person.id).then(
      (p) => {
        if (!cancelled) setProfile(p);
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : 'Could not load this profile.');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [person.id]);

  // Open before it is measured below (a closed dialog has no size), and before the first paint.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (returnFocusTo?.isConnected) returnFocusTo.focus();
    };
  }, []);

  // Beside what was clicked, kept inside the window; a phone's narrow screen centres it (CSS).
  useLayoutEffect(() => {
    const card = ref.current;
    if (!card) return;
    const { width, height } = card.getBoundingClientRect();
    const below = anchor.bottom + 6;
    const top = below + height + MARGIN <= window.innerHeight ? below : Math.max(MARGIN, anchor.top - height - 6);
    const left = Math.min(Math.max(MARGIN, anchor.left), window.innerWidth - width - MARGIN);
    setPosition({ '--card-top': `${Math.round(top)}px`, '--card-left': `${Math.round(Math.max(MARGIN, left))}px` } as CSSProperties);
  }, [anchor, profile]);

  const user = profile ?? known ?? null;
  const displayName = user?.displayName ?? person.displayName;
  const status: PresenceStatus = isMe ? myStatus : (livePresence ?? profile?.presence ?? 'offline');
  const timeZone = profile?.timeZone ?? known?.timeZone ?? null;
  const theirOffset = timeZone ? zoneOffsetMinutes(timeZone, now) : null;
  const localTime = timeZone ? formatTimeIn(timeZone, now) : null;

  async function message() {
    if (directRoomId) {
      onClose();
      router.push(`/chat?room=${encodeURIComponent(directRoomId)}`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const room = await client.createRoom({ kind: 'direct', userId: person.id });
      onClose();
      router.push(`/chat?room=${encodeURIComponent(room.id)}`);
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not start the conversation.');
    }
  }

  return (
    <dialog
      ref={ref}
      className="profile-card"
      aria-labelledby={titleId}
      style={position}
      data-testid="profile-card"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the dialog element itself (not its panel) landed on the backdrop.
        if (e.target === ref.current) onClose();
        e.stopPropagation();
      }}
      // React passes events up its own tree, portal or not: a touch here is not a long press on
      // the message below, and Escape closes the card, not the side panel it was opened from.
      onTouchStart={stop}
      onContextMenu={stop}
      onKeyDown={stop}
    >
      <div className="profile-card__panel">
        <button type="button" className="icon-button profile-card__close" aria-label="Close" onClick={onClose}>
          <CloseIcon />
        </button>
        <span className="profile-card__avatar">
          <Avatar user={{ id: person.id, displayName, avatarUrl: user?.avatarUrl ?? person.avatarUrl }} size={64} />
          <PresenceDot status={status} className="presence-dot--on-avatar" />
        </span>
        <h2 className="profile-card__name" id={titleId}>
          <bdi>{displayName}</bdi>
          {isMe && <span className="muted"> (you)</span>}
        </h2>
        {user && (
          <p className="profile-card__username">
            @<bdi>{user.username}</bdi>
          </p>
        )}
        <dl className="profile-card__facts">
          <div className="profile-card__fact">
            <dt>Status</dt>
            <dd data-testid="profile-status">
              {STATUS_TEXT[status]}
              {status !== 'online' && profile?.lastSeen && <span className="muted"> · {lastSeenText(profile.lastSeen, now)}</span>}
            </dd>
          </div>
          {localTime && (
            <div className="profile-card__fact">
              <dt>Local time</dt>
              <dd data-testid="profile-local-time" data-time-zone={timeZone}>
                <span title={timeZone ?? undefined}>{localTime}</span>
                {!isMe && theirOffset !== null && (
                  <span className="muted"> · {timeDifferenceText(theirOffset, -now.getTimezoneOffset())}</span>
                )}
              </dd>
            </div>
          )}
        </dl>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {isMe ? (
          <Link className="button button--block" href="/settings" data-autofocus="">
            Edit profile
          </Link>
        ) : (
          <button
            type="button"
            className="button button--primary button--block"
            data-autofocus=""
            disabled={busy}
            onClick={() => void message()}
          >
            {busy ? 'Opening…' : 'Message'}
          </button>
        )}
      </div>
    </dialog>
  );
}
