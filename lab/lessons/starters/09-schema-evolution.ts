/**
 * Lesson 9: evolve an event contract the way a schema registry allows, and register it.
 * The page: docs/lessons/09-schema-evolution.md. Run it: node lab/lessons/09-schema-evolution.ts
 * Check it: datapark lesson check 9 (the checker runs this script itself, then reads the registry).
 *
 * This is your copy (git ignores it). Fill in the two TODOs, in order.
 */
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import {
  Device,
  eventSchema,
  jsonSchemaOf,
  registerSchema,
  Search,
  subjectVersions,
  Text,
} from '@datapark/events';

/** Your subject in the lab's registry: `datapark lesson start 9` registered version 1 there. */
const SUBJECT = 'lab-clickstream-search';
/** The lab's registry: a folder of subjects in the platform's state directory. */
const REGISTRY = join(loadConfig().stateDir, 'lessons', 'registry');

// Version 1, as the shop's search events are today: the envelope, and a payload of
// session_id, customer_id, query and results_count.
const payloadV1 = Search.shape.payload;

// TODO 1: version 2 of the search event: version 1's payload with one field more, say the
// visitor's device (the Device enum) or the sort order they chose (Text). Build it with
// eventSchema('search', <payload>, 2); payloadV1.extend({ … }).strict() gives the payload.
void payloadV1;
void eventSchema;
void Device;
void Text;
const searchV2 = undefined;
if (!searchV2) throw new Error('lesson 9: version 2 is not written yet (TODO 1)');

// TODO 2: register it: registerSchema(REGISTRY, SUBJECT, jsonSchemaOf(searchV2)) returns the
// version it got, or throws when the subject's rule refuses it. Print the versions after.
void registerSchema;
void jsonSchemaOf;
console.log(subjectVersions(REGISTRY, SUBJECT).map((v) => `v${v.version}`));
