import { randomInt } from 'node:crypto';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { S3_BUCKETS, s3Connection, type DataparkConfig } from '@datapark/config';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567';

/** A new access key id: 20 upper-case letters and digits, as AWS's look (`DP` and 18 random). */
export function generateAccessKeyId(): string {
  let id = 'DP';
  while (id.length < 20) id += KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)];
  return id;
}

/** An S3 client for the platform's store; short timeouts and no retries, for probes. */
export function probeClient(config: DataparkConfig): S3Client {
  return new S3Client({
    ...s3Connection(config),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
  });
}

/** True when the store answers a signed request with our keys (ListBuckets). */
export async function answersSigned(config: DataparkConfig): Promise<boolean> {
  const client = probeClient(config);
  try {
    await client.send(new ListBucketsCommand({}));
    return true;
  } finally {
    client.destroy();
  }
}

/** Creates the buckets of {@link S3_BUCKETS} that are missing; returns the ones it created. */
export async function ensureBuckets(config: DataparkConfig): Promise<string[]> {
  const client = probeClient(config);
  const created: string[] = [];
  try {
    for (const bucket of S3_BUCKETS) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        continue;
      } catch (error) {
        const status =
          error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
        if (status !== 404) throw error;
      }
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      created.push(bucket);
    }
    return created;
  } finally {
    client.destroy();
  }
}
