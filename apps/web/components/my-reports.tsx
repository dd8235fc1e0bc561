'use client';

import { useEffect, useId, useState } from 'react';
import type { MyReport, MyRoom } from '@qc/shared';
import { api } from '@/lib/api';
import { REASON_LABELS } from './report-message-dialog';

const OUTCOME_LABELS: Record<MyReport['outcome'], string> = {
  pending: 'Waiting for a moderator',
  actioned: 'A moderator took action',
  dismissed: 'Found within the rules',
};

/** "Your reports": what I reported and how each ended (the live notice goes away; this stays). */
export function MyReports() {
  const id = useId();
  const [reports, setReports] = useState<MyReport[] | null>(null);
  const [rooms, setRooms] = useState<MyRoom[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Settings has no live chat client: the room names come with one REST call (a room since left is named by nothing).
    Promise.all([api.myReports(), api.listRooms()]).then(
      ([r, myRooms]) => {
        setReports(r.reports);
        setRooms(myRooms);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : 'Could not read your reports.'),
    );
  }, []);

  if (!error && (!reports || reports.length === 0)) return null;
  return (
    <>
      <hr className="settings__rule" />
      <section aria-labelledby={`${id}-title`}>
        <h2 className="settings__subtitle" id={`${id}-title`}>
          Your reports
        </h2>
        {error && <p className="form-error">{error}</p>}
        <ul className="my-reports">
          {reports?.map((r) => {
            const room = rooms.find((x) => x.id === r.roomId);
            return (
              <li key={r.caseId + r.at} data-testid="my-report">
                <time dateTime={r.at}>{new Date(r.at).toLocaleDateString()}</time> · {REASON_LABELS[r.reason]}
                {room ? ` in ${room.kind === 'channel' ? '#' : ''}${room.name}` : ''} · <strong>{OUTCOME_LABELS[r.outcome]}</strong>
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}
