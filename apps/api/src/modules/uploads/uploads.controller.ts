import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import {
  uploadDownloadQuery,
  uploadIdParam,
  uploadLinksBody,
  uploadQuery,
  type UploadDownloadQuery,
  type UploadLinks,
  type UploadLinksBody,
  type UploadQuery,
  type UploadResult,
} from '@qc/shared';
import { AppError, AuthService, UploadsService, type AppConfig, type UploadDownload, type UploadLinkGrant } from '@qc/core';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation } from '@nestjs/swagger';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { BEARER_SCHEME } from '../../common/http/openapi';
import { receiveOneFile } from '../../common/http/multipart';
import { ZodPipe } from '../../common/http/zod.pipe';
import { APP_CONFIG } from '../../common/tokens';

/** Where the api serves uploads (the global prefix is api/v1). */
const UPLOADS_PATH = '/api/v1/uploads';

/**
 * Files: `POST /uploads?roomId=` (multipart, part `file`) keeps one and answers it as an
 * attachment; `POST /uploads/links` hands out short-lived signed links; `GET /uploads/:id`
 * and `/uploads/:id/thumbnail?width=` send the bytes to someone who may read them (with
 * the access token, or a link's signature), as a download unless it is an image, and never
 * as anything a browser would run.
 */
@Controller('uploads')
export class UploadsController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @UseGuards(AccessTokenGuard)
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: { type: 'string', format: 'binary' } } } })
  upload(@CurrentUserId() userId: string, @Query(new ZodPipe(uploadQuery)) q: UploadQuery, @Req() req: Request): Promise<UploadResult> {
    return receiveOneFile(req, 'file', this.config.uploadMaxBytes, (file) => this.uploads.receive(userId, q.roomId, file));
  }

  @Post('links')
  @UseGuards(AccessTokenGuard)
  @HttpCode(200)
  async links(@CurrentUserId() userId: string, @Body(new ZodPipe(uploadLinksBody)) body: UploadLinksBody): Promise<UploadLinks> {
    const grants = await this.uploads.links(userId, body.ids);
    return { links: Object.fromEntries(grants.map((g) => [g.upload.id, linkOf(g)])) };
  }

  @Get(':id')
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({ description: 'With the access token, or without it through a link from POST /uploads/links (its u, exp and sig).' })
  async download(
    @Param(new ZodPipe(uploadIdParam)) p: { id: string },
    @Query(new ZodPipe(uploadDownloadQuery)) q: UploadDownloadQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (q.width !== undefined) throw AppError.validation('width: ask /uploads/:id/thumbnail?width= for a thumbnail');
    await this.send(req, res, p.id, q, undefined);
  }

  @Get(':id/thumbnail')
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({ description: 'An image upload at about `width` px (480 by default), as WebP; the image itself when it is smaller.' })
  async thumbnail(
    @Param(new ZodPipe(uploadIdParam)) p: { id: string },
    @Query(new ZodPipe(uploadDownloadQuery)) q: UploadDownloadQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(req, res, p.id, q, q.width ?? 480);
  }

  /** The reader is the access token's user, else the user a valid link was signed for. */
  private async reader(req: Request, id: string, q: UploadDownloadQuery): Promise<string> {
    const header = req.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) return (await this.auth.authenticate(header.slice(7).trim())).userId;
    return this.uploads.verifyLink(id, q);
  }

  private async send(req: Request, res: Response, id: string, q: UploadDownloadQuery, width: number | undefined): Promise<void> {
    const userId = await this.reader(req, id, q);
    const etag = `"${id}${width ? `-${width}` : ''}"`;
    const file = await this.uploads.open(userId, id, width);
    setDownloadHeaders(res, file, etag, q.exp);
    // The bytes under an id never change: a browser holding them need not fetch them again.
    if (req.headers['if-none-match'] === etag) {
      file.body.destroy();
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(file.size));
    if (req.method === 'HEAD') {
      file.body.destroy();
      res.end();
      return;
    }
    await pipeline(file.body, res).catch(() => res.destroy());
  }
}

function setDownloadHeaders(res: Response, file: UploadDownload, etag: string, linkExpiresAt: number | undefined): void {
  // The type sniffed at upload, never the client's; nosniff so the browser believes it.
  res.setHeader('Content-Type', file.mimeType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Disposition', contentDisposition(file.name, { type: file.inline ? 'inline' : 'attachment' }));
  // Opened directly, a file is a sandboxed document that may run nothing and load nothing.
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('ETag', etag);
  // A signed link may be cached until it ends; with a token, each use asks again (304 when unchanged).
  const maxAge = linkExpiresAt ? Math.max(0, linkExpiresAt - Math.floor(Date.now() / 1000)) : 0;
  res.setHeader('Cache-Control', maxAge > 0 ? `private, max-age=${maxAge}` : 'private, no-cache');
}

function linkOf(g: UploadLinkGrant) {
  const sig = `u=${g.userId}&exp=${g.expiresAt}&sig=${g.signature}`;
  return {
    url: `${UPLOADS_PATH}/${g.upload.id}?${sig}`,
    thumbnails: Object.fromEntries(g.upload.thumbnails.map((w) => [String(w), `${UPLOADS_PATH}/${g.upload.id}/thumbnail?width=${w}&${sig}`])),
    expiresAt: new Date(g.expiresAt * 1000).toISOString(),
  };
}
