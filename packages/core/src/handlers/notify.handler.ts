import type { LogRunHandler } from '../ports/message-log.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { NotificationSink, OfflineNotification } from '../ports/notification-sink.port';
import type { PresenceStore } from '../ports/presence.port';

const PREVIEW_MAX = 140;

/**
 * Consumer `notify`: for each new message, the room's members (not the sender) who are
 * offline right now get an OfflineNotification, for the push feature to deliver.
 * At-least-once like every consumer: a redelivered record yields the same ids.
 *
 * It takes a room's run of records at once: a run is one room's, so its members are listed
 * once and the presence of all of them read once, instead of both per message; the run's
 * notifications go to the sink together.
 */
export function createNotifyHandler(
  meta: Pick<MetadataStore, 'listMembers'>,
  presence: Pick<PresenceStore, 'get'>,
  sink: NotificationSink,
): LogRunHandler {
  return {
    async run(records) {
      const messages = records.flatMap((r) => (r.type === 'message.created' ? [r.message] : []));
      if (messages.length === 0) return;
      const members = (await meta.listMembers(messages[0]!.roomId)).map((x) => x.userId);
      // A member hears of what others sent: one who sent the whole run has nothing to hear.
      const toTell = members.filter((id) => messages.some((m) => m.senderId !== id));
      if (toTell.length === 0) return;
      const status = await presence.get(toTell);
      const offline = toTell.filter((id) => (status.get(id)?.status ?? 'offline') === 'offline');
      const notifications: OfflineNotification[] = messages.flatMap((m) => {
        const preview = m.content.length > PREVIEW_MAX ? `${m.content.slice(0, PREVIEW_MAX - 1)}…` : m.content;
        return offline
          .filter((userId) => userId !== m.senderId)
          .map((userId) => ({
            id: `${m.id}:${userId}`,
            userId,
            roomId: m.roomId,
            messageId: m.id,
            seq: m.seq,
            senderId: m.senderId,
            preview,
            createdAt: m.createdAt,
          }));
      });
      if (notifications.length) await sink.publish(notifications);
    },
  };
}
