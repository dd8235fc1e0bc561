// What both baselines keep, in memory only: per room its messages (seq = index + 1) and the
// clientMsgIds already stored, so a resend is answered with the original. Nothing durable, no
// authorisation beyond "the client said it is in the room": the floor a chat server cannot go
// below, for the product to be measured against.
import { randomUUID } from 'node:crypto';

const SYNC_PAGE_MAX = 200;

export class Rooms {
  constructor() {
    this.rooms = new Map();
  }

  room(roomId) {
    let r = this.rooms.get(roomId);
    if (!r) this.rooms.set(roomId, (r = { messages: [], byClientId: new Map() }));
    return r;
  }

  /** `{ message, fresh }`: fresh is false when this clientMsgId of this sender was stored before. */
  send(senderId, { roomId, clientMsgId, content }) {
    const r = this.room(roomId);
    const key = `${senderId}/${clientMsgId}`;
    const known = r.byClientId.get(key);
    if (known) return { message: known, fresh: false };
    const message = {
      id: randomUUID(),
      roomId,
      seq: r.messages.length + 1,
      senderId,
      clientMsgId,
      content,
      contentType: 'text',
      createdAt: new Date().toISOString(),
    };
    r.messages.push(message);
    r.byClientId.set(key, message);
    return { message, fresh: true };
  }

  sync({ roomId, afterSeq = 0, limit = 100 }) {
    const all = this.room(roomId).messages;
    const n = Math.min(Math.max(1, limit), SYNC_PAGE_MAX);
    const messages = all.slice(afterSeq, afterSeq + n);
    return { messages, updates: [], hasMore: afterSeq + n < all.length };
  }
}

/**
 * BASELINE_FAULT=drop|duplicate breaks a baseline on purpose, for the bench's own spec: every
 * 7th broadcast skips one recipient, or reaches one recipient twice. The audit must see it.
 */
export function faultyFanOut(peers) {
  const fault = process.env.BASELINE_FAULT;
  if (!fault || ++faultyFanOut.count % 7 !== 0) return peers;
  const list = [...peers];
  if (list.length === 0) return list;
  return fault === 'drop' ? list.slice(1) : [...list, list[0]];
}
faultyFanOut.count = 0;

/** A well-formed send, or the reason it is not (the same checks a client can trip in the product). */
export function badSend(p) {
  if (!p || typeof p.roomId !== 'string' || typeof p.clientMsgId !== 'string' || typeof p.content !== 'string') return 'bad payload';
  return null;
}
