import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService } from '@qc/core';

export interface AuthedRequest extends Request {
  userId: string;
}

/** REST routes behind this guard need `Authorization: Bearer <access token>` of an account that is not deleted. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    req.userId = (await this.auth.authenticate(token)).userId;
    return true;
  }
}

/** The id of the signed-in user (set by AccessTokenGuard). */
export const CurrentUserId = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().userId;
});
