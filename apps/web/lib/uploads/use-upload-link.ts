'use client';

import { useEffect, useState } from 'react';
import type { UploadLink } from '@qc/shared';
import { api } from '../api';
import { UploadLinkCache } from './upload-links';

/** One cache for the page: the links of a timeline's files are asked for together. */
const links = new UploadLinkCache((ids) => api.uploadLinks(ids));

/** The upload's link (null while it comes, or when it cannot be read); asked again before it ends. */
export function useUploadLink(id: string): UploadLink | null {
  const [link, setLink] = useState<UploadLink | null>(() => links.peek(id));
  useEffect(() => {
    let live = true;
    const load = () =>
      links.get(id).then(
        (l) => live && setLink(l),
        () => undefined,
      );
    void load();
    // A tab left open past the link's end gets a fresh one before the next load needs it.
    const timer = setInterval(() => void load(), 5 * 60_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [id]);
  return link;
}
