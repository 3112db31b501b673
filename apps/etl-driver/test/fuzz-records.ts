import { randomUUID } from 'node:crypto';
import type { TopicName } from '@datapark/events';
import { TOPIC_CATALOG } from '@datapark/events';
import { validEvents } from './fixtures.js';

/**
 * Records for the ingest fuzz test: valid events full of hostile (but storable) text, and
 * invalid records of every kind ingest must dead-letter, each with what ingest should do with
 * it. Choices come from a seeded PRNG so a seed repeats a run's content; ids and keys come from
 * randomUUID, because `raw` keeps earlier runs' rows and a repeated event id would look doubled.
 */

type Json = Record<string, unknown>;

/** Kafka's default max message size is about 1 MB; a record stays well under it. */
export const MAX_RECORD_BYTES = 900_000;

/** mulberry32: tiny, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

export type Random = ReturnType<typeof seededRandom>;

// Pieces of hostile text. Every piece is well-formed UTF-16 without U+0000, so any
// concatenation of them passes `Text`; PostgreSQL must store and return it unchanged.
const HOSTILE_PIECES: readonly string[] = [
  // Bidirectional controls: right-to-left mark and override, isolates.
  '\u200F',
  '\u202E',
  '\u202B',
  '\u2066',
  '\u2069',
  '\u200E',
  // Astral characters, as surrogate pairs: emoji, a ZWJ family, a flag, math, CJK extension B,
  // a tag character, the last code point.
  '😀',
  '👩‍👩‍👧‍👦',
  '🇩🇪',
  '🏳️‍🌈',
  '𝕏',
  '𠜎',
  '\u{1D11E}',
  '\u{E0041}',
  '\u{10FFFF}',
  // Combining characters, alone, stacked, and at the start of a string.
  'e\u0301',
  '\u0301',
  'Z\u0324\u0344\u0342',
  `a${'\u0300\u0301\u0302\u0303\u0304\u0305'.repeat(6)}`,
  '\u094D',
  '\u20DD',
  // SQL and COPY: quotes, comments, backslashes, COPY's NULL marker and end-of-data marker,
  // its escapes as text, and the characters it escapes.
  "'; DROP TABLE raw.x; --",
  "' OR '1'='1",
  '$$; SELECT 1; $$',
  '\\',
  '\\\\',
  '\\N',
  '\\.',
  '\n\\.\n',
  '\\t\\n\\r',
  "E'\\x00'",
  '\t',
  '\n',
  '\r',
  '\r\n',
  // JSON: quotes, braces, escapes that are only ASCII text here.
  '"',
  '\\"',
  '{',
  '}',
  '[]',
  '{"a":1}',
  '","event_type":"x',
  '\\u0000',
  '\\ud800',
  '\\\\u0000',
  '</script>',
  'null',
  // Other control and special characters: C0/C1 controls, line and paragraph separators,
  // BOM, replacement character, noncharacters.
  '\u0001',
  '\u001F',
  '\u007F',
  '\u0085',
  '\u2028',
  '\u2029',
  '\uFEFF',
  '\uFFFD',
  '\uFFFF',
  '\u00A0',
  'ß',
  'İ',
  'ǅ',
];

/** Values that are dangerous alone: COPY's NULL marker, its end of data, a lone backslash. */
const HOSTILE_WHOLE: readonly string[] = ['\\N', '\\.', '\\', 'NULL', ' ', '\t', '\u202E', '"'];

const WORDS = ['cup', 'Grace', 'Hopper', 'Arlington', 'x', 'order', '42'];

/** A short hostile string, well-formed and without U+0000, so `Text` accepts it. */
export function hostileText(random: Random): string {
  if (random.chance(0.15)) return random.pick(HOSTILE_WHOLE);
  let text = '';
  const pieces = 1 + random.int(10);
  for (let i = 0; i < pieces; i++)
    text += random.chance(0.3) ? random.pick(WORDS) : random.pick(HOSTILE_PIECES);
  return text;
}

/** Hostile text of about `bytes` UTF-8 bytes. */
function hostileTextOfSize(random: Random, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const piece = random.pick(HOSTILE_PIECES);
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  return parts.join('');
}

/** Free-text (`Text`) fields of each event type's payload; `producer` is one in every envelope. */
const FREE_TEXT: Readonly<Record<string, readonly string[]>> = {
  customer_registered: ['first_name', 'last_name', 'city'],
  product_created: ['sku', 'name', 'category'],
  order_placed: [],
  order_shipped: ['carrier', 'tracking_number'],
  page_view: ['page', 'referrer'],
  search: ['query'],
};

/** `producer` is an envelope column of its own in `raw`; every other field is in `payload`. */
export const ENVELOPE_TEXT = 'producer';

