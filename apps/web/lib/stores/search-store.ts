import type { SearchHit, SearchMessagesParams, SearchResult } from '@qc/shared';
import { Observable, realSchedule, type Schedule } from './observable';

/*
 * Message search as the search panel shows it: what is typed, the filters, and the pages of
 * hits answering them. Typing waits a moment before it asks (one request per pause, not per
 * key); a filter or Enter asks at once; an answer to anything but the latest question is
 * dropped, so a slow early answer never replaces a later one.
 */

export interface SearchFilters {
  /** One of my rooms, or null for all of them. */
  roomId: string | null;
  /** Only what this person sent. */
  fromUserId: string | null;
  /** Local calendar days (`YYYY-MM-DD`, as a date field gives them), both included; '' leaves that end open. */
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: SearchFilters = { roomId: null, fromUserId: null, fromDay: '', toDay: '' };

export interface SearchState {
  open: boolean;
  query: string;
  filters: SearchFilters;
  /** idle: nothing asked yet (an empty box). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The text the hits answer (what "nothing found for …" names). */
  searched: string;
  hits: readonly SearchHit[];
  nextCursor: string | null;
  loadingMore: boolean;
  error: string | null;
  /** Counts requests to open, so the box takes focus again when asked while already open. */
  openCount: number;
}

export type SearchRequest = (params: SearchMessagesParams) => Promise<SearchResult>;

/** How long typing pauses before the search runs. */
export const TYPING_PAUSE_MS = 250;
export const SEARCH_PAGE_SIZE = 20;

const INITIAL: SearchState = {
  open: false,
  query: '',
  filters: NO_FILTERS,
  status: 'idle',
  searched: '',
  hits: [],
  nextCursor: null,
  loadingMore: false,
  error: null,
  openCount: 0,
};

function dayStart(day: string, plusDays = 0): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The api's parameters for a search: the days become instants at the reader's own local
 * midnight (the start of `fromDay`, the end of `toDay`), since "messages of the 3rd" means
 * the 3rd where the reader is. Throws with a sentence people can act on when the range is
 * backwards.
 */
export function searchParams(query: string, filters: SearchFilters, cursor?: string): SearchMessagesParams {
  const params: SearchMessagesParams = { q: query.trim(), limit: String(SEARCH_PAGE_SIZE) };
  if (filters.roomId) params.roomId = filters.roomId;
  if (filters.fromUserId) params.from = filters.fromUserId;
  const after = dayStart(filters.fromDay);
  const before = dayStart(filters.toDay, 1);
  if (after && before && after >= before) throw new Error('The start date is after the end date.');
  if (after) params.after = after.toISOString();
  if (before) params.before = before.toISOString();
  if (cursor) params.cursor = cursor;
  return params;
}

/** Whether any filter narrows the search (the panel offers to clear them). */
export function hasFilters(filters: SearchFilters): boolean {
  return Boolean(filters.roomId || filters.fromUserId || filters.fromDay || filters.toDay);
}

export interface RoomHits {
  roomId: string;
  hits: SearchHit[];
}

/** Hits grouped by room, newest first within each; rooms in the order their newest hit came. */
export function groupByRoom(hits: readonly SearchHit[]): RoomHits[] {
  const groups = new Map<string, SearchHit[]>();
  for (const hit of hits) {
    const list = groups.get(hit.message.roomId);
    if (list) list.push(hit);
    else groups.set(hit.message.roomId, [hit]);
  }
  return [...groups].map(([roomId, list]) => ({ roomId, hits: list }));
}

function errorText(err: unknown): string {
  return err instanceof Error && err.message ? err.message : 'Search failed.';
}

export class SearchStore extends Observable<SearchState> {
  /** The latest question; an answer to any other is dropped. */
  private asked = 0;
  private cancelPause: (() => void) | null = null;

  constructor(
    private readonly request: SearchRequest,
    private readonly schedule: Schedule = realSchedule,
  ) {
    super(INITIAL);
  }

  /** Opens the panel; with a query (and filters), searches for it at once. */
  open(query?: string, filters?: Partial<SearchFilters>): void {
    const s = this.getState();
    this.setState({
      ...s,
      open: true,
      openCount: s.openCount + 1,
      ...(query !== undefined ? { query } : {}),
      ...(filters ? { filters: { ...NO_FILTERS, ...filters } } : {}),
    });
    if (query !== undefined || filters) void this.run();
  }

  close(): void {
    this.pause(null);
    if (this.getState().open) this.setState({ ...this.getState(), open: false });
  }

  setQuery(query: string): void {
    if (query === this.getState().query) return;
    this.setState({ ...this.getState(), query });
    this.pause(this.schedule(() => void this.run(), TYPING_PAUSE_MS));
  }

  setFilters(change: Partial<SearchFilters>): void {
    this.setState({ ...this.getState(), filters: { ...this.getState().filters, ...change } });
    void this.run();
  }

  clearFilters(): void {
    this.setFilters(NO_FILTERS);
  }

  /** Enter, Retry: the search runs now. */
  submit(): Promise<void> {
    return this.run();
  }

  /** The next page, after the hits shown. */
  async loadMore(): Promise<void> {
    const s = this.getState();
    if (s.status !== 'ready' || !s.nextCursor || s.loadingMore) return;
    const id = this.asked;
    this.setState({ ...s, loadingMore: true });
    try {
      const page = await this.request(searchParams(s.searched, s.filters, s.nextCursor));
      if (id !== this.asked) return;
      const seen = new Set(this.getState().hits.map((h) => h.message.id));
      this.update((cur) => ({
        ...cur,
        hits: [...cur.hits, ...page.hits.filter((h) => !seen.has(h.message.id))],
        nextCursor: page.nextCursor,
        loadingMore: false,
      }));
    } catch (err) {
      if (id !== this.asked) return;
      this.update((cur) => ({ ...cur, loadingMore: false, status: 'error', error: errorText(err) }));
    }
  }

  /** Forgets everything (the person signed out). */
  reset(): void {
    this.pause(null);
    this.asked += 1;
    this.setState({ ...INITIAL, openCount: this.getState().openCount });
  }

  private pause(cancel: (() => void) | null): void {
    this.cancelPause?.();
    this.cancelPause = cancel;
  }

  private async run(): Promise<void> {
    this.pause(null);
    const id = ++this.asked;
    const { query, filters } = this.getState();
    const q = query.trim();
    if (!q) {
      this.update((s) => ({ ...s, status: 'idle', searched: '', hits: [], nextCursor: null, loadingMore: false, error: null }));
      return;
    }
    let params: SearchMessagesParams;
    try {
      params = searchParams(q, filters);
    } catch (err) {
      this.update((s) => ({ ...s, status: 'error', error: errorText(err), hits: [], nextCursor: null, loadingMore: false }));
      return;
    }
    this.update((s) => ({ ...s, status: 'loading', error: null, loadingMore: false }));
    try {
      const page = await this.request(params);
      if (id !== this.asked) return;
      this.update((s) => ({ ...s, status: 'ready', searched: q, hits: page.hits, nextCursor: page.nextCursor, error: null }));
    } catch (err) {
      if (id !== this.asked) return;
      this.update((s) => ({ ...s, status: 'error', error: errorText(err), hits: [], nextCursor: null }));
    }
  }
}
