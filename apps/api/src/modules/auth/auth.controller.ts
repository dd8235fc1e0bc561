import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { loginBody, registerBody, REFRESH_COOKIE, type AuthResponse, type LoginBody, type RegisterBody } from '@qc/shared';
import { AppError, AuthService, type AppConfig, type IssuedSession } from '@qc/core';
import { REFRESH_COOKIE_SCHEME } from '../../common/http/openapi';
import { ZodPipe } from '../../common/http/zod.pipe';
import { APP_CONFIG } from '../../common/tokens';

/** The refresh cookie goes to the auth routes only. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
const COOKIE_PATH = REFRESH_COOKIE_PATH;

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  async register(@Body(new ZodPipe(registerBody)) body: RegisterBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.respond(req, res, await this.auth.register(body, { address: req.ip }));
  }

  @Post('login')
  @HttpCode(200)
  async login(@Body(new ZodPipe(loginBody)) body: LoginBody, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.respond(req, res, await this.auth.login(body, { address: req.ip }));
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiCookieAuth(REFRESH_COOKIE_SCHEME)
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.checkOrigin(req);
    try {
      return this.respond(req, res, await this.auth.refresh(readCookie(req)));
    } catch (e) {
      res.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
      throw e;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth(REFRESH_COOKIE_SCHEME)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.checkOrigin(req);
    await this.auth.logout(readCookie(req));
    res.clearCookie(REFRESH_COOKIE, { path: COOKIE_PATH });
  }

  private respond(req: Request, res: Response, s: IssuedSession): AuthResponse {
    res.cookie(REFRESH_COOKIE, s.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: COOKIE_PATH,
      expires: s.refreshExpiresAt,
    });
    res.setHeader('Cache-Control', 'no-store');
    return { accessToken: s.accessToken, expiresIn: s.expiresIn, user: s.user };
  }

  /** The cookie endpoints also refuse a foreign Origin, on top of SameSite=Strict. */
  private checkOrigin(req: Request) {
    const origin = req.headers.origin;
    if (origin && !this.config.allowedOrigins.includes(origin)) throw AppError.forbidden(`origin ${origin} is not allowed`);
  }
}

function readCookie(req: Request): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof v === 'string' && v.length > 0 && v.length < 200 ? v : undefined;
}
