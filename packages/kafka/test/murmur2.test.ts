import { randomBytes, randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';
import { murmur2, partitionOfKey } from '../src/murmur2.js';

const { Partitioners } = kafkajs;

describe("the producers' partitioner", () => {
  it("hashes as Kafka's Java client: the vectors of its UtilsTest", () => {
    const java: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of java) expect([key, murmur2(Buffer.from(key))]).toEqual([key, hash]);
  });

  it("puts every key on the partition kafkajs' default partitioner picks (UUIDs, UTF-8, any length)", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 7]) {
      const partitionMetadata = Array.from(
        { length: partitions },
        (_, partitionId): PartitionMetadata => ({
          partitionId,
          leader: 0,
          replicas: [],
          isr: [],
          partitionErrorCode: 0,
        }),
      );
      const keys = [
        ...Array.from({ length: 2000 }, () => Buffer.from(randomUUID())),
        ...Array.from({ length: 2000 }, (_, i) => randomBytes(i % 41)),
        ...Array.from({ length: 200 }, (_, i) => Buffer.from(`clé-${'é'.repeat(i % 9)}-${i}`)),
      ];
      const ours = keys.map((key) => partitionOfKey(key, partitions));
      const theirs = keys.map((key) =>
        partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }),
      );
      expect(ours).toEqual(theirs);
    }
  });
});
