'use client';

import { splitMentions, type MentionPart } from '@qc/shared';
import { nameOf } from '@/lib/stores/people-store';
import { useChatClient, useStore } from '@/lib/use-chat';

/**
 * A mention as a reader sees it: the person's name as it is now (the message holds only
 * their id), marked when it is me; `@here` and `@channel` marked as addressed to everyone.
 */
export function MentionChip({ part }: { part: MentionPart }) {
  const client = useChatClient();
  const meId = useStore(client.people, (s) => s.me.id);
  const name = useStore(client.people, (s) => (part.kind === 'user' ? nameOf(s.users, part.userId) : ''));
  if (part.kind === 'text') return <>{part.text}</>;
  if (part.kind === 'broadcast') return <span className="mention mention--broadcast">@{part.which}</span>;
  return (
    <span className={`mention${part.userId === meId ? ' mention--me' : ''}`} data-user-id={part.userId}>
      @<bdi>{name}</bdi>
    </span>
  );
}

/** Plain text with its mentions as chips. */
export function WithMentions({ text }: { text: string }) {
  const parts = splitMentions(text);
  if (parts.length === 1 && parts[0]!.kind === 'text') return <>{text}</>;
  return (
    <>
      {parts.map((part, i) => (
        <MentionChip key={i} part={part} />
      ))}
    </>
  );
}
