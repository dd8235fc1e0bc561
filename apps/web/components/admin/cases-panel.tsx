'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import {
  moderationReason,
  type CaseAction,
  type CaseDetail,
  type CasePeople,
  type CaseStatus,
  type CaseSummary,
  type Message,
} from '@qc/shared';
import { api } from '@/lib/api';
import { plainTextOf, usePlainTextReady } from '@/lib/markdown/preview';
import { useSession } from '@/lib/session';
import { REASON_LABELS } from '../report-message-dialog';
import { FormError } from '../form-error';

type Filter = CaseStatus | 'queue' | 'all';
const FILTERS: [Filter, string][] = [
  ['queue', 'To do'],
  ['actioned', 'Actioned'],
  ['dismissed', 'Dismissed'],
  ['all', 'All'],
];

const STATUS_LABELS: Record<CaseStatus, string> = { open: 'Open', assigned: 'Assigned', actioned: 'Actioned', dismissed: 'Dismissed' };
const ACTION_LABELS: Record<CaseAction, string> = {
  mute: 'Mute the author',
  kick: 'Remove the author from the room',
  ban: 'Ban the author from the room',
  'delete-message': 'Delete the message',
  dismiss: 'Dismiss (no rule broken)',
};
const MUTE_FOR: [number, string][] = [
  [10, '10 minutes'],
  [60, '1 hour'],
  [24 * 60, '1 day'],
  [7 * 24 * 60, '1 week'],
];

const personName = (people: CasePeople, id: string | null) => (id ? (people.users[id]?.displayName ?? 'Someone') : '—');
const roomName = (people: CasePeople, id: string) => {
  const r = people.rooms[id];
  if (!r) return 'a deleted room';
  return r.kind === 'channel' ? `#${r.name}` : (r.name ?? 'a direct message');
};

/**
 * Cases: the queue of reported (and rule-flagged) messages, oldest first, and one case at a
 * time with its evidence as it was when reported, its reports and notes, and the actions
 * that close it, each with a reason.
 */
export function CasesPanel() {
  const id = useId();
  const [filter, setFilter] = useState<Filter>('queue');
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [people, setPeople] = useState<CasePeople>({ users: {}, rooms: {} });
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async (f: Filter, after: string | null) => {
    setLoading(true);
    try {
      const page = await api.cases(f, after ?? undefined);
      setCases((was) => (after ? [...was, ...page.cases] : page.cases));
      setPeople((was) =>
        after ? { users: { ...was.users, ...page.people.users }, rooms: { ...was.rooms, ...page.people.rooms } } : page.people,
      );
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not read the cases.');
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => void load(filter, null), [load, filter]);

  if (open) {
    return (
      <CasePage
        caseId={open}
        onBack={() => {
          setOpen(null);
          void load(filter, null);
        }}
      />
    );
  }

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Cases</h2>
      <div className="admin__filters" role="group" aria-label="Which cases">
        {FILTERS.map(([f, label]) => (
          <button key={f} type="button" className="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {label}
          </button>
        ))}
      </div>
      <FormError error={error} />
      <div className="admin__table-wrap">
        <table className="admin__table">
          <caption className="sr-only">Cases, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">Status</th>
              <th scope="col">Author</th>
              <th scope="col">Room</th>
              <th scope="col">Why</th>
              <th scope="col">Reports</th>
              <th scope="col">Assigned to</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id} data-testid="case-row">
                <td>
                  <button type="button" className="link-button" onClick={() => setOpen(c.id)}>
                    <time dateTime={c.openedAt}>{new Date(c.openedAt).toLocaleString()}</time>
                  </button>
                </td>
                <td>{STATUS_LABELS[c.status]}</td>
                <td>{personName(people, c.reportedUserId)}</td>
                <td>{roomName(people, c.roomId)}</td>
                <td>{c.source === 'rule' ? 'Word rule' : c.reasons.map((r) => REASON_LABELS[r]).join(', ')}</td>
                <td>{c.reportCount}</td>
                <td>{personName(people, c.assigneeId)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && cases.length === 0 && <p className="muted">{filter === 'queue' ? 'Nothing to review. ' : ''}No cases here.</p>}
      {cursor && (
        <button type="button" className="button" onClick={() => void load(filter, cursor)} disabled={loading}>
          Load more
        </button>
      )}
    </section>
  );
}

function EvidenceMessage({ message, people, reported }: { message: Message; people: CasePeople; reported?: boolean }) {
  return (
    <li
      className={reported ? 'case__message case__message--reported' : 'case__message'}
      data-testid={reported ? 'reported-message' : undefined}
    >
      <span className="case__author">{personName(people, message.senderId)}</span>{' '}
      <time className="muted" dateTime={message.createdAt}>
        {new Date(message.createdAt).toLocaleTimeString()}
      </time>
      <p dir="auto">{message.deletedAt ? <em>deleted</em> : plainTextOf(message.content)}</p>
    </li>
  );
}

