import type { ViewRow } from '../src/lessons/12-streaming.js';
import {
  BURST,
  burstEvents,
  burstTotals,
  compareViews,
  markerPage,
  windowOf,
} from '../src/lessons/12-streaming.js';

// Lesson 12's burst and its comparison, without a platform: what the checker produces, and
// what it says of the learner's rows for the burst's pages.
const TABLE = 'lab.lesson12_page_views';
const RUN = '0badcafe';
const AT = '2026-12-05T12:34:56.789Z';
const row = (page: string, views: number, start = '2026-12-05T12:34:00.000Z'): ViewRow => ({
  window_start: start,
  window_end: new Date(Date.parse(start) + 60_000).toISOString(),
  page: markerPage(RUN, page),
  views,
});

describe('lesson 12: the burst', () => {
  it('each half holds its page views of the marker pages and events without a page, all at one instant (buildEvent validated each)', () => {
    const events = burstEvents(RUN, BURST.first, AT, 'lab/lesson-12/x');
    const views = events.filter((e) => e.event_type === 'page_view');
    expect(views).toHaveLength(12 + 8 + 4);
    expect(events).toHaveLength(24 + BURST.others);
    expect(new Set(events.map((e) => e.occurred_at))).toEqual(new Set([AT]));
    expect(new Set(views.map((e) => (e.payload as { page: string }).page))).toEqual(
      new Set(['/lesson-12/0badcafe/a', '/lesson-12/0badcafe/b', '/lesson-12/0badcafe/c']),
    );
    expect(burstTotals()).toEqual({ a: 18, b: 12, c: 6 });
  });

  it('the window of an instant is its minute', () => {
    expect(windowOf(AT)).toEqual({
      start: '2026-12-05T12:34:00.000Z',
      end: '2026-12-05T12:35:00.000Z',
    });
  });
});

describe('lesson 12: the learner’s rows against the burst', () => {
  it('passes one row per page in the burst’s window with the totals', () => {
    expect(compareViews(TABLE, RUN, [row('a', 18), row('b', 12), row('c', 6)], AT)).toEqual({
      name: `${TABLE} holds the burst's page views per window and page`,
      passed: true,
      detail: '3 pages, 36 views in the window 12:34, each count right',
    });
  });

  it('the typical mistake, appending each batch’s totals, is named with the rows and the fix', () => {
    const item = compareViews(
      TABLE,
      RUN,
      [row('a', 12), row('a', 18), row('b', 8), row('b', 12), row('c', 4), row('c', 6)],
      AT,
    );
    expect(item.passed).toBe(false);
    expect(item.detail).toBe(
      '3 window and page pairs have more than one row (/lesson-12/0badcafe/a: 12 and 18)',
    );
    expect(item.pointer).toContain('ON CONFLICT … DO UPDATE');
  });

  it('counts that missed the second half, or a page missing, say which page and how many', () => {
    const item = compareViews(TABLE, RUN, [row('a', 12), row('b', 8)], AT);
    expect(item.detail).toBe(
      '/lesson-12/0badcafe/a: 12 views, the burst had 18; /lesson-12/0badcafe/b: 8 views, the burst had 12; /lesson-12/0badcafe/c: no row',
    );
    expect(item.pointer).toMatch(/only page_view events have a page/);
  });

  it('rows in another window than the events’ minute point at the window of ts', () => {
    const item = compareViews(
      TABLE,
      RUN,
      ['a', 'b', 'c'].map((p, i) => row(p, [18, 12, 6][i]!, '2026-12-05T12:30:00.000Z')),
      AT,
    );
    expect(item.passed).toBe(false);
    expect(item.detail).toMatch(
      /^the burst's events all occurred at .*; your rows put them in 2026-12-05T12:30:00.000Z$/,
    );
    expect(item.pointer).toContain('F.window("ts", "1 minute")');
  });
});
