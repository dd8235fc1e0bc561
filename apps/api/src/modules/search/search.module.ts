import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { SearchController } from './search.controller';

/** Message search over the rooms the caller belongs to. */
@Module({ controllers: [SearchController], providers: [AccessTokenGuard] })
export class SearchModule {}
