/*
 * Where a push notification points: a room and a message in it (and its seq, so the room can
 * load the window around it at once). Read from the address (`/chat?room=&message=&seq=`) or
 * from the service worker's message; anything malformed is ignored rather than followed.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MessageTarget {
  roomId: string;
  messageId: string;
  seq: number | null;
}

export function openMessageFromUrl(roomId: unknown, messageId: unknown, seq: unknown): MessageTarget | null {
  if (typeof roomId !== 'string' || typeof messageId !== 'string' || !UUID.test(roomId) || !UUID.test(messageId)) return null;
  const n = typeof seq === 'number' ? seq : typeof seq === 'string' && /^\d{1,15}$/.test(seq) ? Number(seq) : NaN;
  return { roomId, messageId, seq: Number.isSafeInteger(n) && n > 0 ? n : null };
}
