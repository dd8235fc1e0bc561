/**
 * A fresh clientMsgId: made once per message and reused on every retry of it, so the
 * server can recognise the retry and answer with the message it already stored.
 * `crypto.randomUUID` exists only in secure contexts (https, localhost); a page opened over
 * plain http on a LAN address still gets a random v4 UUID from getRandomValues.
 */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
