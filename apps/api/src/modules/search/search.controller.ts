import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { searchMessagesQuery, type SearchMessagesQuery, type SearchResult } from '@qc/shared';
import { SearchService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/**
 * `GET /api/v1/search/messages?q=&roomId=&from=&after=&before=&cursor=&limit=`: messages of
 * the rooms the caller belongs to, newest first, a page at a time (see searchMessagesQuery).
 */
@Controller('search')
@UseGuards(AccessTokenGuard)
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('messages')
  messages(@CurrentUserId() userId: string, @Query(new ZodPipe(searchMessagesQuery)) q: SearchMessagesQuery): Promise<SearchResult> {
    return this.search.search(userId, q);
  }
}
