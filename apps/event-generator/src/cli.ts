#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '@datapark/config';
import { ShopSimulation } from './shop-simulation.js';
import { parseSimulationConfig } from './simulation-config.js';
import type { EventSink } from './sinks.js';
import { dryRunSink, kafkaSink } from './sinks.js';

const program = new Command('event-generator')
  .description('A simulated shop: consistent customer, product, order and clickstream events')
  .option('--config <file>', 'JSON file with simulation settings (see src/simulation-config.ts)')
  .option('--seed <seed>', 'same seed and config, same events')
  .option('--events <n>', 'how many events', '10000')
  .option('--sink <sink>', 'dry-run (JSON lines) or kafka', 'dry-run')
  .option('--out <file>', 'dry-run: write to this file instead of stdout')
  .action(
    async (options: {
      config?: string;
      seed?: string;
      events: string;
      sink: string;
      out?: string;
    }) => {
      const fromFile = options.config ? JSON.parse(readFileSync(options.config, 'utf8')) : {};
      const config = parseSimulationConfig(
        { ...fromFile, ...(options.seed ? { seed: options.seed } : {}) },
        options.config ?? 'flags',
      );
      const count = Number(options.events);
      if (!Number.isInteger(count) || count <= 0)
        throw new Error(`--events ${options.events}: expected a whole number above 0`);
      let sink: EventSink;
      if (options.sink === 'dry-run') sink = dryRunSink(options.out);
      else if (options.sink === 'kafka') sink = await kafkaSink(loadConfig());
      else throw new Error(`--sink ${options.sink}: expected dry-run or kafka`);
      const simulation = new ShopSimulation(config);
      const started = Date.now();
      let written = 0;
      for (const event of simulation.events({ count })) {
        await sink.write(event);
        written++;
        if (written % 50_000 === 0)
          process.stderr.write(
            `  ${written}/${count} events, simulated time ${simulation.clock.toISOString()}\n`,
          );
      }
      await sink.close();
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(
        `${written} events in ${seconds.toFixed(1)} s (${Math.round(written / seconds)}/s), simulated up to ${simulation.clock.toISOString()}\n`,
      );
    },
  );

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`✗ ${(error as Error).message}\n`);
  process.exitCode = 1;
});
