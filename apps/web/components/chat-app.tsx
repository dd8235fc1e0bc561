'use client';

import { useEffect, useState } from 'react';
import { useRouter, useSearchParams } from '@/lib/router/router';
import type { User } from '@qc/shared';
import { acquireChatClient } from '@/lib/chat-client';
import { useSession } from '@/lib/session';
import { ChatClientContext, useChatClient, useStore } from '@/lib/use-chat';
import { useTimeZoneSync } from '@/lib/navigation/use-time-zone-sync';
import { useUnreadBadge } from '@/lib/notify/use-unread-badge';
import { openSearch } from '@/lib/search-ui';
import { resyncPush } from '@/lib/push/web-push';
import { openMessageFromUrl } from '@/lib/push/open-message';
import { desktopBridge } from '@/lib/desktop/desktop-bridge';
import { ConnectionBanner } from './connection-banner';
import { NoticeToast } from './notice-toast';
import { RoomNavigation } from './room-navigation';
import { RoomView } from './room-view';
import { Sidebar } from './sidebar';

/** The chat screen: sidebar with my rooms, and the room named in `?room=`. */
export function ChatApp() {
  const state = useSession();
  if (state.status !== 'authenticated') return null;
  return <ChatWithStore me={state.user} />;
}

function ChatWithStore({ me }: { me: User }) {
  // The client outlives this page (see acquireChatClient), so taking it during render is
  // safe and idempotent, and the first paint already has the rooms it knows.
  const [client] = useState(() => acquireChatClient(me));
  useTimeZoneSync(me);
  return (
    <ChatClientContext.Provider value={client}>
      <ChatLayout />
    </ChatClientContext.Provider>
  );
}

function ChatLayout() {
  const client = useChatClient();
  const router = useRouter();
  const params = useSearchParams();
  const roomId = params.get('room');
  const messageId = params.get('message');
  const seqParam = params.get('seq');
  const removedRoomId = useStore(client.rooms, (s) => s.removedRoomId);
  const clicked = useStore(client.notifier, (s) => s.clicked);
  useUnreadBadge(client.rooms);

  // A desktop notification was clicked: its room opens (and the message is shown there).
  useEffect(() => {
    if (!clicked) return;
    client.notifier.clearClicked();
    router.push(`/chat?room=${encodeURIComponent(clicked.roomId)}`);
  }, [clicked, client, router]);

  // A push notification opened the app at a message (`?room=&message=&seq=`): the room opens
  // scrolled to it, and the address goes back to the room's own.
  useEffect(() => {
    const target = openMessageFromUrl(roomId, messageId, seqParam);
    if (!target) return;
    void client.jumpToMessage(target.roomId, { messageId: target.messageId, ...(target.seq ? { seq: target.seq } : {}) });
    router.replace(`/chat?room=${encodeURIComponent(target.roomId)}`);
  }, [client, roomId, messageId, seqParam, router]);

  // The service worker: a push notification clicked while the app was open, and a push
  // subscription the browser replaced (registered again). Each start re-registers this
  // device's subscription, so the server knows it even if it had forgotten it.
  useEffect(() => {
    void resyncPush();
    const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (!sw) return;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; roomId?: unknown; messageId?: unknown; seq?: unknown } | null;
      if (data?.type === 'push-subscription-changed') void resyncPush();
      if (data?.type !== 'open-message') return;
      const target = openMessageFromUrl(data.roomId, data.messageId, data.seq);
      if (!target) return;
      void client.jumpToMessage(target.roomId, { messageId: target.messageId, ...(target.seq ? { seq: target.seq } : {}) });
      router.push(`/chat?room=${encodeURIComponent(target.roomId)}`);
    };
    sw.addEventListener('message', onMessage);
    return () => sw.removeEventListener('message', onMessage);
  }, [client, router]);

  // The desktop shell: its native notification was clicked; the window is already in front.
  useEffect(
    () =>
      desktopBridge()?.onOpenMessage((raw) => {
        const target = openMessageFromUrl(raw?.roomId, raw?.messageId, raw?.seq);
        if (!target) return;
        void client.jumpToMessage(target.roomId, { messageId: target.messageId, ...(target.seq ? { seq: target.seq } : {}) });
        router.push(`/chat?room=${encodeURIComponent(target.roomId)}`);
      }),
    [client, router],
  );

  useEffect(() => {
    client.setOpenRoom(roomId);
    // Leaving the page (to settings, say) closes the room, so new messages count as unread.
    return () => client.setOpenRoom(null);
  }, [client, roomId]);

  useEffect(() => {
    if (roomId && removedRoomId === roomId) router.replace('/chat');
  }, [removedRoomId, roomId, router]);

  return (
    <div className="chat" data-view={roomId ? 'room' : 'list'}>
      <ConnectionBanner />
      <Sidebar openRoomId={roomId} />
      <main className="chat__main">{roomId ? <RoomView key={roomId} roomId={roomId} /> : <NoRoomOpen />}</main>
      <NoticeToast />
      <RoomNavigation openRoomId={roomId} onSearchMessages={openSearch} />
    </div>
  );
}

function NoRoomOpen() {
  return (
    <div className="empty-state">
      <span className="empty-state__logo" aria-hidden="true">
        Q
      </span>
      <h1 className="empty-state__title">Pick a conversation</h1>
      <p className="empty-state__text">Choose a room on the left, or start a direct message, a group or a channel.</p>
    </div>
  );
}
