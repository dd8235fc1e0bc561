'use client';

import { useCallback } from 'react';
import { mayModerate, type Member, type Message, type Role, type User } from '@qc/shared';
import { useChatClient, useRoom, useStore } from '../use-chat';

/**
 * Whether to offer "Delete" on someone else's message: the moderation policy (the same the
 * server decides by) on my standing and its author's. An author whose role is not loaded yet
 * stands as a member: the server decides again, and refuses what it must.
 */
export function mayDeleteOthers(
  me: Pick<User, 'instanceRole'>,
  myRoomRole: Role | null,
  author: Pick<User, 'instanceRole'> | undefined,
  authorRoomRole: Role | undefined,
): boolean {
  return mayModerate(
    'message.delete',
    { instanceRole: me.instanceRole ?? null, roomRole: myRoomRole },
    { instanceRole: author?.instanceRole ?? null, roomRole: authorRoomRole ?? 'member' },
  );
}

/** For a room: may I delete this message (mine, or as its staff)? */
export function useMayDelete(roomId: string): (message: Message) => boolean {
  const client = useChatClient();
  const room = useRoom(roomId);
  const me = useStore(client.people, (s) => s.me);
  const users = useStore(client.people, (s) => s.users);
  const members = useStore(client.people, (s) => s.members[roomId]);
  const myRole = room?.role ?? null;
  return useCallback(
    (message: Message) => {
      if (message.senderId === me.id) return true;
      const author = members?.find((m: Member) => m.userId === message.senderId);
      return mayDeleteOthers(me, myRole, users[message.senderId], author?.role);
    },
    [me, myRole, users, members],
  );
}
