'use client';

import { useRouter } from '@/lib/router/router';
import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { lazyComponent } from '@/lib/lazy-component';
import { browserStorage, loadRecentRooms, saveRecentRooms, withRecent } from '@/lib/navigation/recent-rooms';
import { adjacentRoom, adjacentUnreadRoom, hasUnreadToVisit, sidebarOrder } from '@/lib/navigation/room-order';
import { describeFocusedField, isApplePlatform, leavesAltArrowsToField, shortcutOf } from '@/lib/navigation/shortcuts';
import { roomTitle } from '@/lib/room-display';
import { useChatClient, useStore } from '@/lib/use-chat';
import { SearchIcon } from './icons';

// Loaded when it is about to be used: the fuzzy matcher stays out of the chat screen's first load.
const loadQuickSwitcher = () => import('./quick-switcher');
const QuickSwitcher = lazyComponent(() => loadQuickSwitcher().then((m) => m.QuickSwitcher));

const OPEN_SWITCHER_EVENT = 'qc:open-quick-switcher';

/** Opens the quick switcher from a control elsewhere on the page (the sidebar's "Jump to…"). */
export function openQuickSwitcher(): void {
  window.dispatchEvent(new Event(OPEN_SWITCHER_EVENT));
}

/**
 * Moving around the chat screen from the keyboard: Ctrl+K (⌘K) opens the quick switcher,
 * Alt+↑/↓ go to the room above or below in the sidebar, Alt+Shift+↑/↓ to the previous or
 * next room with unread messages. Also keeps the list of rooms opened lately.
 *
 * The keys are heard on the window in the capture phase, before the composer (where an
 * empty draft's ↑ edits my last message) gets them; they are left alone while an input
 * method composes, while another dialog is open, and where a text field needs them (see
 * leavesAltArrowsToField).
 */
export function RoomNavigation({
  openRoomId,
  onSearchMessages,
}: {
  openRoomId: string | null;
  /** Given, the switcher offers "Search messages for …" and hands the query over. */
  onSearchMessages?: (query: string) => void;
}) {
  const client = useChatClient();
  const router = useRouter();
  const meId = useStore(client.people, (s) => s.me.id);
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<string[]>(() => loadRecentRooms(browserStorage(), meId));
  const [announcement, setAnnouncement] = useState('');
  const openRef = useRef(open);

  useEffect(() => {
    openRef.current = open;
  }, [open]);

  useEffect(() => {
    if (openRoomId) setRecent((list) => (list[0] === openRoomId ? list : withRecent(list, openRoomId)));
  }, [openRoomId]);

  useEffect(() => saveRecentRooms(browserStorage(), meId, recent), [meId, recent]);

  const go = useCallback((roomId: string) => router.push(`/chat?room=${encodeURIComponent(roomId)}`), [router]);

  useEffect(() => {
    const apple = isApplePlatform(navigator);
    const onKeyDown = (event: KeyboardEvent) => {
      // Ctrl (⌘) goes down before the K: fetching now, the field is there for the first letters typed after.
      if (event.key === (apple ? 'Meta' : 'Control')) void loadQuickSwitcher();
      const shortcut = shortcutOf(event, apple);
      if (!shortcut) return;
      const dialogOpen = document.querySelector('dialog[open]') !== null;
      if (shortcut === 'switcher') {
        // Ctrl+K again closes the switcher; another dialog keeps the keyboard to itself.
        if (dialogOpen && !openRef.current) return;
        event.preventDefault();
        event.stopPropagation();
        setOpen((v) => !v);
        return;
      }
      if (dialogOpen || leavesAltArrowsToField(describeFocusedField(document.activeElement), apple)) return;
      event.preventDefault();
      event.stopPropagation();
      const { rooms, openRoomId: current } = client.rooms.getState();
      const order = sidebarOrder(rooms);
      const step = shortcut.endsWith('up') ? -1 : 1;
      const unread = shortcut.startsWith('unread');
      const now = new Date();
      const target = unread
        ? adjacentUnreadRoom(order, current, step, (r) => hasUnreadToVisit(r, now))
        : adjacentRoom(order, current, step);
      const room = target ? order.find((r) => r.id === target) : undefined;
      if (!room) {
        setAnnouncement(unread ? 'No other conversation has unread messages.' : '');
        return;
      }
      setAnnouncement(`Opened ${roomTitle(room)}`);
      go(room.id);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [client, go]);

  useEffect(() => {
    const onOpen = () => setOpen(true);
    window.addEventListener(OPEN_SWITCHER_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_SWITCHER_EVENT, onOpen);
  }, []);

  return (
    <>
      <p className="sr-only" role="status">
        {announcement}
      </p>
      {open && (
        <Suspense fallback={null}>
          <QuickSwitcher
            recent={recent}
            onClose={() => setOpen(false)}
            onOpenRoom={(roomId) => {
              setOpen(false);
              go(roomId);
            }}
            onSearchMessages={onSearchMessages}
          />
        </Suspense>
      )}
    </>
  );
}

/** "Jump to…" in the sidebar: the quick switcher for the mouse, and a reminder of its key. */
export function QuickSwitcherButton() {
  const apple = useMemo(() => typeof navigator !== 'undefined' && isApplePlatform(navigator), []);
  return (
    <button
      type="button"
      className="jump-button"
      onClick={openQuickSwitcher}
      onPointerEnter={() => void loadQuickSwitcher()}
      onFocus={() => void loadQuickSwitcher()}
      aria-keyshortcuts={apple ? 'Meta+K' : 'Control+K'}
    >
      <SearchIcon size={15} />
      <span className="jump-button__label">Jump to…</span>
      <kbd className="jump-button__key" aria-hidden="true">
        {apple ? '⌘K' : 'Ctrl K'}
      </kbd>
    </button>
  );
}