/** A valid event of the topic from @datapark/events' samples, of one of a few event types. */
function sampleEvent(topic: TopicName, random: Random): Json {
  const event: Json = { ...validEvents(topic, 1)[0]! };
  const payload = event.payload as Json;
  if (topic === 'order-events' && random.chance(0.5))
    return {
      ...event,
      event_type: 'order_shipped',
      payload: {
        order_id: payload.order_id,
        customer_id: payload.customer_id,
        carrier: 'DHL',
        tracking_number: 'JJD000',
      },
    };
  if (topic === 'clickstream' && random.chance(0.4))
    return {
      ...event,
      event_type: 'search',
      payload: {
        session_id: payload.session_id,
        customer_id: null,
        query: 'cups',
        results_count: 3,
      },
    };
  return event;
}

export interface HostileField {
  /** `producer` (the envelope column) or a top-level payload field. */
  readonly field: string;
  readonly text: string;
}

const textFieldsOf = (event: Json) => [ENVELOPE_TEXT, ...FREE_TEXT[event.event_type as string]!];

/** Returns `event` with `field` set to `value`, in the envelope or the payload. */
function withField(event: Json, field: string, value: unknown): Json {
  if (field === ENVELOPE_TEXT) return { ...event, [field]: value };
  return { ...event, payload: { ...(event.payload as Json), [field]: value } };
}

const fieldOf = (event: Json, field: string): unknown =>
  field === ENVELOPE_TEXT ? event[field] : (event.payload as Json)[field];

/** A sample event with some of its free-text fields (at least one) replaced by hostile text. */
function hostileEvent(topic: TopicName, random: Random): { event: Json; hostile: HostileField[] } {
  let event = sampleEvent(topic, random);
  const fields = textFieldsOf(event);
  const chosen = fields.filter(() => random.chance(0.6));
  if (chosen.length === 0) chosen.push(random.pick(fields));
  const hostile = chosen.map((field) => {
    // A page is a path: it must start with '/'.
    const text = (field === 'page' ? '/' : '') + hostileText(random);
    event = withField(event, field, text);
    return { field, text };
  });
  return { event, hostile };
}

/** What ingest must do with a record: land it in `raw`, or dead-letter it with a reason. */
export type FuzzRecord =
  | {
      readonly valid: true;
      readonly kind: string;
      readonly key: string;
      readonly value: Buffer;
      readonly event: Json;
      readonly eventId: string;
      readonly hostile: readonly HostileField[];
    }
  | {
      readonly valid: false;
      readonly kind: string;
      readonly key: string;
      readonly value: Buffer | null;
      /** The event id it carries, when it has one: it must not be in `raw` either. */
      readonly eventId?: string;
      readonly reason: RegExp;
      /** The SQLSTATE in `dlq-error-code`, for rows PostgreSQL refused. */
      readonly code?: string;
    };

const SCHEMA = /^schema: /;
const HUGE = 'huge, breaks the schema';
const NOT_JSON = /^not JSON/;

/** How `decodeRecord` sees a value: not JSON, JSON the schema refuses, or a valid event. */
function verdict(
  topic: TopicName,
  value: Buffer | null,
): 'empty' | 'not UTF-8' | 'not JSON' | 'schema' | 'ok' {
  if (value === null) return 'empty';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return 'not UTF-8';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  return TOPIC_CATALOG[topic].schema.safeParse(parsed).success ? 'ok' : 'schema';
}

function validRecord(topic: TopicName, kind: string, event: Json, hostile: HostileField[]) {
  const value = Buffer.from(JSON.stringify(event));
  const record: FuzzRecord = {
    valid: true,
    kind,
    key: (event.payload as Json)[TOPIC_CATALOG[topic].key] as string,
    value,
    event,
    eventId: event.event_id as string,
    hostile,
  };
  return checked(topic, record, 'ok');
}

/** Throws when the generator's own expectation is wrong, before anything is produced. */
function checked(
  topic: TopicName,
  record: FuzzRecord,
  expected: ReturnType<typeof verdict>,
): FuzzRecord {
  const size = Buffer.byteLength(record.key) + (record.value?.length ?? 0);
  const actual = verdict(topic, record.value);
  if (actual !== expected || size >= MAX_RECORD_BYTES)
    throw new Error(
      `fuzz generator: ${topic} ${record.kind} (${size} bytes) decodes as ${actual}, meant ${expected}` +
        ` (${record.value?.toString('utf8').slice(0, 300)})`,
    );
  return record;
}

