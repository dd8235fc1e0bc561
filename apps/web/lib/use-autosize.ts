import { useLayoutEffect, type RefObject } from 'react';

/** Grows a textarea with its text up to `maxPx`, then it scrolls: the composer and the inline editor alike. */
export function useAutosize(ref: RefObject<HTMLTextAreaElement | null>, text: string, maxPx: number) {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, maxPx)}px`;
  }, [ref, text, maxPx]);
}
