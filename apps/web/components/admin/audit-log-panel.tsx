'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { AUDIT_ACTIONS, type AuditEntry, type CasePeople } from '@qc/shared';
import { api } from '@/lib/api';
import { fetchAuthedFile, saveFile } from '@/lib/my-data';
import { FormError } from '../form-error';

interface Filters {
  action: string;
  actor: string;
  target: string;
  roomId: string;
  after: string;
  before: string;
}
const NO_FILTERS: Filters = { action: '', actor: '', target: '', roomId: '', after: '', before: '' };
const PAGE = 50;

/** A date field's value (yyyy-mm-dd, local) as the API's ISO time at the start of that day. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : '');

function query(f: Filters) {
  return {
    action: f.action,
    actor: f.actor.trim(),
    target: f.target.trim(),
    roomId: f.roomId.trim(),
    after: dayStart(f.after),
    before: dayStart(f.before),
  };
}

/** The audit log: newest first, filtered, a page at a time; the filtered whole exported as CSV or JSON. */
export function AuditLogPanel() {
  const id = useId();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [names, setNames] = useState<CasePeople>({ users: {}, rooms: {} });
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (f: Filters, after: string | null) => {
    setStatus('loading');
    try {
      const page = await api.audit({ ...query(f), limit: PAGE, ...(after ? { cursor: after } : {}) });
      setEntries((was) => (after ? [...was, ...page.entries] : page.entries));
      setNames((was) =>
        after ? { users: { ...was.users, ...page.names.users }, rooms: { ...was.rooms, ...page.names.rooms } } : page.names,
      );
      setCursor(page.nextCursor);
      setStatus('ready');
      setError(null);
    } catch (e) {
      setStatus('error');
      setError(e instanceof Error ? e.message : 'Could not read the audit log.');
    }
  }, []);

  useEffect(() => void load(NO_FILTERS, null), [load]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(filters);
    void load(filters, null);
  };

  const exportAs = async (format: 'csv' | 'json') => {
    const params = new URLSearchParams(Object.entries({ ...query(applied), format }).filter(([, v]) => v !== ''));
    try {
      const { blob, fileName } = await fetchAuthedFile(`/api/v1/admin/audit?${params}`, `quantum-chat-audit.${format}`);
      saveFile(blob, fileName);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not export.');
    }
  };

  const field = (key: keyof Filters, label: string, type = 'text', placeholder?: string) => (
    <div className="field admin__filter">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        className="input"
        type={type}
        placeholder={placeholder}
        value={filters[key]}
        onChange={(e) => setFilters({ ...filters, [key]: e.target.value })}
      />
    </div>
  );

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Audit log</h2>
      <form className="admin__filters" onSubmit={onSubmit} aria-label="Filter the audit log">
        <div className="field admin__filter">
          <label htmlFor={`${id}-action`}>Action</label>
          <select
            id={`${id}-action`}
            className="input"
            value={filters.action}
            onChange={(e) => setFilters({ ...filters, action: e.target.value })}
          >
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        {field('actor', 'Actor (user id)')}
        {field('target', 'Target (user id)')}
        {field('roomId', 'Room (id)')}
        {field('after', 'From', 'date')}
        {field('before', 'Before', 'date')}
        <div className="admin__filter-actions">
          <button type="submit" className="button button--primary">
            Filter
          </button>
          <button type="button" className="button" onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" className="button" onClick={() => void exportAs('json')}>
            Export JSON
          </button>
        </div>
      </form>
      <FormError error={error} />
      <div className="admin__table-wrap">
        <table className="admin__table">
          <caption className="sr-only">Audit log entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Room</th>
              <th scope="col">Reason</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-entry">
                <td>
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                </td>
                <td>{e.action}</td>
                <td>{e.actorId ? <Named id={e.actorId} name={personName(names, e.actorId)} /> : 'the server'}</td>
                <td>{e.targetUserId ? <Named id={e.targetUserId} name={personName(names, e.targetUserId)} /> : '—'}</td>
                <td>{e.roomId ? <Named id={e.roomId} name={roomName(names, e.roomId)} /> : '—'}</td>
                <td>
                  <bdi>{e.reason ?? ''}</bdi>
                </td>
                <td className="admin__change">
                  {e.before ? JSON.stringify(e.before) : '—'} → {e.after ? JSON.stringify(e.after) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {status === 'ready' && entries.length === 0 && <p className="muted">Nothing matches.</p>}
      {status === 'loading' && <p className="muted">Loading…</p>}
      {cursor && status === 'ready' && (
        <button type="button" className="button" onClick={() => void load(applied, cursor)}>
          Load older
        </button>
      )}
    </section>
  );
}

const personName = (names: CasePeople, id: string) => {
  const u = names.users[id];
  return u ? `${u.displayName} (@${u.username})` : null;
};
const roomName = (names: CasePeople, id: string) => {
  const r = names.rooms[id];
  return r ? `${r.kind === 'channel' ? '#' : ''}${r.name ?? 'direct message'}` : null;
};

/** A name where one is known (its id on hover, for the filters); the id where the person or room is gone. */
function Named({ id, name }: { id: string; name: string | null }) {
  return name ? (
    <bdi title={id}>{name}</bdi>
  ) : (
    <span className="admin__id" title="deleted since">
      {id}
    </span>
  );
}
