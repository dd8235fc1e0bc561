'use client';

import { useEffect } from 'react';
import { useChatState, useChatStore } from '@/lib/use-chat';
import { CloseIcon } from './icons';

const NOTICE_MS = 6000;

/** A short, polite note (a rate limit, a failed action) that goes away by itself. */
export function NoticeToast() {
  const store = useChatStore();
  const notice = useChatState((s) => s.notice);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => store.dismissNotice(), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, store]);

  return (
    <div className="toast-region" aria-live="polite">
      {notice && (
        <div className="toast">
          <span>{notice}</span>
          <button type="button" className="icon-button icon-button--light" aria-label="Dismiss" onClick={() => store.dismissNotice()}>
            <CloseIcon size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