/** A valid event whose hostile text field holds several hundred kB. */
function hugeValid(topic: TopicName, random: Random): FuzzRecord {
  const { event, hostile } = hostileEvent(topic, random);
  const field = random.pick(textFieldsOf(event));
  let text =
    (field === 'page' ? '/' : '') + hostileTextOfSize(random, 300_000 + random.int(300_000));
  // JSON escapes (\u0001 is six bytes) can grow the value: trim it under the limit.
  while (
    Buffer.byteLength(JSON.stringify(withField(event, field, text))) >
    MAX_RECORD_BYTES - 60_000
  )
    text = text.slice(0, Math.floor(text.length * 0.9)).replace(/[\uD800-\uDBFF]$/, '');
  const big = withField(event, field, text);
  return validRecord(topic, 'valid, several hundred kB', big, [
    ...hostile.filter((h) => h.field !== field),
    { field, text },
  ]);
}

function invalid(
  topic: TopicName,
  kind: string,
  value: Buffer | string | null,
  expected: { reason: RegExp; code?: string; eventId?: string },
  decodesAs: ReturnType<typeof verdict>,
): FuzzRecord {
  const record: FuzzRecord = {
    valid: false,
    kind,
    key: randomUUID(),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    ...expected,
  };
  return checked(topic, record, decodesAs);
}

/** Inserts `bad` at a random place of a random free-text field. */
function spoilText(event: Json, random: Random, bad: string): Json {
  const field = random.pick(textFieldsOf(event));
  const text = String(fieldOf(event, field) ?? '');
  // Never between the halves of a surrogate pair: the point is one bad character, not two.
  let at = random.int(text.length + 1);
  if (/[\uDC00-\uDFFF]/.test(text[at] ?? '')) at--;
  return withField(event, field, text.slice(0, at) + bad + text.slice(at));
}

/** A numeric field of the event, to send as a string. */
function withStringNumber(event: Json): Json {
  const payload = event.payload as Json;
  if (typeof payload.stock === 'number') return withField(event, 'stock', String(payload.stock));
  if (typeof payload.results_count === 'number')
    return withField(event, 'results_count', String(payload.results_count));
  if (Array.isArray(payload.items)) {
    const [first, ...rest] = payload.items as Json[];
    return withField(event, 'items', [{ ...first, quantity: String(first!.quantity) }, ...rest]);
  }
  return { ...event, schema_version: String(event.schema_version) };
}

/**
 * Every kind of invalid record, built on a hostile valid event: how it is made, and what ingest
 * must say about it.
 */
const INVALID_KINDS: Readonly<
  Record<string, (topic: TopicName, random: Random, event: Json) => FuzzRecord>
