import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSchema } from '@datapark/events';
import {
  checkContracts,
  checkRule,
  ContractPublishError,
  CONTRACTS,
  CONTRACTS_DIR,
  describeViolation,
  findContract,
  PageViewV2,
  publishContracts,
  publishedFile,
  readPublished,
  resolveVersion,
  sampleEvents,
  TOPIC_CATALOG,
  TOPIC_NAMES,
} from '@datapark/events';

type Schema = Record<string, unknown> & { properties: Record<string, Schema> };

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'contracts-'));
  cpSync(CONTRACTS_DIR, scratch, { recursive: true });
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const published = (subject: string, version: number, dir = CONTRACTS_DIR) =>
  JSON.parse(readFileSync(publishedFile(subject, version, dir), 'utf8')) as Schema;

describe('the published contracts', () => {
  it('hold every version of every event type, unchanged, within its rule (the CI gate; fix with npx nx run events:export-schemas)', () => {
    const check = checkContracts();
    expect(check.problems.map((p) => p.message)).toEqual([]);
    // Four topics, 19 event types; page_view has two versions (more once you add some).
    expect(check.subjects).toBeGreaterThanOrEqual(19);
    expect(check.versions).toBe(CONTRACTS.reduce((n, c) => n + c.versions.length, 0));
    expect(check.versions).toBeGreaterThan(check.subjects);
    expect([...readPublished().keys()].sort()).toEqual(CONTRACTS.map((c) => c.subject).sort());
  });

  it('name each subject <topic>-<event_type> and give every topic BACKWARD_TRANSITIVE', () => {
    expect(findContract('clickstream-page_view')?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(findContract('order-events-order_placed')?.versions.map((v) => v.version)).toEqual([1]);
    for (const topic of TOPIC_NAMES)
      expect(TOPIC_CATALOG[topic].compatibility).toBe('BACKWARD_TRANSITIVE');
  });

  it('evolve page_view with an optional device in v2: every v1 page view is a valid v2 one, and v2 may carry the field', () => {
    const v2 = published('clickstream-page_view', 2);
    expect(v2.properties.payload!.properties.device).toEqual({
      type: 'string',
      enum: ['desktop', 'mobile', 'tablet'],
    });
    expect(v2.properties.payload!.required).not.toContain('device');
    const v1Event = sampleEvents.click();
    expect(PageViewV2.safeParse({ ...v1Event, schema_version: 2 }).success).toBe(true);
    expect(
      PageViewV2.safeParse({
        ...v1Event,
        schema_version: 2,
        payload: { ...v1Event.payload, device: 'mobile' },
      }).success,
    ).toBe(true);
  });

  it('refuse a version that removes a required field or changes a type, naming the subject, the field and the rule', () => {
    const v2 = published('clickstream-page_view', 2);
    const payload = v2.properties.payload!;
    const { page: _page, ...withoutPage } = payload.properties;
    const v3 = {
      ...v2,
      properties: {
        ...v2.properties,
        payload: {
          ...payload,
          properties: { ...withoutPage, referrer: { type: 'integer' } },
          required: (payload.required as string[]).filter((f) => f !== 'page'),
        },
      },
    };
    const violations = checkRule('clickstream-page_view', 'BACKWARD_TRANSITIVE', [
      { version: 1, schema: published('clickstream-page_view', 1) },
      { version: 2, schema: v2 },
      { version: 3, schema: v3 as JsonSchema },
    ]);
    // Transitive: v3 is checked against v1 and v2.
    expect(violations.map((v) => [v.readerVersion, v.writerVersion])).toEqual([
      [3, 1],
      [3, 2],
    ]);
    const lines = describeViolation(violations[1]!).split('\n');
    expect(lines).toEqual([
      'clickstream-page_view: v3 breaks BACKWARD_TRANSITIVE: a v3 reader refuses v2 records: payload.page: FIELD_REMOVED (a required field was removed from a closed model: records that carry it would be refused)',
      // referrer was string or null: each of the writer's types is refused on its own.
      'clickstream-page_view: v3 breaks BACKWARD_TRANSITIVE: a v3 reader refuses v2 records: payload.referrer: TYPE_CHANGED (type changed from string to integer)',
      'clickstream-page_view: v3 breaks BACKWARD_TRANSITIVE: a v3 reader refuses v2 records: payload.referrer: TYPE_CHANGED (type changed from null to integer)',
    ]);
  });

  it('find an edited, an unpublished and a withdrawn version, each with its fix', () => {
    const v1 = publishedFile('clickstream-page_view', 1, scratch);
    const edited = published('clickstream-page_view', 1, scratch);
    edited.properties.payload!.properties.page = { type: 'string' } as unknown as Schema;
    writeFileSync(v1, JSON.stringify(edited));
    rmSync(publishedFile('clickstream-page_view', 2, scratch));
    writeFileSync(publishedFile('order-events-order_paid', 2, scratch), '{}');
    const problems = checkContracts(scratch).problems;
    // In catalog order: order-events comes before clickstream.
    expect(problems.map((p) => [p.kind, p.subject])).toEqual([
      ['WITHDRAWN', 'order-events-order_paid'],
      ['EDITED', 'clickstream-page_view'],
      ['UNPUBLISHED', 'clickstream-page_view'],
    ]);
    expect(problems[0]!.message).toMatch(/records of it may still be in Kafka, so it stays/);
    expect(problems[1]!.message).toMatch(/never changes: revert the edit and add version 3/);
    expect(problems[2]!.message).toMatch(/run npx nx run events:export-schemas and commit/);
  });

  it('publish only what is missing, and refuse to rewrite a published version', () => {
    rmSync(publishedFile('clickstream-page_view', 2, scratch));
    expect(publishContracts(scratch)).toEqual([publishedFile('clickstream-page_view', 2, scratch)]);
    expect(publishContracts(scratch)).toEqual([]);
    expect(checkContracts(scratch).problems).toEqual([]);

    const file = publishedFile('customer-events-customer_deleted', 1, scratch);
    writeFileSync(
      file,
      JSON.stringify({ ...published('customer-events-customer_deleted', 1), title: 'x' }),
    );
    const before = readFileSync(file, 'utf8');
    expect(() => publishContracts(scratch)).toThrow(ContractPublishError);
    expect(() => publishContracts(scratch)).toThrow(
      /customer-events-customer_deleted v1 is published .* a published version never changes/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('resolveVersion', () => {
  it('finds a published version by event type or by subject', () => {
    const byType = resolveVersion('clickstream', { eventType: 'page_view', version: 2 });
    expect(byType.kind === 'known' && byType.contract.subject).toBe('clickstream-page_view');
    const bySubject = resolveVersion('clickstream', {
      subject: 'clickstream-page_view',
      version: 1,
    });
    expect(bySubject.kind).toBe('known');
  });

  it('names an unknown version, the published ones and the fix', () => {
    const found = resolveVersion('clickstream', { eventType: 'page_view', version: 3 });
    expect(found.kind).toBe('unknown-version');
    expect(found.kind === 'unknown-version' && found.reason).toMatch(
      /^unknown schema version 3 of clickstream-page_view \(published: 1, 2\).*replay the DLQ/,
    );
  });

  it('refuses a subject of another topic', () => {
    const found = resolveVersion('clickstream', { subject: 'order-events-order_paid', version: 1 });
    expect(found).toEqual({
      kind: 'unknown-subject',
      reason: 'unknown subject order-events-order_paid on topic clickstream',
    });
  });
});
