/*
 * What is known of each uploaded file, kept in PostgreSQL in both profiles; its bytes are in
 * the MediaStore under `uploads/<id>` (and `uploads/<id>/thumb-<px>`). An upload belongs to
 * the room it was sent to, and goes out with at most one message.
 */

import type { Attachment } from '@qc/shared';
import type { SequencerScope } from './room-sequencer.port';

export type UploadKind = 'image' | 'file';

export interface UploadRecord {
  id: string;
  roomId: string;
  uploaderId: string;
  /** The file's name as the uploader's device gave it (shown, and offered on download). */
  name: string;
  size: number;
  /** The type sniffed from the bytes, never the one the client claimed. */
  mimeType: string;
  kind: UploadKind;
  width: number | null;
  height: number | null;
  /** An image's blurred placeholder, shown while it loads. */
  blurhash: string | null;
  /** Widths of the thumbnails made, in px (`uploads/<id>/thumb-<px>`). */
  thumbnails: number[];
  /** The message it went out with; null until attached. */
  messageId: string | null;
  createdAt: Date;
}

export type NewUpload = Omit<UploadRecord, 'messageId' | 'createdAt'>;

export interface AttachRequest {
  messageId: string;
  roomId: string;
  uploaderId: string;
}

export interface UploadStore {
  create(upload: NewUpload): Promise<UploadRecord>;
  get(id: string): Promise<UploadRecord | null>;
  /** These uploads (unknown ids are left out), in no particular order. */
  findByIds(ids: readonly string[]): Promise<UploadRecord[]>;
  /** The attachments of these messages, each message's in the order they were uploaded. */
  listByMessages(messageIds: readonly string[]): Promise<UploadRecord[]>;
  /**
   * Attaches uploads to a message, all or none: each must be the uploader's own, sent to
   * that room, and not attached to another message. Attaching again to the same message
   * is a no-op (a retried send). Returns them in the order asked, or null when any one
   * does not qualify (then none is attached).
   */
  attach(ids: readonly string[], to: AttachRequest, scope?: SequencerScope): Promise<UploadRecord[] | null>;
  /** A message's attachments, in the order they were uploaded. */
  listByMessage(messageId: string): Promise<UploadRecord[]>;
  /** Everything one person uploaded, oldest first (their export, their erasure). */
  listByUploader(uploaderId: string): Promise<UploadRecord[]>;
  /** Every upload sent to the room (its rows go with the room; its bytes must be removed apart). */
  listByRoom(roomId: string): Promise<UploadRecord[]>;
  /** Uploads never attached and created before `before`, oldest first: what the sweep removes. */
  unattachedBefore(before: Date, limit: number): Promise<UploadRecord[]>;
  delete(id: string): Promise<void>;
}

/** An upload as messages carry it. */
export function toAttachment(u: UploadRecord): Attachment {
  return {
    id: u.id,
    name: u.name,
    size: u.size,
    mimeType: u.mimeType,
    kind: u.kind,
    width: u.width,
    height: u.height,
    blurhash: u.blurhash,
    thumbnails: u.thumbnails,
  };
}

export const UPLOAD_STORE = Symbol('UploadStore');
