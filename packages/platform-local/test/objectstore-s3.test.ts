import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { loadConfig, S3_BUCKETS, s3Connection } from '@datapark/config';

// S3 conformance of the platform's object store (`npm test` started it), with the AWS SDK for
// JavaScript as every S3 client speaks: what Spark's S3A/S3FileIO, DuckDB and pyiceberg need.
const config = loadConfig();
const connection = s3Connection(config);
const s3 = new S3Client({ ...connection, maxAttempts: 1 });
const BUCKET = 'lake';
const prefix = `conformance/${Date.now()}-${randomBytes(4).toString('hex')}/`;
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** The SDK error an S3 call ends with, or a failure when it succeeded. */
async function refusal(call: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await call;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error('expected the store to refuse the request, and it answered');
}

const bytesOf = async (key: string, range?: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  return { out, body: await out.Body!.transformToByteArray() };
};

afterAll(async () => {
  // Whatever a failed test left under this run's prefix.
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
  if (keys.length > 0)
    await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys } }));
  s3.destroy();
});

describe('the object store (S3 API, AWS SDK for JavaScript)', () => {
  it('has the buckets the platform creates at up', async () => {
    for (const bucket of S3_BUCKETS) {
      const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    }
  });

  it('stores an object and gives it back byte for byte, with its MD5 as ETag and its metadata', async () => {
    const key = `${prefix}put/hello.json`;
    const body = Buffer.from(JSON.stringify({ hello: 'lake', n: 1 }));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        Metadata: { source: 'conformance' },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const { out, body: read } = await bytesOf(key);
    expect(Buffer.from(read).equals(body)).toBe(true);
    expect(out.ContentType).toBe('application/json');
    expect(out.ContentLength).toBe(body.length);
    expect(out.Metadata).toEqual({ source: 'conformance' });
  });

  it('lists with ListObjectsV2: prefix, delimiter, pages of MaxKeys with a continuation token', async () => {
    const keys = ['list/a/1', 'list/a/2', 'list/b/1', 'list/c', 'list/d', 'list/e'].map(
      (k) => `${prefix}${k}`,
    );
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));

    const grouped = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}list/`, Delimiter: '/' }),
    );
    expect((grouped.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual([
      `${prefix}list/a/`,
      `${prefix}list/b/`,
    ]);
    expect((grouped.Contents ?? []).map((o) => o.Key)).toEqual(keys.slice(3));

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: `${prefix}list/`,
          MaxKeys: 4,
          ContinuationToken: token,
        }),
      );
      pages++;
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      expect(page.KeyCount).toBe((page.Contents ?? []).length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(keys);
  });

  it('assembles a multipart upload from its parts, listed before completion', async () => {
    const key = `${prefix}multipart/big.bin`;
    // Every part but the last must be at least 5 MiB.
    const parts = [randomBytes(5 * 2 ** 20), randomBytes(1234)];
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }),
    );
    expect(UploadId).toBeTruthy();
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const up = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          PartNumber: i + 1,
          Body: part,
        }),
      );
      expect(up.ETag).toBe(`"${md5(part)}"`);
      etags.push(up.ETag!);
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect((listed.Parts ?? []).map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, parts[0]!.length],
      [2, parts[1]!.length],
    ]);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    // A multipart ETag is the MD5 of the parts' MD5s, and the number of parts.
    const partsMd5 = md5(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest())));
    expect(done.ETag).toBe(`"${partsMd5}-2"`);
    const { body } = await bytesOf(key);
    expect(md5(body)).toBe(md5(Buffer.concat(parts)));

    // An aborted upload leaves no object.
    const aborted = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${key}.aborted` }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: `${key}.aborted`,
        UploadId: aborted.UploadId,
        PartNumber: 1,
        Body: parts[1],
      }),
    );
    await s3.send(
      new AbortMultipartUploadCommand({
        Bucket: BUCKET,
        Key: `${key}.aborted`,
        UploadId: aborted.UploadId,
      }),
    );
    const gone = await refusal(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${key}.aborted` })),
    );
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  it('answers ranged reads with 206 and exactly the bytes asked for', async () => {
    const key = `${prefix}range/digits.txt`;
    const body = Buffer.from('0123456789abcdefghij');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const middle = await bytesOf(key, 'bytes=5-9');
    expect(middle.out.$metadata.httpStatusCode).toBe(206);
    expect(middle.out.ContentRange).toBe(`bytes 5-9/${body.length}`);
    expect(Buffer.from(middle.body).toString()).toBe('56789');
    // A suffix range (Parquet readers read the footer this way) and an open-ended one.
    expect(Buffer.from((await bytesOf(key, 'bytes=-4')).body).toString()).toBe('ghij');
    expect(Buffer.from((await bytesOf(key, 'bytes=18-')).body).toString()).toBe('ij');
    const beyond = await refusal(bytesOf(key, 'bytes=100-200'));
    expect(beyond.$metadata.httpStatusCode).toBe(416);
  });

  it('honours conditional requests: If-Match, If-None-Match on reads and on writes', async () => {
    const key = `${prefix}conditional/value.txt`;
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v1' }));
    const etag = put.ETag!;
    const matched = await bytesOf(key).then(() =>
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: etag })),
    );
    expect(matched.$metadata.httpStatusCode).toBe(200);
    await matched.Body!.transformToByteArray();
    const stale = await refusal(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: '"0000"' })),
    );
    expect(stale.$metadata.httpStatusCode).toBe(412);
    const unchanged = await refusal(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, IfNoneMatch: etag })),
    );
    expect(unchanged.$metadata.httpStatusCode).toBe(304);
    // Create-only write (what a table format's commit relies on): refused when the key exists.
    const exists = await refusal(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'v2', IfNoneMatch: '*' })),
    );
    expect(exists.$metadata.httpStatusCode).toBe(412);
    expect(Buffer.from((await bytesOf(key)).body).toString()).toBe('v1');
  });

  it('deletes one object and many at once', async () => {
    const keys = ['del/1', 'del/2', 'del/3'].map((k) => `${prefix}${k}`);
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
    const gone = await refusal(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keys[0] })));
    expect(gone.$metadata.httpStatusCode).toBe(404);
    const many = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: keys.slice(1).map((Key) => ({ Key })) },
      }),
    );
    expect((many.Deleted ?? []).map((d) => d.Key).sort()).toEqual(keys.slice(1));
    const left = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}del/` }),
    );
    expect(left.KeyCount).toBe(0);
  });

  it('refuses a wrong secret, an unknown key id and an unsigned request', async () => {
    const { accessKeyId, secretAccessKey } = connection.credentials;
    const withKeys = (id: string, secret: string) =>
      new S3Client({
        ...connection,
        credentials: { accessKeyId: id, secretAccessKey: secret },
        maxAttempts: 1,
      });
    const wrongSecret = withKeys(accessKeyId, `${secretAccessKey}x`);
    const unknownId = withKeys('DPUNKNOWNKEYID000000', secretAccessKey);
    try {
      const bad = await refusal(
        wrongSecret.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 })),
      );
      expect(bad.$metadata.httpStatusCode).toBe(403);
      expect(bad.name).toBe('SignatureDoesNotMatch');
      const unknown = await refusal(
        unknownId.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}x`, Body: 'x' })),
      );
      // AWS answers 403 InvalidAccessKeyId; versitygw 404 XAdminUserNotFound (README, Object
      // store): refused all the same, and nothing written (below).
      expect([403, 404]).toContain(unknown.$metadata.httpStatusCode);
      expect(['InvalidAccessKeyId', 'XAdminUserNotFound']).toContain(unknown.name);
    } finally {
      wrongSecret.destroy();
      unknownId.destroy();
    }
    const anonymous = await fetch(new URL(`/${BUCKET}?list-type=2`, config.s3.url), {
      signal: AbortSignal.timeout(5000),
    });
    expect(anonymous.status).toBe(403);
    // Nothing was written by the refused PUT.
    const head = await refusal(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${prefix}x` })),
    );
    expect(head.$metadata.httpStatusCode).toBe(404);
  });
});
