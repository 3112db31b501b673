import { relative } from 'node:path';
import { Command } from 'commander';
import { closestNames } from '@datapark/config';
import type { Contract, JsonSchema } from '@datapark/events';
import {
  checkContracts,
  CONTRACTS,
  findContract,
  latestVersion,
  publishedFile,
  readPublished,
} from '@datapark/events';

const out = (line = '') => process.stdout.write(line + '\n');

/**
 * `datapark contracts list | show SUBJECT | check`: the event contracts of @datapark/events,
 * their published versions and the compatibility gate CI runs (docs/contracts.md).
 */
export function contractsCommand(): Command {
  const contracts = new Command('contracts').description(
    'event contracts: each event type (subject) with its published versions and its topic’s compatibility rule (docs/contracts.md)',
  );

  contracts
    .command('list', { isDefault: true })
    .description('every subject: its topic, published versions and compatibility rule')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }) => {
      const published = readPublished();
      const rows = CONTRACTS.map((c) => ({
        subject: c.subject,
        topic: c.topic,
        event_type: c.eventType,
        versions: (published.get(c.subject) ?? []).map((p) => p.version),
        latest: latestVersion(c),
        compatibility: c.compatibility,
      }));
      if (options.json) {
        out(JSON.stringify(rows, null, 2));
        return;
      }
      const width = Math.max(...rows.map((r) => r.subject.length));
      out(`${'subject'.padEnd(width)}  ${'versions'.padEnd(8)}  rule`);
      for (const r of rows)
        out(`${r.subject.padEnd(width)}  ${r.versions.join(', ').padEnd(8)}  ${r.compatibility}`);
    });

  contracts
    .command('show')
    .description('one subject: its versions, the fields each added or removed, the file of each')
    .argument('<subject>', 'e.g. clickstream-page_view (datapark contracts list names them all)')
    .option('--version <n>', 'print that version’s JSON Schema instead')
    .action((subject: string, options: { version?: string }) => {
      const contract = findContract(subject);
      if (!contract) {
        const near = closestNames(
          subject,
          CONTRACTS.map((c) => c.subject),
        );
        throw new ContractsCommandError(
          `unknown subject ${subject}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (datapark contracts list names them all)`,
        );
      }
      const versions = readPublished().get(subject) ?? [];
      if (options.version !== undefined) {
        const wanted = versions.find((v) => String(v.version) === options.version);
        if (!wanted)
          throw new ContractsCommandError(
            `${subject} has no published version ${options.version}; published: ${versions.map((v) => v.version).join(', ') || 'none'}`,
          );
        out(JSON.stringify(wanted.schema, null, 2));
        return;
      }
      showContract(contract, versions);
    });

  contracts
    .command('check')
    .description(
      'the CI gate: every version published unchanged, none withdrawn, each topic’s compatibility rule kept',
    )
    .option('--json', 'as JSON')
    .option('--dir <dir>', 'the published contracts to check (default: packages/events/contracts)')
    .action((options: { json?: boolean; dir?: string }) => {
      const check = checkContracts(options.dir);
      if (options.json) out(JSON.stringify(check, null, 2));
      else if (check.problems.length === 0)
        out(
          `✓ ${check.subjects} subjects, ${check.versions} versions: every version published unchanged, every rule kept`,
        );
      else {
        for (const problem of check.problems) out(`✗ ${problem.kind}: ${problem.message}`);
        out(`\n${check.problems.length} problem(s) in ${check.subjects} subjects`);
      }
      if (check.problems.length > 0) process.exitCode = 1;
    });
  return contracts;
}

/** A usage mistake: the CLI prints the message alone and exits 1. */
export class ContractsCommandError extends Error {
  override readonly name = 'ContractsCommandError';
}

function showContract(
  contract: Contract,
  versions: readonly { version: number; schema: JsonSchema }[],
): void {
  out(`${contract.subject}`);
  out(`  topic          ${contract.topic} (event_type ${contract.eventType})`);
  out(`  compatibility  ${contract.compatibility}`);
  let previous: Map<string, boolean> | undefined;
  for (const { version, schema } of versions) {
    const fields = fieldsOf(schema);
    out(`  v${version}  ${relative(process.cwd(), publishedFile(contract.subject, version))}`);
    if (!previous) {
      out(`      ${[...fields].map(([f, required]) => (required ? f : `${f}?`)).join(', ')}`);
    } else {
      const added = [...fields.keys()].filter((f) => !previous!.has(f));
      const removed = [...previous.keys()].filter((f) => !fields.has(f));
      for (const f of added) out(`      + ${f}${fields.get(f) ? '' : ' (optional)'}`);
      for (const f of removed) out(`      - ${f}`);
      if (added.length + removed.length === 0) out('      (same fields; constraints changed)');
    }
    previous = fields;
  }
}

/** Every field of a schema, dotted from the root, and whether it is required. */
function fieldsOf(schema: JsonSchema, prefix = '', into = new Map<string, boolean>()) {
  if (typeof schema !== 'object') return into;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, property] of Object.entries(properties)) {
    const field = prefix + name;
    into.set(field, required.has(name));
    if (typeof property === 'object' && property.type === 'object')
      fieldsOf(property, `${field}.`, into);
  }
  return into;
}
