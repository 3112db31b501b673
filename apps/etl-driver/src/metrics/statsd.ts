import { createSocket } from 'node:dgram';
import type { DataparkConfig } from '@datapark/config';
import { statsdAddress } from '@datapark/config';

/** One gauge with its labels (DogStatsD tags, which statsd_exporter turns into labels). */
export interface StatsdGauge {
  readonly name: string;
  readonly value: number;
  readonly labels: Readonly<Record<string, string>>;
}

const clean = (text: string) => text.replace(/[:|#,@\n]/g, '_');

/** `name:value|g|#k:v,k:v`: the DogStatsD line statsd_exporter parses by default. */
export function statsdLine(gauge: StatsdGauge): string {
  const tags = Object.entries(gauge.labels)
    .map(([k, v]) => `${clean(k)}:${clean(v)}`)
    .join(',');
  return `${clean(gauge.name)}:${gauge.value}|g${tags ? `|#${tags}` : ''}`;
}

/**
 * Sends gauges to the monitoring component's statsd_exporter (UDP, one datagram each), for a
 * process too short-lived to be scraped: a quality-check run. StatsD is fire-and-forget: with
 * monitoring left out (`--without monitoring`) nothing listens and nothing fails; the result
 * says whether the datagrams left.
 */
export async function sendGauges(
  config: DataparkConfig,
  gauges: readonly StatsdGauge[],
): Promise<boolean> {
  const { host, port } = statsdAddress(config);
  const socket = createSocket('udp4');
  try {
    for (const gauge of gauges)
      await new Promise<void>((resolve, reject) =>
        socket.send(statsdLine(gauge), port, host, (error) => (error ? reject(error) : resolve())),
      );
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}
