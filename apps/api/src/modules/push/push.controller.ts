import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  pushSubscriptionBody,
  pushUnsubscribeBody,
  type PushDevice,
  type PushSubscriptionBody,
  type PushUnsubscribeBody,
  type VapidPublicKey,
} from '@qc/shared';
import { PushService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/**
 * `/api/v1/push/…`: Web Push for devices whose tab is closed. The app reads the server's
 * VAPID key, subscribes the browser's push manager with it, and hands over the resulting
 * PushSubscription; pushes then come from the notify consumer (core's WebPushSink).
 */
@Controller('push')
export class PushController {
  constructor(private readonly push: PushService) {}

  /** Public: the key is what a browser needs before it can subscribe (it signs nothing). */
  @Get('vapid-public-key')
  vapidPublicKey(): VapidPublicKey {
    return this.push.vapidPublicKey();
  }

  @Get('subscriptions')
  @UseGuards(AccessTokenGuard)
  devices(@CurrentUserId() userId: string): Promise<PushDevice[]> {
    return this.push.devices(userId);
  }

  @Post('subscriptions')
  @UseGuards(AccessTokenGuard)
  @HttpCode(201)
  subscribe(@CurrentUserId() userId: string, @Body(new ZodPipe(pushSubscriptionBody)) body: PushSubscriptionBody): Promise<PushDevice> {
    return this.push.subscribe(userId, body);
  }

  @Delete('subscriptions')
  @UseGuards(AccessTokenGuard)
  @HttpCode(204)
  async unsubscribe(@CurrentUserId() userId: string, @Body(new ZodPipe(pushUnsubscribeBody)) body: PushUnsubscribeBody): Promise<void> {
    await this.push.unsubscribe(userId, body.endpoint);
  }
}
