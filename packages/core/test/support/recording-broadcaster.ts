import type { BroadcastOptions, Broadcaster, ServerEvent, ServerEventPayload } from '../../src/ports/broadcaster.port';

export interface RecordedEmit {
  to: { room?: string; users?: string[]; openRoom?: string; notOpenRoom?: string };
  event: ServerEvent;
  payload: unknown;
  opts?: BroadcastOptions;
}

/** A Broadcaster for service-level tests: records what would have been emitted. */
export class RecordingBroadcaster implements Broadcaster {
  readonly emits: RecordedEmit[] = [];
  readonly joins: { userId: string; roomId: string; joined: boolean }[] = [];
  /** How many emits there were at each flush, in order: its length is the number of flushes. */
  readonly flushedAt: number[] = [];
  /** Users whose sockets were all closed, in order. */
  readonly disconnected: string[] = [];

  toRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.emits.push({ to: { room: roomId }, event, payload, opts });
  }
  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.emits.push({ to: { users: [userId] }, event, payload, opts });
  }
  toUsers<E extends ServerEvent>(userIds: string[], event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.emits.push({ to: { users: userIds }, event, payload, opts });
  }
  toOpenRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, alsoUserIds: readonly string[] = []) {
    this.emits.push({ to: { openRoom: roomId, users: [...alsoUserIds] }, event, payload });
  }
  toRoomNotOpen<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>) {
    this.emits.push({ to: { notOpenRoom: roomId }, event, payload });
  }
  addUserToRoom(userId: string, roomId: string) {
    this.joins.push({ userId, roomId, joined: true });
  }
  removeUserFromRoom(userId: string, roomId: string) {
    this.joins.push({ userId, roomId, joined: false });
  }
  disconnectUser(userId: string) {
    this.disconnected.push(userId);
  }
  async flush() {
    this.flushedAt.push(this.emits.length);
  }
  of(event: ServerEvent) {
    return this.emits.filter((e) => e.event === event);
  }
  /** The seqs of the room's `message:new`, in the order they were emitted. */
  newSeqsOf(roomId: string): number[] {
    return this.of('message:new')
      .map((e) => e.payload as { roomId: string; seq: number })
      .filter((m) => m.roomId === roomId)
      .map((m) => m.seq);
  }
}
