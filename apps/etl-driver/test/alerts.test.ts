/**
 * Live alert tests on the running platform, stopping nothing: a poison record to an ingested
 * topic reaches its DLQ and DeadLettersArriving fires in Alertmanager, while ingest's own
 * /metrics are scraped by Prometheus (found through its file_sd target file); a failed quality
 * check fires QualityCheckFailed, and a passing run of it clears the alert again.
 *
 * Each wait has a deadline sized by the monitoring intervals (scrape and rule evaluation every
 * 15 s, the lag exporter reading Kafka every 15 s) and prints what it saw when it runs out.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AirflowClient, DagRunFailedError, NotFoundError } from '@datapark/airflow-client';
import { randomUUID } from 'node:crypto';
import { TOPIC_CATALOG, TOPIC_NAMES } from '@datapark/events';
import type { QualityCheck } from '../src/quality/check-definitions.js';
import { runQualityChecks } from '../src/quality/run-quality-checks.js';
import { alertsNamed, getJson, prometheusUrl, query, requireMonitoring } from './monitoring-api.js';
import {
  closeProducer,
  config,
  forgetGroups,
  freshGroup,
  killLeftovers,
  producePoison,
  startCli,
  waitFor,
} from './fixtures.js';

/** What a wait saw last, for the message when its deadline passes. */
let seen = '';
const saw = (what: unknown) => {
  seen = typeof what === 'string' ? what : JSON.stringify(what);
};

beforeAll(async () => {
  requireMonitoring();
  // The ingest scrape job (file_sd) came with this change: a Prometheus still running an older
  // prometheus.yml must reread it first.
  const { data } = await getJson<{ data: { yaml: string } }>(
    prometheusUrl,
    '/api/v1/status/config',
  );
  if (!data.yaml.includes('job_name: ingest'))
    throw new Error(
      `Prometheus at ${prometheusUrl} has no 'ingest' scrape job: it runs a prometheus.yml older than this checkout. ` +
        'Rewrite and reload it: node apps/datapark-cli/dist/cli.js start monitoring (an up of a running component rewrites the file and sends Prometheus SIGHUP)',
    );
});

afterAll(async () => {
  killLeftovers();
  await closeProducer();
  await forgetGroups();
});

