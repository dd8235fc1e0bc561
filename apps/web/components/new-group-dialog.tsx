'use client';

import { useId, useState, type FormEvent } from 'react';
import { createRoomBody, LIMITS, type User } from '@qc/shared';
import { useChatClient } from '@/lib/use-chat';
import { CloseIcon } from './icons';
import { Dialog } from './dialog';
import { PeopleSearch } from './people-search';

/** A private group: a name and the people in it. */
export function NewGroupDialog({ onClose, onOpenRoom }: { onClose: () => void; onOpenRoom: (roomId: string) => void }) {
  const client = useChatClient();
  const id = useId();
  const [name, setName] = useState('');
  const [people, setPeople] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createRoomBody.safeParse({ kind: 'group', name, memberIds: people.map((p) => p.id) });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.path[0] === 'name' ? 'Give the group a name.' : 'Check the group details.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const room = await client.createRoom(parsed.data);
      onOpenRoom(room.id);
    } catch (err) {
      setBusy(false);
      setError(err instanceof Error ? err.message : 'Could not create the group.');
    }
  }

  return (
    <Dialog title="New group" description="A private conversation with a few people." onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>Group name</label>
          <input
            id={`${id}-name`}
            className="input"
            data-autofocus=""
            maxLength={80}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        {people.length > 0 && (
          <ul className="chips" aria-label="People in the group">
            {people.map((p) => (
              <li key={p.id} className="chip">
                <bdi>{p.displayName}</bdi>
                <button
                  type="button"
                  className="chip__remove"
                  aria-label={`Remove ${p.displayName}`}
                  onClick={() => setPeople((cur) => cur.filter((x) => x.id !== p.id))}
                >
                  <CloseIcon size={12} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <PeopleSearch
          label="Add people"
          autoFocus={false}
          actionLabel="Add"
          excludeIds={people.map((p) => p.id)}
          disabled={people.length >= LIMITS.groupInitialMembersMax}
          onPick={(user) => setPeople((cur) => [...cur, user])}
        />
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
            Create group
          </button>
        </div>
      </form>
    </Dialog>
  );
}
