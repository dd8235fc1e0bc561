import { memo } from 'react';
import type { User } from '@qc/shared';
import { formatFull, formatTime } from '@/lib/format-time';
import { Avatar } from './avatar';
import { MessageText } from './message-text';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

interface MessageItemProps {
  sender: Pick<User, 'id' | 'displayName' | 'avatarUrl'>;
  content: string;
  createdAt: string;
  /** Absent while the message is not stored yet. */
  seq?: number;
  status: DeliveryStatus;
  error?: string;
  /** Follows a message by the same person: no avatar and name again. */
  grouped: boolean;
  mine: boolean;
  clientMsgId?: string;
  onRetry?: (clientMsgId: string) => void;
  onDiscard?: (clientMsgId: string) => void;
}

export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { sender, content, createdAt, seq, status, error, grouped, mine, clientMsgId, onRetry, onDiscard } = props;
  const classes = ['message', grouped && 'message--grouped', mine && 'message--mine', `message--${status}`].filter(Boolean).join(' ');
  return (
    <article className={classes} data-testid="message" data-seq={seq} data-status={status}>
      <div className="message__gutter">
        {grouped ? (
          <time className="message__hover-time" dateTime={createdAt} title={formatFull(createdAt)}>
            {formatTime(createdAt)}
          </time>
        ) : (
          <Avatar user={sender} size={36} />
        )}
      </div>
      <div className="message__body">
        {grouped ? (
          <span className="sr-only">{sender.displayName}: </span>
        ) : (
          <header className="message__meta">
            <span className="message__sender">{sender.displayName}</span>{' '}
            <time className="message__time" dateTime={createdAt} title={formatFull(createdAt)}>
              {formatTime(createdAt)}
            </time>
          </header>
        )}
        <p className="message__text" data-testid="message-text">
          <MessageText content={content} />
        </p>
        {status === 'pending' && <p className="message__status">Sending…</p>}
        {status === 'failed' && clientMsgId && (
          <p className="message__status message__status--failed">
            <span>{error ?? 'Not sent.'}</span>{' '}
            <button type="button" className="link-button" onClick={() => onRetry?.(clientMsgId)}>
              Retry
            </button>{' '}
            <button type="button" className="link-button link-button--muted" onClick={() => onDiscard?.(clientMsgId)}>
              Discard
            </button>
          </p>
        )}
      </div>
    </article>
  );
});
