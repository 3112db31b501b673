import kafkajs from 'kafkajs';
import { loadConfig } from '@datapark/config';
import type { PartitionOffsets } from '@datapark/kafka';
import { connectionFromConfig, createKafka, readRange, topicEndOffsets } from '@datapark/kafka';

export const { Partitioners } = kafkajs;

/** The shared 3-node cluster the test run started. */
export const connection = connectionFromConfig(loadConfig(), 'datapark-kafka-tests');
export const kafka = createKafka(connection);

export const endOffsets = (topic: string) => topicEndOffsets(connection, topic);
export const readFrom = (topic: string, from: PartitionOffsets) =>
  readRange(connection, topic, from);
