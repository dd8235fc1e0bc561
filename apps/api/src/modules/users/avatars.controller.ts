import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import { avatarParam, avatarQuery, type AvatarQuery } from '@qc/shared';
import { AvatarsService } from '@qc/core';
import { ZodPipe } from '../../common/http/zod.pipe';

/**
 * `GET /avatars/:userId?v=`: a person's current picture, without the access token (an <img>
 * cannot send it). The version comes from the picture's bytes and only the current one is
 * served, so the URL is known only to those shown the person, and it may be cached forever.
 */
@Controller('avatars')
export class AvatarsController {
  constructor(private readonly avatars: AvatarsService) {}

  @Get(':userId')
  @ApiOperation({ description: "A person's picture (WebP, square), at the version their profile's avatarUrl names." })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such person, no picture, or not their current version.' })
  async avatar(
    @Param(new ZodPipe(avatarParam)) p: { userId: string },
    @Query(new ZodPipe(avatarQuery)) q: AvatarQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const picture = await this.avatars.open(p.userId, q.v);
    const etag = `"${q.v}"`;
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // A new picture is a new version, so a URL's bytes never change.
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      picture.body.destroy();
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(picture.size));
    if (req.method === 'HEAD') {
      picture.body.destroy();
      res.end();
      return;
    }
    await pipeline(picture.body, res).catch(() => res.destroy());
  }
}
