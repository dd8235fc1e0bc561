'use client';

import type { TrayItem, UploadTray } from '@/lib/uploads/upload-tray';
import { formatFileSize } from '@/lib/uploads/upload-file';
import { useStore } from '@/lib/use-chat';
import { CloseIcon, FileIcon } from './icons';

/** The files waiting in the composer: each with its progress, cancel, and why it failed with Retry. */
export function AttachmentTray({ tray }: { tray: UploadTray }) {
  const items = useStore(tray, (s) => s);
  if (items.length === 0) return null;
  return (
    <ul className="attachment-tray" aria-label="Files to send" data-testid="attachment-tray">
      {items.map((item) => (
        <TrayChip key={item.key} item={item} tray={tray} />
      ))}
    </ul>
  );
}

function TrayChip({ item, tray }: { item: TrayItem; tray: UploadTray }) {
  return (
    <li className={`attachment-chip attachment-chip--${item.status}`} data-testid="attachment-chip" data-status={item.status}>
      <span className="attachment-chip__icon" aria-hidden="true">
        <FileIcon size={18} />
      </span>
      <span className="attachment-chip__text">
        <bdi className="attachment-chip__name" title={item.name}>
          {item.name}
        </bdi>
        {item.status === 'failed' ? (
          <span className="attachment-chip__error" role="alert">
            {item.error}{' '}
            <button type="button" className="link-button" onClick={() => tray.retry(item.key)}>
              Retry
            </button>
          </span>
        ) : (
          <span className="attachment-chip__meta">{item.status === 'done' ? formatFileSize(item.size) : `Uploading… ${Math.round(item.progress * 100)}%`}</span>
        )}
        {item.status === 'uploading' && (
          <progress className="attachment-chip__progress" max={1} value={item.progress} aria-label={`Uploading ${item.name}`} />
        )}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label={item.status === 'uploading' ? `Cancel upload of ${item.name}` : `Remove ${item.name}`}
        title={item.status === 'uploading' ? 'Cancel' : 'Remove'}
        onClick={() => tray.remove(item.key)}
      >
        <CloseIcon size={14} />
      </button>
    </li>
  );
}
