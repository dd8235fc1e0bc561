'use client';

import type { Reaction, User } from '@qc/shared';
import { isolate } from '@/lib/bidi';
import { nameOf } from '@/lib/stores/people-store';
import { hasReacted } from '@/lib/stores/room-stream';

/** "Alice, Bob and 3 others": who reacted, by name where we know them. */
export function reactorsText(reaction: Reaction, users: Readonly<Record<string, User>>, meId: string): string {
  const names = reaction.userIds.map((id) => (id === meId ? 'You' : nameOf(users, id)));
  const others = reaction.count - names.length;
  if (others > 0) names.push(`${others} other${others === 1 ? '' : 's'}`);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Under a message: one chip per emoji with its count; clicking one adds or takes back mine.
 * Without `onToggle` (an archived room) the chips only show who reacted.
 */
export function ReactionChips({
  reactions,
  users,
  meId,
  onToggle,
}: {
  reactions: readonly Reaction[];
  users: Readonly<Record<string, User>>;
  meId: string;
  onToggle?: (emoji: string) => void;
}) {
  if (reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {reactions.map((r) => {
        const mine = hasReacted(r, meId);
        const who = reactorsText(r, users, meId);
        return (
          <li key={r.emoji}>
            {onToggle ? (
              <button
                type="button"
                className={`reaction${mine ? ' reaction--mine' : ''}`}
                aria-pressed={mine}
                aria-label={`${r.emoji} ${r.count}: ${who}. ${mine ? 'Remove your reaction' : 'React too'}`}
                title={`${isolate(who)} reacted with ${r.emoji}`}
                data-testid="reaction"
                onClick={() => onToggle(r.emoji)}
              >
                <span aria-hidden="true">{r.emoji}</span> <span className="reaction__count">{r.count}</span>
              </button>
            ) : (
              <span className="reaction reaction--static" title={`${isolate(who)} reacted with ${r.emoji}`} data-testid="reaction">
                <span aria-hidden="true">{r.emoji}</span> <span className="reaction__count">{r.count}</span>
                <span className="sr-only">{`${r.emoji} ${r.count}: ${who}`}</span>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
