/**
 * A live alert drill: it STOPS a shared component (the Kafka broker kafka-2), like the failure
 * drills (drill.test.ts), so it runs only in `npm test` (one test file at a time) and never beside
 * other users of the platform. KafkaBrokerDown must fire in Alertmanager within its `for: 1m`
 * plus a scrape and an evaluation (15 s each); the broker is started again whatever happens, and
 * the test waits for the alert to clear so the files after it start from a quiet Alertmanager.
 */
import { silentReporter } from '@datapark/platform';
import { defaultComponents, LocalPlatform } from '@datapark/platform-local';
import { waitFor } from './fixtures.js';
import { alertsNamed, requireMonitoring } from './monitoring-api.js';

const BROKER = 'kafka-2';
let seen = '';

describe('the broker-down alert (stops a broker: npm test only)', () => {
  it(`stopping ${BROKER} fires KafkaBrokerDown in Alertmanager; starting it again clears it`, async () => {
    requireMonitoring();
    const brokerDown = async () =>
      (await alertsNamed('KafkaBrokerDown')).find((a) => a.labels['unit'] === BROKER);
    if (await brokerDown())
      throw new Error(
        `KafkaBrokerDown fires for ${BROKER} before the test stopped it: start it (node apps/datapark-cli/dist/cli.js start ${BROKER}) and wait for the alert to clear`,
      );
    const platform = new LocalPlatform({
      components: defaultComponents(),
      reporter: silentReporter,
    });
    const stoppedAt = Date.now();
    await platform.stop(BROKER);
    try {
      const alert = await waitFor(
        `KafkaBrokerDown for ${BROKER} in Alertmanager`,
        async () => {
          const alerts = await alertsNamed('KafkaBrokerDown');
          seen = JSON.stringify(alerts.map((a) => a.labels));
          return alerts.find((a) => a.labels['unit'] === BROKER);
        },
        // for: 1m, plus a scrape, an evaluation and the send to Alertmanager.
        150_000,
        2000,
        () => `alerts seen: ${seen}`,
      );
      process.stderr.write(
        `KafkaBrokerDown fired ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s after ${BROKER} stopped: ${alert.annotations['summary']}\n`,
      );
      expect(alert.labels).toMatchObject({ severity: 'critical', job: 'kafka' });
      expect(alert.annotations['runbook']).toContain(`start ${BROKER}`);
    } finally {
      await platform.start(BROKER);
    }
    const startedAt = Date.now();
    await waitFor(
      `KafkaBrokerDown for ${BROKER} to clear after it started`,
      async () => ((await brokerDown()) ? undefined : true),
      120_000,
      2000,
    );
    process.stderr.write(
      `KafkaBrokerDown cleared ${((Date.now() - startedAt) / 1000).toFixed(0)} s after ${BROKER} was up again\n`,
    );
  }, 400_000);
});
