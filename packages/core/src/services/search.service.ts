import { encodeSearchCursor, type SearchMessagesQuery, type SearchResult } from '@qc/shared';
import { AppError } from '../errors';
import type { MetadataStore } from '../ports/metadata.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { SearchIndex } from '../ports/search-index.port';

/** Message search, limited to the rooms the person is a member of at the time they ask. */
export class SearchService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly index: SearchIndex,
    /** Hits are shown as the messages are now (an index fed by the log may trail an edit or a delete by a moment). */
    private readonly states?: MessageStateStore,
  ) {}

  async search(userId: string, q: SearchMessagesQuery): Promise<SearchResult> {
    let roomIds: string[];
    if (q.roomId) {
      if (!(await this.meta.getMembership(q.roomId, userId))) throw AppError.forbidden();
      roomIds = [q.roomId];
    } else {
      roomIds = (await this.meta.listRoomsOfUser(userId)).map((r) => r.room.id);
    }
    if (roomIds.length === 0) return { hits: [], nextCursor: null };
    // One more than the page: whether there is a next page is then known, not guessed.
    const found = await this.index.search({
      text: q.q,
      roomIds,
      senderId: q.from,
      sentFrom: q.after,
      sentBefore: q.before,
      after: q.cursor,
      limit: q.limit + 1,
    });
    const page = found.slice(0, q.limit);
    const last = page[page.length - 1];
    // The cursor is the index's own place, taken before anything is dropped below, so the
    // next page starts right after this one whatever was left out of it.
    const nextCursor = found.length > q.limit && last ? encodeSearchCursor(last.message) : null;
    // The adapters' contract already filters by room; a hit outside the asked rooms would be
    // a leak of someone else's conversation, so it is dropped here too rather than trusted.
    const allowed = new Set(roomIds);
    const mine = page.filter((h) => allowed.has(h.message.roomId));
    if (!this.states) return { hits: mine, nextCursor };
    const now = await this.states.overlay(mine.map((h) => h.message));
    return { hits: mine.map((h, i) => ({ ...h, message: now[i]! })).filter((h) => !h.message.deletedAt), nextCursor };
  }
}
