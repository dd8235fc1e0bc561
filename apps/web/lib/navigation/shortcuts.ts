/*
 * The chat screen's navigation keys: Ctrl+K (⌘K on Apple devices) opens the quick switcher;
 * Alt+↑/↓ (⌥ on a Mac) go to the room above or below in the sidebar, and with Shift to the
 * previous or next room with unread messages.
 */

export type NavShortcut = 'switcher' | 'room-up' | 'room-down' | 'unread-up' | 'unread-down';

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** True while an input method (Japanese, Chinese, …) is composing: its keys belong to it. */
  isComposing?: boolean;
  /** 229 is what some browsers send instead of `isComposing` for keys taken by an IME. */
  keyCode?: number;
}

/** What a key press means here, or null. */
export function shortcutOf(e: KeyPress, isApple: boolean): NavShortcut | null {
  if (e.isComposing || e.keyCode === 229) return null;
  // ⌘K on a Mac: there Ctrl+K is a text field's "delete to end of line" (an Emacs binding).
  const command = isApple ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (command && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') return 'switcher';
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
    const up = e.key === 'ArrowUp';
    if (e.shiftKey) return up ? 'unread-up' : 'unread-down';
    return up ? 'room-up' : 'room-down';
  }
  return null;
}

/** Where the key was pressed, as far as Alt+arrows are concerned. */
export interface FocusedField {
  /** A textarea, text input or contenteditable. */
  editable: boolean;
  /** Its text (for an input, its value). */
  text: string;
  /** It controls a popup that is open (a combobox's list of mentions, say): arrows are the popup's. */
  popupOpen: boolean;
}

/**
 * Whether Alt(+Shift)+↑/↓ should be left to the focused field. An open suggestion list owns
 * the arrows; on a Mac, ⌥↑/↓ moves the caret to the start or end of a paragraph and ⌥⇧↑/↓
 * selects to there, which matters once the text has more than one line. Elsewhere (and in
 * a one-line draft on a Mac, where the caret has nowhere to go) the keys move between rooms.
 */
export function leavesAltArrowsToField(field: FocusedField | null, isApple: boolean): boolean {
  if (!field) return false;
  if (field.popupOpen) return true;
  return isApple && field.editable && field.text.includes('\n');
}

/** Apple keyboards use ⌘ where others use Ctrl. */
export function isApplePlatform(nav: { platform?: string; userAgent?: string } | undefined): boolean {
  if (!nav) return false;
  return /Mac|iPhone|iPad|iPod/i.test(nav.platform || nav.userAgent || '');
}

/** The focused element as `leavesAltArrowsToField` sees it. */
export function describeFocusedField(el: Element | null): FocusedField | null {
  if (!el || typeof HTMLElement === 'undefined' || !(el instanceof HTMLElement)) return null;
  // A combobox says aria-expanded; the composer's textarea, which may not be one, points
  // aria-controls at its mention list only while the list is open.
  const controls = el.getAttribute('aria-controls');
  const popupOpen =
    el.getAttribute('aria-expanded') === 'true' ||
    (el.hasAttribute('aria-autocomplete') && !!controls && el.ownerDocument.getElementById(controls) !== null);
  if (el instanceof HTMLTextAreaElement) return { editable: true, text: el.value, popupOpen };
  if (el instanceof HTMLInputElement) return { editable: true, text: el.value, popupOpen };
  if (el.isContentEditable) return { editable: true, text: el.innerText, popupOpen };
  return { editable: false, text: '', popupOpen };
}
