// An S3-compatible object store (AWS S3, MinIO, Ceph RGW, …) through the AWS SDK, addressed
// path-style (https://endpoint/bucket/key): streamed multipart uploads that leave no object behind
// when they fail, streamed reads, listings and deletes, and every failure as one ObjectStoreError
// in the user's words. Backups (src/backup/s3-archives.ts) and attachments
// (src/features/attachments/attachments.storage.ts) use it. Settings: S3Config (src/config.ts, S3_*).
// The SDK is loaded on the first request, not with this module: a service without a bucket never
// loads it (~150 ms of start-up and ~20 MB of memory, bench/README.md).
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type * as ClientModule from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../config.js';

/** The SDK's modules and the client, once loaded. */
interface Sdk {
  s3: typeof ClientModule;
  Upload: typeof Upload;
  client: S3Client;
}

export interface ObjectLocation {
  bucket: string;
  /** The object's key; for a prefix ('' or ending in '/'), the objects under it. */
  key: string;
}

/** A store operation that failed; the message is the whole story for the user. */
export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
  constructor(
    message: string,
    /** The object (or bucket) does not exist: a read can tell "gone" from "failed". */
    readonly missing = false,
  ) {
    super(message);
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/key` (or `s3://bucket/prefix/`); undefined for anything not an s3:// URL. */
export function parseS3Url(url: string): ObjectLocation | undefined {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(url);
  if (!match) return undefined;
  const bucket = match[1]!;
  const key = match[2] ?? '';
  if (!BUCKET.test(bucket))
    throw new ObjectStoreError(
      `${url}: "${bucket}" is not a bucket name (3-63 lower-case letters, digits, dots and hyphens)`,
    );
  if (key.startsWith('/') || key.includes('//') || Buffer.byteLength(key) > 1024)
    throw new ObjectStoreError(
      `${url}: not a usable key (no leading or double slash, ≤ 1024 bytes)`,
    );
  return { bucket, key };
}

export const s3Url = ({ bucket, key }: ObjectLocation): string => `s3://${bucket}/${key}`;

export interface ObjectStoreOptions {
  /**
   * Bytes per part of a multipart upload (S3: 5 MiB at least, 10,000 parts at most). Memory of
   * an upload is about partSize × (queueSize + 1), whatever the object's size.
   */
  partSize?: number;
  /** Parts uploaded at the same time. */
  queueSize?: number;
  /** Attempts per request (the SDK's standard retry: exponential backoff with jitter). */
  maxAttempts?: number;
  /** Give up connecting after this long (an endpoint that drops packets). */
  connectTimeoutMs?: number;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date | undefined;
}

/**
 * 8 MiB parts, 2 in flight: objects up to ~80 GB in ~25 MB of live buffers (RSS grows by up to
 * ~60 MB: V8 frees spent parts in batches; measured in docs/backup.md).
 */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'its TLS certificate is self-signed (NODE_EXTRA_CA_CERTS names a CA file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'its TLS certificate is not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  SELF_SIGNED_CERT_IN_CHAIN:
    'its TLS certificate is not trusted (NODE_EXTRA_CA_CERTS names a CA file)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: { code?: string }[];
  $metadata?: { httpStatusCode?: number };
}

export class ObjectStore {
  readonly endpoint: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private loading: Promise<Sdk> | undefined;

  constructor(
    private readonly config: S3Config,
    private readonly options: ObjectStoreOptions = {},
  ) {
    this.endpoint = config.endpoint;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.queueSize = options.queueSize ?? 2;
  }

  /** Loads the SDK and makes the client, once. */
  private sdk(): Promise<Sdk> {
    this.loading ??= Promise.all([
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/lib-storage'),
    ]).then(([s3, { Upload }]) => ({ s3, Upload, client: this.newClient(s3) }));
    return this.loading;
  }

