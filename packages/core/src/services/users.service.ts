import type { PatchMeBody, User } from '@qc/shared';
import { AppError } from '../errors';
import type { MetadataStore, UserRecord } from '../ports/metadata.port';

export const toPublicUser = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
  createdAt: u.createdAt.toISOString(),
});

export class UsersService {
  constructor(private readonly meta: MetadataStore) {}

  async getMe(userId: string): Promise<User> {
    const u = await this.meta.findUserById(userId);
    if (!u || u.deletedAt) throw AppError.unauthenticated('account no longer exists');
    return toPublicUser(u);
  }

  async patchMe(userId: string, patch: PatchMeBody): Promise<User> {
    const u = await this.meta.updateUser(userId, patch);
    if (!u) throw AppError.unauthenticated('account no longer exists');
    return toPublicUser(u);
  }

  async search(query: string): Promise<User[]> {
    return (await this.meta.searchUsers(query, 20)).map(toPublicUser);
  }
}
