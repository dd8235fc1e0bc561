import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  historyQuery,
  messageEditBody,
  messageParams,
  reactionBody,
  roomIdParam,
  threadQuery,
  type HistoryQuery,
  type MessageEditBody,
  type PinnedMessages,
  type Message,
  type ReactionBody,
  type ThreadPage,
  type ThreadQuery,
} from '@qc/shared';
import { MessageActionsService, MessagesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

type MessageParams = { roomId: string; messageId: string };

/**
 * A room's messages over REST: history (`?before=|after=&limit=`), one message as it is
 * now, and the same changes the socket offers (edit, delete, reactions), for clients and
 * scripts without a socket. Each answers with the message's current state.
 */
@Controller('rooms/:roomId/messages')
@UseGuards(AccessTokenGuard)
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly actions: MessageActionsService,
  ) {}

  @Get()
  history(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Query(new ZodPipe(historyQuery)) q: HistoryQuery,
  ) {
    return this.messages.history(userId, p.roomId, q);
  }

  @Get(':messageId')
  get(@CurrentUserId() userId: string, @Param(new ZodPipe(messageParams)) p: MessageParams): Promise<Message> {
    return this.messages.get(userId, p.roomId, p.messageId);
  }

  @Get(':messageId/thread')
  thread(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(messageParams)) p: MessageParams,
    @Query(new ZodPipe(threadQuery)) q: ThreadQuery,
  ): Promise<ThreadPage> {
    return this.messages.thread(userId, p.roomId, p.messageId, q);
  }

  @Patch(':messageId')
  edit(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(messageParams)) p: MessageParams,
    @Body(new ZodPipe(messageEditBody)) body: MessageEditBody,
  ): Promise<Message> {
    return this.actions.edit(userId, { ...p, content: body.content });
  }

  @Delete(':messageId')
  remove(@CurrentUserId() userId: string, @Param(new ZodPipe(messageParams)) p: MessageParams): Promise<Message> {
    return this.actions.delete(userId, p);
  }

  @Post(':messageId/pin')
  @HttpCode(200)
  pin(@CurrentUserId() userId: string, @Param(new ZodPipe(messageParams)) p: MessageParams): Promise<Message> {
    return this.actions.pin(userId, p, true);
  }

  @Delete(':messageId/pin')
  unpin(@CurrentUserId() userId: string, @Param(new ZodPipe(messageParams)) p: MessageParams): Promise<Message> {
    return this.actions.pin(userId, p, false);
  }

  @Post(':messageId/reactions')
  @HttpCode(200)
  react(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(messageParams)) p: MessageParams,
    @Body(new ZodPipe(reactionBody)) body: ReactionBody,
  ): Promise<Message> {
    return this.actions.react(userId, { ...p, emoji: body.emoji }, true);
  }

  @Delete(':messageId/reactions')
  unreact(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(messageParams)) p: MessageParams,
    @Body(new ZodPipe(reactionBody)) body: ReactionBody,
  ): Promise<Message> {
    return this.actions.react(userId, { ...p, emoji: body.emoji }, false);
  }
}

/** `GET /api/v1/rooms/:roomId/pins`: the room's pinned messages, the most recently pinned first. */
@Controller('rooms/:roomId/pins')
@UseGuards(AccessTokenGuard)
export class PinsController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  list(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }): Promise<PinnedMessages> {
    return this.messages.pinned(userId, p.roomId);
  }
}