  private newClient({ S3Client }: typeof ClientModule): S3Client {
    const { config, options } = this;
    return new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      // Explicit keys: no lookup of ~/.aws, instance metadata or other credential sources.
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 10_000,
        // No answer (or no progress) for this long ends a request, which is then retried.
        requestTimeout: 120_000,
      },
      // CRC checksums on every request (the SDK's default since 2025) are refused or mishandled
      // by many S3-compatible stores; each request's payload is in its SigV4 signature anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * Streams `body` to `at` without knowing its length: one PUT when it fits in one part,
   * otherwise a multipart upload, which S3 turns into an object only once it completes. When the
   * upload or `body` fails, the multipart upload is aborted, so no object and no parts remain;
   * an error of `body` itself is passed on unchanged.
   */
  async upload(at: ObjectLocation, body: Readable, contentType: string): Promise<void> {
    let bodyError: unknown;
    body.once('error', (error) => (bodyError = error));
    const { s3, Upload, client } = await this.sdk();
    const upload = new Upload({
      client,
      params: { Bucket: at.bucket, Key: at.key, Body: body, ContentType: contentType },
      partSize: this.partSize,
      queueSize: this.queueSize,
      // Aborted below, so that a failed abort is told rather than hiding the first failure.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      let leftover = '';
      if (upload.uploadId) {
        const abort = new s3.AbortMultipartUploadCommand({
          Bucket: at.bucket,
          Key: at.key,
          UploadId: upload.uploadId,
        });
        await client.send(abort).catch(() => {
          leftover =
            `; its incomplete multipart upload (${upload.uploadId}) could not be aborted: not an ` +
            'object, but it takes space until a lifecycle rule or `aws s3api abort-multipart-upload` removes it';
        });
      }
      if (bodyError !== undefined && error === bodyError) {
        if (leftover && error instanceof Error) error.message += leftover;
        throw error;
      }
      const failure = this.failure(error, 'uploading to', at);
      failure.message += leftover;
      throw failure;
    }
  }

  /** Writes a small object in one request. */
  async put(at: ObjectLocation, body: string | Buffer, contentType: string): Promise<void> {
    await this.send('writing', at, ({ s3, client }) =>
      client.send(
        new s3.PutObjectCommand({
          Bucket: at.bucket,
          Key: at.key,
          Body: body,
          ContentType: contentType,
        }),
      ),
    );
  }

  /** The object's content as a stream; a failure while reading is an ObjectStoreError too. */
  async get(at: ObjectLocation): Promise<Readable> {
    const answer = await this.send('reading', at, ({ s3, client }) =>
      client.send(new s3.GetObjectCommand({ Bucket: at.bucket, Key: at.key })),
    );
    const body = answer.Body as Readable | undefined;
    const out = new PassThrough({ highWaterMark: 64 * 1024 });
    if (!body) {
      out.end();
      return out;
    }
    body.on('error', (error) => out.destroy(this.failure(error, 'reading', at)));
    out.on('close', () => body.destroy());
    body.pipe(out);
    return out;
  }

  /** The objects directly under `prefix` (not in its sub-"folders"), every page of them. */
  async list(bucket: string, prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    for await (const page of this.pages(bucket, prefix)) objects.push(...page);
    return objects;
  }

  /** The same objects a page (up to 1,000) at a time: memory stays flat at any count. */
  async *pages(bucket: string, prefix: string, pageSize = 1000): AsyncGenerator<StoredObject[]> {
    let token: string | undefined;
    do {
      const page = await this.send('listing', { bucket, key: prefix }, ({ s3, client }) =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: '/',
            MaxKeys: pageSize,
            ContinuationToken: token,
          }),
        ),
      );
      const objects: StoredObject[] = [];
      for (const o of page.Contents ?? [])
        if (o.Key !== undefined)
          objects.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified });
      yield objects;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Deletes one object (no error when it does not exist). */
  async delete(at: ObjectLocation): Promise<void> {
    await this.send('deleting', at, ({ s3, client }) =>
      client.send(new s3.DeleteObjectCommand({ Bucket: at.bucket, Key: at.key })),
    );
  }

  /** Closes the client's connections (once it is loaded, if a first request is loading it). */
  close(): void {
    void this.loading?.then(
      ({ client }) => client.destroy(),
      () => undefined,
    );
  }

  private async send<T>(action: string, at: ObjectLocation, request: (sdk: Sdk) => Promise<T>) {
    const sdk = await this.sdk();
    try {
      return await request(sdk);
    } catch (error) {
      throw this.failure(error, action, at);
    }
  }

  /** An SDK or network failure in the user's words. */
  private failure(error: unknown, action: string, at: ObjectLocation): ObjectStoreError {
    if (error instanceof ObjectStoreError) return error;
    const e = (error ?? {}) as SdkError;
    const url = s3Url(at);
    const code = e.code ?? e.errors?.[0]?.code;
    if (code && NETWORK_CODES[code])
      return new ObjectStoreError(
        `cannot reach the S3 endpoint ${this.endpoint}: ${NETWORK_CODES[code]}`,
      );
    if (e.name === 'TimeoutError')
      return new ObjectStoreError(`cannot reach the S3 endpoint ${this.endpoint}: timed out`);
    const detail = `${e.name ?? 'Error'}${e.message && e.message !== e.name ? `: ${e.message}` : ''}`;
    switch (e.name) {
      case 'NoSuchBucket':
        return new ObjectStoreError(`bucket "${at.bucket}" does not exist at ${this.endpoint}`);
      case 'NoSuchKey':
        return new ObjectStoreError(`${url} does not exist`, true);
      case 'InvalidAccessKeyId':
        return new ObjectStoreError(
          `${this.endpoint} does not know the access key id (InvalidAccessKeyId); check S3_ACCESS_KEY_ID`,
        );
      case 'SignatureDoesNotMatch':
        return new ObjectStoreError(
          `${this.endpoint} refused the request signature (SignatureDoesNotMatch): the secret in ` +
            'S3_SECRET_ACCESS_KEY_FILE does not belong to S3_ACCESS_KEY_ID',
        );
      case 'RequestTimeTooSkewed':
        return new ObjectStoreError(
          `${this.endpoint} refused the request: this machine's clock is off by more than 15 minutes`,
        );
      case 'AccessDenied':
      case 'Forbidden':
        return new ObjectStoreError(
          `${action} ${url} was denied (${detail}); the key needs s3:ListBucket, s3:GetObject, ` +
            's3:PutObject, s3:DeleteObject and s3:AbortMultipartUpload on the bucket',
        );
    }
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined)
      return new ObjectStoreError(`${action} ${url} failed (HTTP ${status}, ${detail})`);
    return new ObjectStoreError(`${action} ${url} failed (${detail})`);
  }
}
