/**
 * What a RoomSequencer holds for a room while a task runs, handed to the task so that the
 * stores it calls can work under it (MessageStore.append). Opaque to services: only the
 * adapters of the engine that made it look inside. The PostgreSQL sequencer's scope is the
 * pooled connection that holds the room's lock: a store given it runs its transaction on
 * that connection instead of asking the pool for another, since a task waiting for the pool
 * while its room holds a connection is how busy rooms deadlocked a node (issue #8). Use it
 * one call at a time, and only until the task returns.
 */
export interface SequencerScope {
  /** The engine whose adapters can use it ('postgres'). */
  readonly engine: string;
}

/**
 * Runs one task at a time per room. The message service commits a message and hands it
 * to fan-out inside `run`, so the order rooms' messages reach the socket bus is their seq
 * order. In one process a queue is enough; with several api nodes sharing Redis fan-out
 * the exclusion must span nodes. An adapter whose exclusion holds a shared resource hands
 * the task a scope to do its work through (see SequencerScope); one that holds nothing
 * hands `undefined`.
 */
export interface RoomSequencer {
  run<T>(roomId: string, task: (scope: SequencerScope | undefined) => Promise<T>): Promise<T>;
  /** Tasks of this process waiting or running, over every room (for metrics). */
  pending(): number;
}

export const ROOM_SEQUENCER = Symbol('RoomSequencer');
