'use client';

import { useMemo, useState } from 'react';
import { decode } from 'blurhash';
import type { Attachment } from '@qc/shared';
import { formatFileSize } from '@/lib/uploads/upload-file';
import { useUploadLink } from '@/lib/uploads/use-upload-link';
import { Dialog } from './dialog';
import { DownloadIcon, FileIcon } from './icons';

/** The timeline shows an image at most this wide and high (CSS px); the thumbnail is picked for it. */
const MAX_PREVIEW_PX = 360;

/** The blurred placeholder as a tiny PNG, drawn once per hash. */
function useBlurhashUrl(hash: string | null): string | undefined {
  return useMemo(() => {
    if (!hash || typeof document === 'undefined') return undefined;
    try {
      const pixels = decode(hash, 32, 32);
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 32;
      const ctx = canvas.getContext('2d');
      if (!ctx) return undefined;
      const image = ctx.createImageData(32, 32);
      image.data.set(pixels);
      ctx.putImageData(image, 0, 0);
      return canvas.toDataURL();
    } catch {
      return undefined;
    }
  }, [hash]);
}

function previewSize(a: Attachment): { width: number; height: number } {
  const w = a.width ?? MAX_PREVIEW_PX;
  const h = a.height ?? MAX_PREVIEW_PX;
  const scale = Math.min(1, MAX_PREVIEW_PX / w, MAX_PREVIEW_PX / h);
  return { width: Math.max(40, Math.round(w * scale)), height: Math.max(40, Math.round(h * scale)) };
}

function ImagePreview({ attachment, onOpen }: { attachment: Attachment; onOpen: () => void }) {
  const link = useUploadLink(attachment.id);
  const placeholder = useBlurhashUrl(attachment.blurhash);
  const [loaded, setLoaded] = useState(false);
  const size = previewSize(attachment);
  // The smallest thumbnail at least twice the shown width (sharp on a 2× screen), else the image.
  const src = link ? (attachment.thumbnails.map(String).find((w) => Number(w) >= size.width * 2) ?? attachment.thumbnails.at(-1)) : undefined;
  const url = link ? (src !== undefined ? (link.thumbnails[String(src)] ?? link.url) : link.url) : undefined;
  return (
    <button
      type="button"
      className="attachment-image"
      style={{ width: size.width, height: size.height, backgroundImage: placeholder && !loaded ? `url(${placeholder})` : undefined }}
      onClick={onOpen}
      aria-label={`Open image ${attachment.name}`}
      data-testid="attachment-image"
    >
      {url && (
        <img
          src={url}
          alt={attachment.name}
          width={size.width}
          height={size.height}
          loading="lazy"
          decoding="async"
          className={loaded ? 'attachment-image__img attachment-image__img--loaded' : 'attachment-image__img'}
          onLoad={() => setLoaded(true)}
        />
      )}
    </button>
  );
}

/** What kind of file, in a word people know ("PDF", "ZIP", "MP4"), from its sniffed type or its name. */
function typeLabel(a: Attachment): string {
  const fromType = a.mimeType === 'application/octet-stream' ? '' : (a.mimeType.split('/')[1] ?? '').split(/[.+-]/).pop();
  const fromName = a.name.includes('.') ? a.name.split('.').pop() : '';
  return (fromName || fromType || 'file').slice(0, 8).toUpperCase();
}

function FileCard({ attachment }: { attachment: Attachment }) {
  const link = useUploadLink(attachment.id);
  return (
    <div className="attachment-file" data-testid="attachment-file">
      <span className="attachment-file__icon" aria-hidden="true">
        <FileIcon size={22} />
      </span>
      <span className="attachment-file__text">
        <bdi className="attachment-file__name" title={attachment.name}>
          {attachment.name}
        </bdi>
        <span className="attachment-file__meta">
          {typeLabel(attachment)} · {formatFileSize(attachment.size)}
        </span>
      </span>
      {link ? (
        <a className="icon-button" href={link.url} download={attachment.name} aria-label={`Download ${attachment.name}`} title="Download">
          <DownloadIcon size={18} />
        </a>
      ) : (
        <span className="icon-button icon-button--disabled" aria-hidden="true">
          <DownloadIcon size={18} />
        </span>
      )}
    </div>
  );
}

function Lightbox({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const link = useUploadLink(attachment.id);
  return (
    <Dialog title={attachment.name} onClose={onClose}>
      <div className="lightbox" data-testid="lightbox">
        {link && (
          <img className="lightbox__img" src={link.url} alt={attachment.name} width={attachment.width ?? undefined} height={attachment.height ?? undefined} />
        )}
        <p className="lightbox__meta">
          {attachment.width && attachment.height ? `${attachment.width} × ${attachment.height} · ` : ''}
          {formatFileSize(attachment.size)}{' '}
          {link && (
            <a className="button button--small" href={link.url} download={attachment.name} data-autofocus>
              Download
            </a>
          )}
        </p>
      </div>
    </Dialog>
  );
}

/** A message's files: images as previews (opening a lightbox), other files as cards with a download. */
export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  const images = attachments.filter((a) => a.kind === 'image');
  const files = attachments.filter((a) => a.kind !== 'image');
  return (
    <div className="attachments">
      {images.length > 0 && (
        <div className="attachments__images">
          {images.map((a) => (
            <ImagePreview key={a.id} attachment={a} onOpen={() => setOpen(a)} />
          ))}
        </div>
      )}
      {files.map((a) => (
        <FileCard key={a.id} attachment={a} />
      ))}
      {open && <Lightbox attachment={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
