/**
 * Runs one task at a time per room. The message service commits a message and hands it
 * to fan-out inside `run`, so the order rooms' messages reach the socket bus is their seq
 * order. In one process a queue is enough; with several api nodes sharing Redis fan-out
 * the exclusion must span nodes.
 */
export interface RoomSequencer {
  run<T>(roomId: string, task: () => Promise<T>): Promise<T>;
}

export const ROOM_SEQUENCER = Symbol('RoomSequencer');
