// Reference solution of lesson 9: version 2 of search adds an optional device.
import { join } from 'node:path';
import { loadConfig } from '@datapark/config';
import {
  Device,
  eventSchema,
  jsonSchemaOf,
  registerSchema,
  Search,
  subjectVersions,
} from '@datapark/events';

const SUBJECT = 'lab-clickstream-search';
const REGISTRY = join(loadConfig().stateDir, 'lessons', 'registry');

const searchV2 = eventSchema(
  'search',
  Search.shape.payload.extend({ device: Device.optional() }).strict(),
  2,
);
const registered = registerSchema(REGISTRY, SUBJECT, jsonSchemaOf(searchV2));
console.log(`${SUBJECT}: version ${registered.version}${registered.created ? ' registered' : ''}`);
console.log(subjectVersions(REGISTRY, SUBJECT).map((v) => `v${v.version}`));
