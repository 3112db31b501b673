// The kafka-lag-exporter unit of the monitoring component: `node main.js <host> <port>`, with
// the platform's Kafka from @datapark/config (DATAPARK_STATE_DIR names the state directory).
import { loadConfig } from '@datapark/config';
import { connectionFromConfig } from '@datapark/kafka';
import { serveLagExporter } from './serve-lag-exporter.js';

const [host, port] = process.argv.slice(2);
if (!host || !port || !Number.isInteger(Number(port))) {
  process.stderr.write('usage: node main.js <host> <port>\n');
  process.exit(2);
}
const exporter = await serveLagExporter({
  connection: connectionFromConfig(loadConfig(), 'datapark-kafka-lag-exporter'),
  host,
  port: Number(port),
});
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => void exporter.close().finally(() => process.exit(0)));
