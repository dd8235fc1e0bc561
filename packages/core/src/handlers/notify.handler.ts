import type { LogHandler } from '../ports/message-log.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { NotificationSink, OfflineNotification } from '../ports/notification-sink.port';
import type { PresenceStore } from '../ports/presence.port';

const PREVIEW_MAX = 140;

/**
 * Consumer `notify`: for each new message, the room's members (not the sender) who are
 * offline right now get an OfflineNotification, for the push feature to deliver.
 * At-least-once like every consumer: a redelivered record yields the same ids.
 */
export function createNotifyHandler(meta: MetadataStore, presence: PresenceStore, sink: NotificationSink): LogHandler {
  return async (record) => {
    if (record.type !== 'message.created') return;
    const m = record.message;
    const members = (await meta.listMembers(m.roomId)).map((x) => x.userId).filter((id) => id !== m.senderId);
    if (members.length === 0) return;
    const status = await presence.get(members);
    const offline = members.filter((id) => (status.get(id)?.status ?? 'offline') === 'offline');
    if (offline.length === 0) return;
    const preview = m.content.length > PREVIEW_MAX ? `${m.content.slice(0, PREVIEW_MAX - 1)}…` : m.content;
    const notifications: OfflineNotification[] = offline.map((userId) => ({
      id: `${m.id}:${userId}`,
      userId,
      roomId: m.roomId,
      messageId: m.id,
      seq: m.seq,
      senderId: m.senderId,
      preview,
      createdAt: m.createdAt,
    }));
    await sink.publish(notifications);
  };
}
