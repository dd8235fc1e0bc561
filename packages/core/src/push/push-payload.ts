import { messagePath, type PushPayload } from '@qc/shared';
import type { OfflineNotification } from '../ports/notification-sink.port';

/**
 * What one device is sent for a notification. A device that chose private notifications
 * gets the room and the sender, never the text: a locked phone's screen shows nothing said.
 */
export function pushPayload(n: OfflineNotification, privately: boolean): PushPayload {
  const where = n.inThread ? ' in a thread' : '';
  let body: string;
  if (privately) {
    body = n.roomKind === 'direct' ? `New message${where}` : `${n.senderName}${n.mention ? ' mentioned you' : ' sent a message'}${where}`;
  } else {
    const text = n.preview || 'sent a message';
    body = n.roomKind === 'direct' ? text : `${n.senderName}${where}: ${text}`;
  }
  return {
    v: 1,
    roomId: n.roomId,
    messageId: n.messageId,
    seq: n.seq,
    title: n.roomTitle,
    body,
    sender: n.senderName,
    mention: n.mention,
    url: messagePath(n.roomId, n.messageId, n.seq),
  };
}
