import type { SavedBounds } from './settings-store';

/*
 * The window opens where it was closed, unless that place is no longer on any screen (a
 * monitor unplugged, a laptop off its dock): then it opens centred on the primary screen at
 * its default size. "On a screen" means most of its title bar is visible, so it can be
 * grabbed and moved.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 };
export const MIN_SIZE = { width: 420, height: 480 };

/** The strip along the top that has to be reachable to move the window. */
const TITLE_BAR = 32;

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function centredOn(workArea: Rect): Rect {
  const width = Math.min(DEFAULT_SIZE.width, workArea.width);
  const height = Math.min(DEFAULT_SIZE.height, workArea.height);
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + (workArea.height - height) / 2),
    width,
    height,
  };
}

/** Where to open: the saved place when its title bar is at least half on some screen's work area, else centred on the primary. */
export function restoreBounds(saved: SavedBounds | undefined, workAreas: readonly Rect[], primary: Rect): Rect & { maximized: boolean } {
  if (!saved) return { ...centredOn(primary), maximized: false };
  const width = Math.max(MIN_SIZE.width, saved.width);
  const height = Math.max(MIN_SIZE.height, saved.height);
  const titleBar: Rect = { x: saved.x, y: saved.y, width, height: TITLE_BAR };
  const visible = workAreas.reduce((sum, area) => sum + overlap(titleBar, area), 0);
  if (visible * 2 < width * TITLE_BAR) return { ...centredOn(primary), maximized: saved.maximized };
  return { x: saved.x, y: saved.y, width, height, maximized: saved.maximized };
}
