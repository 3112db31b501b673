import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  eventSchema,
  IncompatibleSchemaError,
  jsonSchemaOf,
  registerSchema,
  Search,
  setSubjectCompatibility,
  subjectCompatibility,
  subjectVersions,
} from '@datapark/events';

// A registry in a folder (lesson 9's): what Confluent's registry answers to a new version,
// decided by the same rules as the repository's contracts.
const SUBJECT = 'lab-clickstream-search';
const payload = Search.shape.payload;
const v1 = jsonSchemaOf(Search);
const withOptional = jsonSchemaOf(
  eventSchema('search', payload.extend({ page: z.number().int().optional() }).strict(), 2),
);
const withRequired = jsonSchemaOf(
  eventSchema('search', payload.extend({ page: z.number().int() }).strict(), 2),
);

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'registry-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a folder registry', () => {
  it('registers a first version, and the same schema again as that version', () => {
    expect(registerSchema(dir, SUBJECT, v1)).toEqual({
      subject: SUBJECT,
      version: 1,
      file: join(dir, SUBJECT, 'v1.json'),
      created: true,
    });
    expect(registerSchema(dir, SUBJECT, v1)).toMatchObject({ version: 1, created: false });
    expect(subjectVersions(dir, SUBJECT).map((v) => v.version)).toEqual([1]);
  });

  it('takes an optional new field as version 2 under BACKWARD_TRANSITIVE (its default)', () => {
    registerSchema(dir, SUBJECT, v1);
    expect(subjectCompatibility(dir, SUBJECT)).toBe('BACKWARD_TRANSITIVE');
    expect(registerSchema(dir, SUBJECT, withOptional)).toMatchObject({ version: 2, created: true });
    expect(subjectVersions(dir, SUBJECT).map((v) => v.version)).toEqual([1, 2]);
    // Any version the subject has, not only the latest, is found again (as Confluent's).
    expect(registerSchema(dir, SUBJECT, v1)).toMatchObject({ version: 1, created: false });
  });

  it('refuses a required new field, naming the field and the rule, and writes nothing', () => {
    registerSchema(dir, SUBJECT, v1);
    let refused: unknown;
    try {
      registerSchema(dir, SUBJECT, withRequired);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(IncompatibleSchemaError);
    expect((refused as Error).message).toBe(
      `${SUBJECT}: refused:\n${SUBJECT}: v2 breaks BACKWARD_TRANSITIVE: a v2 reader refuses v1 records: payload.page: REQUIRED_FIELD_ADDED (a new required field: records written before it lack it)`,
    );
    expect((refused as IncompatibleSchemaError).code).toBe('INCOMPATIBLE_SCHEMA');
    expect(readdirSync(join(dir, SUBJECT))).toEqual(['v1.json']);
  });

  it('checks against every earlier version under a transitive rule, and not under NONE', () => {
    registerSchema(dir, SUBJECT, v1);
    registerSchema(dir, SUBJECT, withOptional);
    // v3 drops the optional field again: v2 records carry it, so a v3 reader refuses them.
    const v3 = jsonSchemaOf(eventSchema('search', payload, 3));
    expect(() => registerSchema(dir, SUBJECT, v3)).toThrow(
      /v3 breaks BACKWARD_TRANSITIVE: a v3 reader refuses v2 records: payload\.page: FIELD_REMOVED/,
    );
    setSubjectCompatibility(dir, SUBJECT, 'NONE');
    expect(registerSchema(dir, SUBJECT, v3)).toMatchObject({ version: 3, created: true });
    expect(existsSync(join(dir, SUBJECT, 'compatibility.json'))).toBe(true);
  });
});
