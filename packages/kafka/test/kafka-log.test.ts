import kafkajs from 'kafkajs';
import type { LogEntry } from 'kafkajs';
import { formatKafkaLog, kafkaLogCreator } from '@datapark/kafka';

const { logLevel } = kafkajs;

// Entries as kafkajs 2.2.4 logged them in this project's test runs (its console logger printed
// them as JSON), split back into what a logCreator receives.
const coordinatorNotAvailable: LogEntry = {
  namespace: 'Connection',
  level: logLevel.ERROR,
  label: 'ERROR',
  log: {
    timestamp: '2026-11-25T10:48:24.151Z',
    logger: 'kafkajs',
    message: 'Response GroupCoordinator(key: 10, version: 2)',
    broker: '127.0.0.1:19093',
    clientId: 'datapark-kafka-tests',
    error: 'The group coordinator is not available',
    correlationId: 0,
    size: 55,
  },
};
const notLeaderRetry: LogEntry = {
  namespace: 'Producer',
  level: logLevel.ERROR,
  label: 'ERROR',
  log: {
    timestamp: '2026-11-25T09:14:49.691Z',
    logger: 'kafkajs',
    message: 'Failed to send messages: This server is not the leader for that topic-partition',
    retryCount: 0,
    retryTime: 304,
  },
};
const brokerGone: LogEntry = {
  namespace: 'Connection',
  level: logLevel.ERROR,
  label: 'ERROR',
  log: {
    timestamp: '2026-11-25T09:14:49.000Z',
    logger: 'kafkajs',
    message: 'Connection error: connect ECONNREFUSED 127.0.0.1:19093',
    broker: '127.0.0.1:19093',
    clientId: 'durability-test',
    stack: 'Error: connect ECONNREFUSED 127.0.0.1:19093\n    at …',
  },
};

function linesAt(level: number, entries: LogEntry[]): string[] {
  const lines: string[] = [];
  const log = kafkaLogCreator((line) => lines.push(line))(level);
  for (const entry of entries) log(entry);
  return lines;
}

describe("kafkajs' log lines", () => {
  it('are one readable line each: level, namespace, message, error and where', () => {
    expect(formatKafkaLog(coordinatorNotAvailable)).toBe(
      'kafkajs ERROR [Connection] Response GroupCoordinator(key: 10, version: 2): ' +
        'The group coordinator is not available (broker 127.0.0.1:19093)',
    );
  });

  it('leave out, at the default level, the errors kafkajs retries by itself, and keep the rest', () => {
    expect(linesAt(logLevel.WARN, [coordinatorNotAvailable, notLeaderRetry, brokerGone])).toEqual([
      'kafkajs ERROR [Connection] Connection error: connect ECONNREFUSED 127.0.0.1:19093 (broker 127.0.0.1:19093)',
    ]);
  });

  it('show everything at DEBUG (KAFKAJS_LOG_LEVEL=debug)', () => {
    expect(
      linesAt(logLevel.DEBUG, [coordinatorNotAvailable, notLeaderRetry, brokerGone]),
    ).toHaveLength(3);
  });
});