> = {
  'NUL in a text field': (topic, random, event) =>
    invalid(
      topic,
      'NUL in a text field',
      JSON.stringify(spoilText(event, random, '\u0000')),
      {
        reason: SCHEMA,
        eventId: event.event_id as string,
      },
      'schema',
    ),
  'unpaired surrogate': (topic, random, event) =>
    invalid(
      topic,
      'unpaired surrogate',
      // JSON.stringify writes a lone surrogate as a \uXXXX escape: JSON.parse gives it back.
      JSON.stringify(
        spoilText(
          event,
          random,
          random.pick(['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDE00\uD83D']),
        ),
      ),
      { reason: SCHEMA, eventId: event.event_id as string },
      'schema',
    ),
  'truncated JSON': (topic, random, event) => {
    const json = JSON.stringify(event);
    return invalid(
      topic,
      'truncated JSON',
      json.slice(0, 1 + random.int(json.length - 1)),
      {
        reason: NOT_JSON,
      },
      'not JSON',
    );
  },
  'number for a string': (topic, random, event) =>
    invalid(
      topic,
      'number for a string',
      JSON.stringify(withField(event, random.pick(textFieldsOf(event)), random.int(1_000_000))),
      { reason: SCHEMA, eventId: event.event_id as string },
      'schema',
    ),
  'string for a number': (topic, _random, event) =>
    invalid(
      topic,
      'string for a number',
      JSON.stringify(withStringNumber(event)),
      {
        reason: SCHEMA,
        eventId: event.event_id as string,
      },
      'schema',
    ),
  'unknown event_type': (topic, random, event) =>
    invalid(
      topic,
      'unknown event_type',
      JSON.stringify({
        ...event,
        event_type: random.pick(['customer_teleported', '', 'ORDER_PLACED', hostileText(random)]),
      }),
      { reason: SCHEMA, eventId: event.event_id as string },
      'schema',
    ),
  'extra field': (topic, random, event) => {
    const name = random.chance(0.5) ? 'extra' : hostileText(random);
    const spoiled = random.chance(0.5)
      ? { ...event, [name]: hostileText(random) }
      : { ...event, payload: { ...(event.payload as Json), [name]: true } };
    return invalid(
      topic,
      'extra field',
      JSON.stringify(spoiled),
      {
        reason: SCHEMA,
        eventId: event.event_id as string,
      },
      'schema',
    );
  },
  'JSON that is no object': (topic, random, event) =>
    invalid(
      topic,
      'JSON that is no object',
      random.pick([
        JSON.stringify(hostileText(random)),
        '[1,2,3]',
        JSON.stringify([event]),
        'null',
        '42',
        'true',
      ]),
      { reason: SCHEMA },
      'schema',
    ),
  'no value (null)': (topic) =>
    invalid(topic, 'no value (null)', null, { reason: /^empty record/ }, 'empty'),
  'empty value': (topic) => invalid(topic, 'empty value', '', { reason: NOT_JSON }, 'not JSON'),
  // A stray 0xFF inside a free-text string: valid JSON around bytes no UTF-8 text holds. Decoded
  // leniently it would land with U+FFFD in place of what was sent.
  'invalid UTF-8': (topic, random, event) => {
    const marker = `~${randomUUID()}~`;
    const json = Buffer.from(JSON.stringify(spoilText(event, random, marker)));
    const at = json.indexOf(marker);
    return invalid(
      topic,
      'invalid UTF-8',
      Buffer.concat([json.subarray(0, at), Buffer.from([0xff]), json.subarray(at + marker.length)]),
      { reason: /^not UTF-8/, eventId: String(event.event_id) },
      'not UTF-8',
    );
  },
  'huge, breaks the schema': (topic, random, event) => {
    const spoil = random.pick([
      (blob: string) => ({ ...event, blob }),
      (blob: string) => withField(event, 'unexpected', blob),
      (blob: string) => ({ ...event, event_type: blob }),
      (blob: string) =>
        withField(event, random.pick(textFieldsOf(event)), Array(blob.length).fill(7)),
    ]);
    let blob = hostileTextOfSize(random, 800_000);
    // JSON escapes (\u0001 is six bytes) grow it: trim the blob until the record fits.
    while (Buffer.byteLength(JSON.stringify(spoil(blob))) > MAX_RECORD_BYTES - 60_000)
      blob = blob.slice(0, Math.floor(blob.length * 0.95)).replace(/[\uD800-\uDBFF]$/, '');
    return invalid(
      topic,
      HUGE,
      JSON.stringify(spoil(blob)),
      {
        reason: SCHEMA,
        eventId: event.event_id as string,
      },
      'schema',
    );
  },
  // No contract publishes the version (it would be out of PostgreSQL's integer range too).
  'schema_version out of integer range': (topic, _random, event) =>
    invalid(
      topic,
      'schema_version out of integer range',
      JSON.stringify({ ...event, schema_version: 3_000_000_000 }),
      {
        reason: /^unknown schema version 3000000000 of /,
        code: 'UNKNOWN_SCHEMA_VERSION',
        eventId: event.event_id as string,
      },
      'schema',
    ),
  // The schema accepts these; PostgreSQL refuses them.
  'year 0': (topic, _random, event) =>
    invalid(
      topic,
      'year 0',
      JSON.stringify({ ...event, occurred_at: '0000-01-01T00:00:00Z' }),
      {
        reason: /^PostgreSQL refused it: 22008 /,
        code: '22008',
        eventId: event.event_id as string,
      },
      'ok',
    ),
  // The schema allows offsets to ±23:59; PostgreSQL's timestamptz stops at ±15:59.
  'time zone offset beyond ±15:59': (topic, random, event) =>
    invalid(
      topic,
      'time zone offset beyond ±15:59',
      JSON.stringify({
        ...event,
        occurred_at: `2024-06-01T12:00:00${random.pick(['+', '-'])}${16 + random.int(8)}:${random.pick(['00', '30', '59'])}`,
      }),
      {
        reason: /^PostgreSQL refused it: 22009 /,
        code: '22009',
        eventId: event.event_id as string,
      },
      'ok',
    ),
};

const SMALL_INVALID_KINDS = Object.keys(INVALID_KINDS).filter((k) => k !== HUGE);

/**
 * `count` records for `topic`, shuffled: one of every invalid kind and one several-hundred-kB
 * valid event at least, the rest about three valid events to one invalid record.
 */
export function fuzzRecords(topic: TopicName, random: Random, count: number): FuzzRecord[] {
  const records: FuzzRecord[] = [hugeValid(topic, random)];
  const add = (kind: string) =>
    records.push(INVALID_KINDS[kind]!(topic, random, hostileEvent(topic, random).event));
  for (const kind of Object.keys(INVALID_KINDS)) add(kind);
  while (records.length < count) {
    if (random.chance(0.25)) add(random.pick(SMALL_INVALID_KINDS));
    else {
      const { event, hostile } = hostileEvent(topic, random);
      records.push(validRecord(topic, 'valid', event, hostile));
    }
  }
  return random.shuffle(records);
}
