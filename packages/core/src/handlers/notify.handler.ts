import { notifyRule, splitMentions, type Message, type NotifyLevel, type RoomKind } from '@qc/shared';
import type { LogRunHandler } from '../ports/message-log.port';
import type { MembershipRecord, MetadataStore, RoomRecord } from '../ports/metadata.port';
import type { NotificationSink, OfflineNotification } from '../ports/notification-sink.port';
import type { PresenceStore } from '../ports/presence.port';

const PREVIEW_MAX = 140;

/**
 * Push follows the app's rule (notifyRule: level × mention × mute), with one difference in the
 * default: a room whose member never chose a level pushes only DMs and what mentions them, as
 * Slack's and Discord's phones do. A member who set a room to `all` gets every message of it.
 */
const PUSH_DEFAULT_LEVEL: NotifyLevel = 'mentions';

/**
 * Consumer `notify`: for each new message, the room's members (not the sender) whom the rule
 * says to tell and who have no device connected get an OfflineNotification, for Web Push to
 * deliver. At-least-once like every consumer: a redelivered record yields the same ids.
 *
 * It takes a room's run of records at once: the room, its members and the presence of those
 * to tell are read once per run, not per message, and only when the sink could reach anyone.
 */
export function createNotifyHandler(
  meta: Pick<MetadataStore, 'listMembers' | 'findRoomById' | 'findUsersByIds'>,
  presence: Pick<PresenceStore, 'get'>,
  sink: NotificationSink,
): LogRunHandler {
  return {
    async run(records) {
      const messages = records.flatMap((r) => (r.type === 'message.created' ? [r.message] : []));
      if (messages.length === 0) return;
      if (sink.hasRecipients && !(await sink.hasRecipients())) return;
      const roomId = messages[0]!.roomId;
      const [room, members] = await Promise.all([meta.findRoomById(roomId), meta.listMembers(roomId)]);
      if (!room) return;
      const now = new Date();
      const wanted = messages.flatMap((message) =>
        members.flatMap((member) => {
          const rule = notifyRule(message, {
            userId: member.userId,
            roomKind: room.kind,
            level: member.notifyLevel ?? PUSH_DEFAULT_LEVEL,
            mutedUntil: member.mutedUntil,
            now,
          });
          return rule.tell ? [{ message, member, mention: rule.mention || room.kind === 'direct' }] : [];
        }),
      );
      if (wanted.length === 0) return;
      // "No connected device": offline in presence (away still has a tab open, which notifies itself).
      const status = await presence.get([...new Set(wanted.map((w) => w.member.userId))]);
      const offline = wanted.filter((w) => (status.get(w.member.userId)?.status ?? 'offline') === 'offline');
      if (offline.length === 0) return;
      const names = await namesOf(
        meta,
        offline.map((w) => w.message),
      );
      const notifications = offline.map(({ message, member, mention }) => notification(room, message, member, mention, names));
      await sink.publish(notifications);
    },
  };
}

/** Display names of the senders and of the people their messages mention (for the preview). */
async function namesOf(meta: Pick<MetadataStore, 'findUsersByIds'>, messages: readonly Message[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.senderId);
    for (const part of splitMentions(m.content)) if (part.kind === 'user') ids.add(part.userId);
  }
  const users = await meta.findUsersByIds([...ids]);
  return new Map(users.map((u) => [u.id, u.displayName]));
}

function notification(
  room: RoomRecord,
  message: Message,
  member: MembershipRecord,
  mention: boolean,
  names: Map<string, string>,
): OfflineNotification {
  const senderName = names.get(message.senderId) ?? 'Someone';
  return {
    id: `${message.id}:${member.userId}`,
    userId: member.userId,
    roomId: message.roomId,
    roomKind: room.kind,
    roomTitle: roomTitle(room.kind, room.name, senderName),
    messageId: message.id,
    seq: message.seq,
    senderId: message.senderId,
    senderName,
    preview: previewOf(message, names),
    mention,
    inThread: !!message.threadRootId,
    createdAt: message.createdAt,
  };
}

function roomTitle(kind: RoomKind, name: string | null, senderName: string): string {
  if (kind === 'direct') return senderName;
  if (kind === 'channel') return `# ${name ?? 'channel'}`;
  return name ?? 'Group';
}

/** The message as one short line: mentions as @names, whitespace folded, files named when there is no text. */
export function previewOf(message: Message, names: ReadonlyMap<string, string>): string {
  const text = splitMentions(message.content)
    .map((p) => (p.kind === 'text' ? p.text : p.kind === 'user' ? `@${names.get(p.userId) ?? 'someone'}` : `@${p.which}`))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const files = message.attachments ?? [];
  const line =
    text ||
    (files.length === 0
      ? ''
      : files.length === 1
        ? `${files[0]!.kind === 'image' ? 'Photo' : 'File'}: ${files[0]!.name}`
        : `${files.length} files`);
  return line.length > PREVIEW_MAX ? `${line.slice(0, PREVIEW_MAX - 1)}…` : line;
}
