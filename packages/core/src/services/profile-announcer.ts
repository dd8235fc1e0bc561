import type { User } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MetadataStore } from '../ports/metadata.port';

export interface ProfileAnnouncerOptions {
  /** As for presence: members of rooms this large see the change when they next load the room. */
  largeRoomMembers?: number;
  /** The change is stored already; a failed announcement is logged, never the request's failure. */
  onError?: (err: unknown) => void;
}

/**
 * Tells the people who share a room with someone, and their own other devices, that their
 * profile changed (name, picture, time zone): `user:updated` with the whole public profile,
 * so every name and avatar on screen follows at once instead of after a reload. The same
 * audience as presence, through the same broadcaster (across nodes in the distributed
 * profile).
 */
export class ProfileAnnouncer {
  constructor(
    private readonly meta: Pick<MetadataStore, 'listPeersOf'>,
    private readonly broadcaster: Pick<Broadcaster, 'toUsers'>,
    private readonly opts: ProfileAnnouncerOptions = {},
  ) {}

  async announce(user: User): Promise<void> {
    try {
      const peers = await this.meta.listPeersOf(user.id, this.opts.largeRoomMembers);
      this.broadcaster.toUsers([...new Set([...peers, user.id])], 'user:updated', user);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }
}
