import { randomUUID } from 'node:crypto';
import type { EventAt, EventOf, LatestVersionOf, VersionOf } from '@datapark/events';
import { buildEvent } from '@datapark/events';

/** A consumer of the new field: it takes version 2 page views only. */
function deviceOf(event: EventAt<'clickstream', 'page_view', 2>): string {
  return event.payload.device ?? 'unknown';
}

const v1Payload = () => ({
  session_id: randomUUID(),
  customer_id: null,
  page: '/',
  referrer: null,
});

describe('the TypeScript types of versioned events (the typecheck target fails if an @ts-expect-error line compiles)', () => {
  it('build the newest version unless told otherwise, with that version in the type', () => {
    const latest = buildEvent('clickstream', 'page_view', { ...v1Payload(), device: 'tablet' });
    const pinned = buildEvent('clickstream', 'page_view', v1Payload(), { version: 1 });
    const two: VersionOf<'clickstream', 'page_view'> = 2;
    const newest: LatestVersionOf<'clickstream', 'page_view'> = 2;
    expect([latest.schema_version, pinned.schema_version, two, newest]).toEqual([2, 1, 2, 2]);
    expect(deviceOf(latest)).toBe('tablet');
  });

  it('refuse a version-1 page view where version 2 is required', () => {
    const v1 = buildEvent('clickstream', 'page_view', v1Payload(), { version: 1 });
    // @ts-expect-error a version-1 page view is not a version-2 one
    const wrong = () => deviceOf(v1);
    const extraField = () =>
      // @ts-expect-error version 1 has no device field
      buildEvent('clickstream', 'page_view', { ...v1Payload(), device: 'mobile' }, { version: 1 });
    // @ts-expect-error page_view has no version 3
    const three: VersionOf<'clickstream', 'page_view'> = 3;
    expect([typeof wrong, three]).toEqual(['function', 3]);
    // And at run time the schema refuses what the type refused.
    expect(extraField).toThrow(
      /^the event for topic clickstream does not match its schema: payload: Unrecognized key: "device"$/,
    );
  });

  it('keep every version in the topic type, so a reader handles both', () => {
    const describe = (event: EventOf<'clickstream'>) =>
      event.event_type === 'page_view' && event.schema_version === 2
        ? `v2 from ${event.payload.device ?? 'an unknown device'}`
        : `${event.event_type} v${event.schema_version}`;
    expect(describe(buildEvent('clickstream', 'page_view', v1Payload(), { version: 1 }))).toBe(
      'page_view v1',
    );
    expect(
      describe(buildEvent('clickstream', 'page_view', { ...v1Payload(), device: 'mobile' })),
    ).toBe('v2 from mobile');
  });
});
