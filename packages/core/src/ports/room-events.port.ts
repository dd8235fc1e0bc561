/**
 * Tells every api node that a room's membership changed (someone joined, left, was
 * removed, or the room was deleted), so each drops what it holds in memory about the room
 * (its members in RoomStates, its member count in RoomSizes) and reads it again when next
 * needed. Best effort by design: what these caches answer is never the last word (the
 * group commit checks membership in its statement, and a "not a member" is read again
 * before a send is refused), so a lost event costs a wasted commit slot, never a wrong
 * answer. The node that made the change is told too.
 */
export interface RoomEventBus {
  announceChanged(roomId: string): void;
  onChanged(listener: (roomId: string) => void): void;
  close(): Promise<void>;
}