/** One case: the evidence, the reports and notes, and the actions that close it. */
function CasePage({ caseId, onBack }: { caseId: string; onBack: () => void }) {
  const id = useId();
  usePlainTextReady();
  const session = useSession();
  const meId = session.status === 'authenticated' ? session.user.id : null;
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<CaseAction>('mute');
  const [minutes, setMinutes] = useState(10);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.getCase(caseId).then(setCase, (e: unknown) => setError(e instanceof Error ? e.message : 'Could not read the case.'));
  }, [caseId]);

  const run = async (work: () => Promise<CaseDetail>) => {
    setBusy(true);
    setError(null);
    try {
      setCase(await work());
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : 'That did not work.');
      return false;
    } finally {
      setBusy(false);
    }
  };

  const act = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = moderationReason.safeParse(reason);
    if (!parsed.success) return setError('Say why (the audit log keeps it).');
    if (await run(() => api.actOnCase(caseId, { action, reason: parsed.data, ...(action === 'mute' ? { minutes } : {}) }))) setReason('');
  };

  const addNote = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    if (await run(() => api.noteCase(caseId, note.trim()))) setNote('');
  };

  const closed = c?.status === 'actioned' || c?.status === 'dismissed';
  return (
    <section className="admin__panel case" aria-labelledby={`${id}-title`}>
      <button type="button" className="link-button" onClick={onBack}>
        ← All cases
      </button>
      <h2 id={`${id}-title`}>
        {c
          ? `Case: ${c.source === 'rule' ? 'flagged by a word rule' : `reported ${c.reportCount} time${c.reportCount === 1 ? '' : 's'}`}`
          : 'Case'}
      </h2>
      <FormError error={error} />
      {c && (
        <>
          <p>
            <strong>{STATUS_LABELS[c.status]}</strong> · {roomName(c.people, c.roomId)} · author {personName(c.people, c.reportedUserId)}
            {c.assigneeId && <> · assigned to {personName(c.people, c.assigneeId)}</>}
          </p>
          {!closed && meId && c.assigneeId !== meId && (
            <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.assignCase(caseId, meId))}>
              Assign to me
            </button>
          )}

          <h3>Evidence</h3>
          <p className="muted">
            As it was on <time dateTime={c.evidence.takenAt}>{new Date(c.evidence.takenAt).toLocaleString()}</time>; later edits and deletes
            do not change it.
          </p>
          {c.evidence.rules && <p>Word rules met: {c.evidence.rules.map((r) => `${r.name} (“${r.matched}”)`).join(', ')}</p>}
          <ol className="case__evidence" aria-label="The reported message and the conversation around it">
            {c.evidence.before.map((m) => (
              <EvidenceMessage key={m.id} message={m} people={c.people} />
            ))}
            <EvidenceMessage message={c.evidence.message} people={c.people} reported />
            {c.evidence.after.map((m) => (
              <EvidenceMessage key={m.id} message={m} people={c.people} />
            ))}
          </ol>
          {c.evidence.earlierVersions.length > 0 && (
            <>
              <h4>Before it was edited</h4>
              <ol className="case__versions">
                {c.evidence.earlierVersions.map((v) => (
                  <li key={v.at} dir="auto">
                    {plainTextOf(v.content)}
                  </li>
                ))}
              </ol>
            </>
          )}

          <h3>Reports</h3>
          <ul className="case__reports">
            {c.reports.map((r) => (
              <li key={r.reporterId}>
                {personName(c.people, r.reporterId)}: {REASON_LABELS[r.reason]}
                {r.note && (
                  <>
                    {' — '}
                    <q dir="auto">{r.note}</q>
                  </>
                )}
              </li>
            ))}
            {c.reports.length === 0 && <li>None: a word rule opened it.</li>}
          </ul>

          <h3>Notes and actions</h3>
          <ul className="case__log">
            {[
              ...c.notes.map((n) => ({ at: n.at, text: `${personName(c.people, n.authorId)} noted: ${n.text}` })),
              ...c.actions
                .filter((a) => a.action !== 'case.note')
                .map((a) => ({ at: a.at, text: `${personName(c.people, a.actorId)}: ${a.action}${a.reason ? ` (${a.reason})` : ''}` })),
            ]
              .sort((x, y) => x.at.localeCompare(y.at))
              .map((line, i) => (
                <li key={i} data-testid="case-log">
                  <time dateTime={line.at}>{new Date(line.at).toLocaleString()}</time> {line.text}
                </li>
              ))}
          </ul>
          <form className="form case__note" onSubmit={addNote}>
            <div className="field">
              <label htmlFor={`${id}-note`}>Add a note</label>
              <textarea
                id={`${id}-note`}
                className="input"
                rows={2}
                maxLength={2000}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
            </div>
            <button type="submit" className="button" disabled={busy}>
              Save note
            </button>
          </form>

          {closed ? (
            <p role="status">
              {c.status === 'actioned' ? 'Actioned' : 'Dismissed'} by {personName(c.people, c.resolution?.by ?? null)}
              {c.resolution?.note ? `: ${c.resolution.note}` : ''}. The reporters were told.
            </p>
          ) : (
            <form className="form case__act" onSubmit={act} noValidate>
              <fieldset className="moderate__actions">
                <legend>Action</legend>
                {(Object.keys(ACTION_LABELS) as CaseAction[]).map((a) => (
                  <label key={a} className="moderate__action">
                    <input type="radio" name={`${id}-action`} value={a} checked={action === a} onChange={() => setAction(a)} />
                    <span>{ACTION_LABELS[a]}</span>
                  </label>
                ))}
              </fieldset>
              {action === 'mute' && (
                <div className="field">
                  <label htmlFor={`${id}-for`}>For how long</label>
                  <select id={`${id}-for`} className="input" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
                    {MUTE_FOR.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <div className="field">
                <label htmlFor={`${id}-reason`}>Reason</label>
                <textarea
                  id={`${id}-reason`}
                  className="input"
                  rows={2}
                  maxLength={500}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
              </div>
              <button type="submit" className={action === 'dismiss' ? 'button' : 'button button--danger'} disabled={busy}>
                {action === 'dismiss' ? 'Dismiss the case' : 'Take action and close the case'}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}