describe('alerts on the running platform (nothing stopped)', () => {
  it('a poison record to an ingested topic: ingest counts it on /metrics, Prometheus scrapes it, DeadLettersArriving fires in Alertmanager', async () => {
    // A topic whose DLQ alert is quiet, so the alert seen is this record's alone. Other tests
    // dead-letter records too (npm test runs two projects at once): when every topic's alert
    // fires, one is taken anyway, and the alert must then reach Alertmanager again after this
    // record's dead letters reached Prometheus (rather than waiting 5 minutes for one to clear).
    const firing = new Set(
      (await alertsNamed('DeadLettersArriving')).map((a) => a.labels['topic']),
    );
    const topic = TOPIC_NAMES.find((t) => !firing.has(TOPIC_CATALOG[t].dlq)) ?? TOPIC_NAMES[0]!;
    const dlq = TOPIC_CATALOG[topic].dlq;
    // The DLQ's end offset as Prometheus has it (kafka_exporter), which the rule reads.
    const dlqEnd = async () =>
      Number(
        (await query(`sum(kafka_topic_partition_current_offset{topic="${dlq}"})`))[0]?.value[1] ??
          0,
      );
    const dlqBefore = await dlqEnd();
    const group = await freshGroup('alerts', [topic]);
    const ingest = startCli([
      'ingest',
      '--group',
      group,
      '--topics',
      topic,
      '--progress-interval',
      '1',
    ]);
    const metricsUrl = await waitFor(
      'ingest to serve its metrics',
      async () => /metrics on (http:\S+)/.exec(ingest.stderr())?.[1],
      30_000,
      100,
      ingest.stderr,
    );
    // Its target file announces it to Prometheus while it runs.
    const targets = await waitFor(
      `Prometheus to discover ingest ${metricsUrl} (file_sd)`,
      async () => {
        const { data } = await getJson<{
          data: {
            activeTargets: { labels: Record<string, string>; health: string; scrapeUrl: string }[];
          };
        }>(prometheusUrl, '/api/v1/targets?state=active');
        const mine = data.activeTargets.filter((t) => t.scrapeUrl === metricsUrl);
        saw(mine);
        return mine.some((t) => t.health === 'up') ? mine : undefined;
      },
      60_000,
      1000,
      () => `last seen: ${seen}`,
    );
    expect(targets[0]!.labels).toMatchObject({ job: 'ingest', unit: 'ingest', group });

    const started = Date.now();
    await producePoison(topic, randomUUID());
    // Ingest sends both records to the DLQ and counts them; Prometheus scrapes the count.
    const counted = await waitFor(
      `ingest_dead_letters_total{group="${group}"} to reach 2 in Prometheus`,
      async () => {
        const result = await query(`ingest_dead_letters_total{group="${group}", topic="${topic}"}`);
        saw(result);
        return Number(result[0]?.value[1] ?? 0) >= 2 ? result : undefined;
      },
      60_000,
      1000,
      () => `last seen: ${seen}\ningest:\n${ingest.stderr()}`,
    );
    expect(counted[0]!.metric).toMatchObject({ job: 'ingest', topic, group });
    const batches = await query(
      `ingest_batch_duration_seconds_count{group="${group}", topic="${topic}"}`,
    );
    expect(Number(batches[0]?.value[1] ?? 0)).toBeGreaterThanOrEqual(1);

    const dlqCounted = await waitFor(
      `${dlq}'s end offset in Prometheus to pass ${dlqBefore} + 2`,
      async () => {
        const end = await dlqEnd();
        saw(end);
        return end >= dlqBefore + 2 ? Date.now() : undefined;
      },
      90_000,
      1000,
      () => `last seen: ${seen}`,
    );
    const alert = await waitFor(
      `DeadLettersArriving for ${dlq} in Alertmanager, received after ${new Date(dlqCounted).toISOString()}`,
      async () => {
        const alerts = await alertsNamed('DeadLettersArriving');
        saw(alerts.map((a) => `${a.labels['topic']} since ${a.startsAt}, updated ${a.updatedAt}`));
        return alerts.find(
          (a) => a.labels['topic'] === dlq && Date.parse(a.updatedAt) >= dlqCounted,
        );
      },
      150_000,
      2000,
      () => `alerts seen: ${seen}`,
    );
    process.stderr.write(
      `DeadLettersArriving for ${dlq} (${firing.has(dlq) ? 'firing already, re-sent' : 'quiet before'}) in Alertmanager ${((Date.now() - started) / 1000).toFixed(0)} s after the poison record: ${alert.annotations['summary']}\n`,
    );
    // `humanize`d: 8, 1.234k.
    const [, count, kilo] = /^([\d.]+)(k?) records/.exec(alert.annotations['summary'] ?? '') ?? [];
    expect(Number(count) * (kilo ? 1000 : 1)).toBeGreaterThanOrEqual(2);
    expect(alert.annotations['summary']).toMatch(new RegExp(`went to ${dlq.replace('.', '\\.')}`));
    expect(alert.annotations['runbook']).toBeTruthy();

    ingest.child.kill('SIGINT');
    const result = await ingest.done;
    expect(result.code).toBe(0);
    // Gone from Prometheus' targets with it.
    const targetFile = /target file (\S+)\)/.exec(result.stderr)?.[1];
    expect(targetFile).toMatch(/monitoring\/targets\/ingest-\d+-\d+\.json$/);
    expect(existsSync(targetFile!)).toBe(false);
  }, 420_000);

  it('a failed quality check fires QualityCheckFailed in Alertmanager, and a passing run of it clears it', async () => {
    // One check of the monitoring tests, kept under one name: it fails by design, then passes.
    const check = (failing: boolean): QualityCheck => ({
      name: 'monitoring_live_alert_test',
      kind: 'range',
      table: 'quality.check_runs',
      severity: 'error',
      description: 'the monitoring live test: fails on purpose, then passes',
      failingRows: failing
        ? `SELECT 'failing on purpose' AS problem WHERE $1::date IS NOT NULL`
        : `SELECT 1 WHERE $1::date IS NULL`,
    });
    const date = new Date().toISOString().slice(0, 10);
    const started = Date.now();
    const failed = await runQualityChecks({ config, date, checks: [check(true)] });
    expect(failed.status).toBe('failed');
    const alert = await waitFor(
      'QualityCheckFailed for monitoring_live_alert_test in Alertmanager',
      async () => {
        const alerts = await alertsNamed('QualityCheckFailed');
        saw(alerts.map((a) => a.labels));
        return alerts.find((a) => a.labels['check'] === 'monitoring_live_alert_test');
      },
      120_000,
      2000,
      () => `alerts seen: ${seen}`,
    );
    process.stderr.write(
      `QualityCheckFailed fired ${((Date.now() - started) / 1000).toFixed(0)} s after the run: ${alert.annotations['summary']}\n`,
    );
    expect(alert.labels).toMatchObject({ table: 'quality.check_runs', check_severity: 'error' });

    const passed = await runQualityChecks({ config, date, checks: [check(false)] });
    expect(passed.status).toBe('passed');
    await waitFor(
      'QualityCheckFailed for monitoring_live_alert_test to clear in Alertmanager',
      async () => {
        const alerts = await alertsNamed('QualityCheckFailed');
        saw(alerts.map((a) => a.labels));
        return alerts.some((a) => a.labels['check'] === 'monitoring_live_alert_test')
          ? undefined
          : true;
      },
      120_000,
      2000,
      () => `alerts seen: ${seen}`,
    );
  }, 300_000);

  it("a failed DAG run fires AirflowDagRunFailed in Alertmanager (through Airflow's StatsD)", async () => {
    const dagId = 'monitoring_test_fail';
    // The platform's test-dags bundle, as the airflow-client tests use it.
    const bundle = join(config.stateDir, 'airflow', 'test-dags');
    mkdirSync(bundle, { recursive: true });
    copyFileSync(join(import.meta.dirname, 'dags', `${dagId}.py`), join(bundle, `${dagId}.py`));
    const airflow = AirflowClient.fromConfig(config);
    await waitFor(
      `Airflow to parse ${dagId}`,
      async () => {
        try {
          return await airflow.dags.get(dagId);
        } catch (error) {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        }
      },
      120_000,
      2000,
    );
    const failedRuns = async () =>
      Number(
        (
          await query(
            `sum(airflow_dagrun_duration_seconds_count{dag_id="${dagId}", state="failed"})`,
          )
        )[0]?.value[1] ?? 0,
      );
    const before = await failedRuns();
    const started = Date.now();
    const error = await airflow.triggerAndWait(dagId, { pollMs: 1000, timeoutMs: 240_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DagRunFailedError);
    // Prometheus counts the failure (Airflow → StatsD → statsd_exporter → scrape) ...
    await waitFor(
      `the failed run of ${dagId} counted in Prometheus (was ${before})`,
      async () => {
        const now = await failedRuns();
        saw(now);
        return now > before ? now : undefined;
      },
      90_000,
      2000,
      () => `last count seen: ${seen}`,
    );
    // ... and the rule fires.
    const alert = await waitFor(
      `AirflowDagRunFailed for ${dagId} in Alertmanager`,
      async () => {
        const alerts = await alertsNamed('AirflowDagRunFailed');
        saw(alerts.map((a) => a.labels));
        return alerts.find((a) => a.labels['dag_id'] === dagId);
      },
      90_000,
      2000,
      () => `alerts seen: ${seen}`,
    );
    process.stderr.write(
      `AirflowDagRunFailed fired ${((Date.now() - started) / 1000).toFixed(0)} s after the trigger: ${alert.annotations['summary']}\n`,
    );
    expect(alert.annotations['runbook']).toContain('Airflow UI');
  }, 420_000);
});
