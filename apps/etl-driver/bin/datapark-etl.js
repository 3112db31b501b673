#!/usr/bin/env node
// The `datapark-etl` command. Committed with its execute bit, so `npx datapark-etl` works after `npm ci` and
// a build: npm can only mark a bin executable when it exists at install time, and tsc writes
// dist/cli.js without the bit.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'datapark-etl is not built yet: run `npm run build` in the checkout (it writes apps/etl-driver/dist).',
  );
  process.exit(1);
}
await import(cli.href);
