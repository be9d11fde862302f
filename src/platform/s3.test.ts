import { describe, expect, it } from 'vitest';
import { ObjectStoreError, parseS3Url, s3Url } from './s3.js';

describe('s3:// URLs', () => {
  it('name a bucket and a key, or a prefix', () => {
    expect(parseS3Url('s3://backups/nightly/a.ndjson.gz')).toEqual({
      bucket: 'backups',
      key: 'nightly/a.ndjson.gz',
    });
    expect(parseS3Url('s3://backups/nightly/')).toEqual({ bucket: 'backups', key: 'nightly/' });
    expect(parseS3Url('s3://backups')).toEqual({ bucket: 'backups', key: '' });
    expect(parseS3Url('s3://my.bucket-1/')).toEqual({ bucket: 'my.bucket-1', key: '' });
    expect(s3Url({ bucket: 'backups', key: 'a/b' })).toBe('s3://backups/a/b');
  });

  it('leave paths alone and refuse what S3 would', () => {
    expect(parseS3Url('./backups/a.ndjson.gz')).toBeUndefined();
    expect(parseS3Url('/s3://x')).toBeUndefined();
    for (const bad of [
      's3://',
      's3://Backups/x',
      's3://ab/x',
      's3://backups//x',
      's3://backups/a//b',
    ])
      expect(() => parseS3Url(bad), bad).toThrow(ObjectStoreError);
  });
});
