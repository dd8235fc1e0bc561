'use client';

import { useEffect, useRef, type KeyboardEvent } from 'react';

/**
 * A fixed set of common emoji, enough for reactions without shipping a full emoji
 * database (a searchable picker can replace this later without touching its callers).
 */
export const REACTION_EMOJI: readonly { emoji: string; name: string }[] = [
  { emoji: '👍', name: 'thumbs up' },
  { emoji: '👎', name: 'thumbs down' },
  { emoji: '❤️', name: 'red heart' },
  { emoji: '😂', name: 'face with tears of joy' },
  { emoji: '😊', name: 'smiling face' },
  { emoji: '😍', name: 'heart eyes' },
  { emoji: '😮', name: 'surprised face' },
  { emoji: '😢', name: 'crying face' },
  { emoji: '😡', name: 'angry face' },
  { emoji: '🤔', name: 'thinking face' },
  { emoji: '🙏', name: 'folded hands' },
  { emoji: '👏', name: 'clapping hands' },
  { emoji: '🙌', name: 'raising hands' },
  { emoji: '🎉', name: 'party popper' },
  { emoji: '🔥', name: 'fire' },
  { emoji: '✅', name: 'check mark' },
  { emoji: '👀', name: 'eyes' },
  { emoji: '💯', name: 'hundred points' },
  { emoji: '🚀', name: 'rocket' },
  { emoji: '⭐', name: 'star' },
  { emoji: '😅', name: 'grinning face with sweat' },
  { emoji: '🤝', name: 'handshake' },
  { emoji: '💡', name: 'light bulb' },
  { emoji: '☕', name: 'hot beverage' },
];

const COLUMNS = 6;

/**
 * A small grid of emoji buttons. Arrow keys move between them, Escape closes; focus goes
 * to the first emoji when it opens, so the keyboard path is "React", then pick.
 */
export function EmojiPicker({ onPick, onClose, label }: { onPick: (emoji: string) => void; onClose: () => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (ref.current && event.target instanceof Node && !ref.current.contains(event.target)) onClose();
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
      return;
    }
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step === undefined) return;
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, at + step))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  return (
    <div ref={ref} className="emoji-picker" role="group" aria-label={label} onKeyDown={onKeyDown}>
      {REACTION_EMOJI.map(({ emoji, name }) => (
        <button
          key={emoji}
          type="button"
          className="emoji-picker__emoji"
          aria-label={`React with ${name}`}
          title={name}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
