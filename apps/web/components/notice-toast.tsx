'use client';

import { useEffect } from 'react';
import { useChatClient, useStore } from '@/lib/use-chat';
import { CloseIcon } from './icons';

const NOTICE_MS = 6000;

/** A short, polite note (a rate limit, a failed action) that goes away by itself. */
export function NoticeToast() {
  const { connection } = useChatClient();
  const notice = useStore(connection, (s) => s.notice);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => connection.dismissNotice(), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, connection]);

  return (
    <div className="toast-region" aria-live="polite">
      {notice && (
        <div className="toast">
          <span>{notice}</span>
          <button type="button" className="icon-button icon-button--light" aria-label="Dismiss" onClick={() => connection.dismissNotice()}>
            <CloseIcon size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
