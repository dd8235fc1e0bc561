'use client';

import { Link } from '@/lib/router/router';
import { useState } from 'react';
import { useSession } from '@/lib/session';
import { ArrowLeftIcon } from '../icons';
import { AuditLogPanel } from './audit-log-panel';
import { CasesPanel } from './cases-panel';
import { OverviewPanel } from './overview-panel';
import { PeoplePanel } from './people-panel';
import { RoomsPanel } from './rooms-panel';
import { WordRulesPanel } from './word-rules-panel';

const SECTIONS = [
  ['overview', 'Overview'],
  ['cases', 'Cases'],
  ['people', 'People'],
  ['rooms', 'Rooms'],
  ['audit', 'Audit log'],
  ['rules', 'Rules'],
] as const;
type Section = (typeof SECTIONS)[number][0];

/**
 * /admin: the instance's admins and moderators keep the place healthy here. Shown only to
 * them; the page hiding itself protects nothing, so every call it makes is checked again by
 * the server (a member who comes here gets FORBIDDEN from each).
 */
export function AdminDashboard() {
  const state = useSession();
  const [section, setSection] = useState<Section>('overview');
  if (state.status !== 'authenticated') return null;
  const role = state.user.instanceRole;
  if (!role) {
    return (
      <main className="admin admin--refused">
        <h1>Admin</h1>
        <p>This page is for the instance&apos;s admins and moderators.</p>
        <Link href="/chat">Back to chat</Link>
      </main>
    );
  }
  return (
    <main className="admin">
      <header className="admin__header">
        <Link className="settings__back" href="/chat">
          <ArrowLeftIcon size={16} /> Back to chat
        </Link>
        <h1 className="admin__title">Admin</h1>
        <span className="role-tag">{role}</span>
      </header>
      <nav className="admin__tabs" aria-label="Admin sections">
        {SECTIONS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            className="admin__tab"
            aria-current={section === key ? 'page' : undefined}
            onClick={() => setSection(key)}
          >
            {label}
          </button>
        ))}
      </nav>
      {section === 'overview' && <OverviewPanel onOpenCases={() => setSection('cases')} />}
      {section === 'cases' && <CasesPanel />}
      {section === 'people' && <PeoplePanel />}
      {section === 'rooms' && <RoomsPanel />}
      {section === 'audit' && <AuditLogPanel />}
      {section === 'rules' && <WordRulesPanel />}
    </main>
  );
}
