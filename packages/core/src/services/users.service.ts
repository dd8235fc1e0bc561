import type { PatchMeBody, User, UserProfile } from '@qc/shared';
import { AppError } from '../errors';
import type { MetadataStore, UserRecord } from '../ports/metadata.port';
import type { PresenceStore } from '../ports/presence.port';
import type { ProfileAnnouncer } from './profile-announcer';

export const toPublicUser = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
  createdAt: u.createdAt.toISOString(),
  timeZone: u.timeZone,
  ...(u.instanceRole ? { instanceRole: u.instanceRole } : {}),
});

export class UsersService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly presence: PresenceStore,
    private readonly announcer: Pick<ProfileAnnouncer, 'announce'> | null = null,
  ) {}

  async getMe(userId: string): Promise<User> {
    const u = await this.meta.findUserById(userId);
    if (!u || u.deletedAt) throw AppError.unauthenticated('account no longer exists');
    return toPublicUser(u);
  }

  async patchMe(userId: string, patch: PatchMeBody): Promise<User> {
    const u = await this.meta.updateUser(userId, patch);
    if (!u) throw AppError.unauthenticated('account no longer exists');
    const user = toPublicUser(u);
    await this.announcer?.announce(user);
    return user;
  }

  async search(query: string): Promise<User[]> {
    return (await this.meta.searchUsers(query, 20)).map(toPublicUser);
  }

  /**
   * Anyone signed in may read anyone's card: the directory (`search`) already lists every
   * person, and a direct room, which anyone may open with anyone, shows the peer's presence.
   */
  async getProfile(userId: string): Promise<UserProfile> {
    const [u, presence] = await Promise.all([this.meta.findUserById(userId), this.presence.get([userId])]);
    if (!u) throw AppError.notFound('user');
    const now = presence.get(userId);
    const lastSeen = now?.lastSeen ?? u.lastSeenAt;
    return {
      ...toPublicUser(u),
      timeZone: u.timeZone,
      presence: now?.status ?? 'offline',
      lastSeen: lastSeen ? lastSeen.toISOString() : null,
    };
  }
}
