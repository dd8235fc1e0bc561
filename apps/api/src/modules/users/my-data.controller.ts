import { Body, Controller, Delete, Get, HttpCode, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { deleteAccountBody, REFRESH_COOKIE, type DeleteAccountBody } from '@qc/shared';
import { MyDataService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';
import { LOGGER } from '../../common/tokens';
import { REFRESH_COOKIE_PATH } from '../auth/auth.controller';

/**
 * "Your data": `GET /users/me/export` downloads everything the product holds about the
 * caller as one JSON file; `DELETE /users/me` erases their account (password typed again,
 * and their choice for their messages).
 */
@Controller('users/me')
@UseGuards(AccessTokenGuard)
export class MyDataController {
  constructor(
    private readonly myData: MyDataService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('export')
  @ApiProduces('application/json')
  async export(@CurrentUserId() userId: string, @Res() res: Response) {
    // Read before the first byte: a refusal is still an ordinary error envelope.
    const file = await this.myData.exportData(userId);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(Readable.from(file.chunks), res);
    } catch (err) {
      // Past the headers no error envelope can be sent: the connection is cut instead, so the
      // download fails visibly rather than ending as a file that looks whole but is not.
      this.logger.error({ err, userId }, 'export failed part-way; download cut short');
      res.destroy();
    }
  }

  @Delete()
  @HttpCode(204)
  async delete(
    @CurrentUserId() userId: string,
    @Body(new ZodPipe(deleteAccountBody)) body: DeleteAccountBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.myData.deleteAccount(userId, body, { address: req.ip });
    // The refresh token it held is deleted already; the browser may as well forget it.
    res.clearCookie(REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH });
  }
}
