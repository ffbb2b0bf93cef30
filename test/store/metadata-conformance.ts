// The conformance suite every MetadataStore must pass (SQLite, PostgreSQL, ...). Each test
// works in buckets of its own, so one store instance serves the whole suite.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { isStoreError, type StoreErrorCode } from '../../src/store/errors.js';
import { commonPrefixOf } from '../../src/store/keys.js';
import type {
  MetadataStore,
  MultipartUploadRecord,
  ObjectSummary,
  PutObjectInput,
} from '../../src/store/metadata.js';

export interface StoreHarness {
  readonly store: MetadataStore;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** fast-check runs for the listing model test. */
  readonly propertyRuns?: number;
}

let counter = 0;
/** A bucket-name-shaped unique name. */
function uniqueName(tag: string): string {
  counter++;
  return `${tag}-${counter}-${randomBytes(4).toString('hex')}`;
}

const OWNER = '111122223333';
const OTHER = '444455556666';

function newBlobId(): string {
  return randomBytes(16).toString('hex');
}

function objectInput(bucket: string, key: string, extra: Partial<PutObjectInput> = {}): PutObjectInput {
  return {
    bucket,
    key,
    size: 3,
    etag: '"900150983cd24fb0d6963f7d28e17f72"',
    contentType: 'text/plain',
    userMetadata: {},
    systemMetadata: {},
    checksums: {},
    tags: {},
    acl: null,
    owner: OWNER,
    blobId: newBlobId(),
    lastModified: new Date(1_700_000_000_123),
    storageClass: 'STANDARD',
    ...extra,
  };
}

function uploadInput(
  bucket: string,
  key: string,
  uploadId: string,
  extra: Partial<MultipartUploadRecord> = {},
): MultipartUploadRecord {
  return {
    uploadId,
    bucket,
    key,
    initiated: new Date(1_700_000_000_000),
    initiator: 'arn:aws:iam::111122223333:user/alice',
    owner: OWNER,
    contentType: 'application/octet-stream',
    userMetadata: { color: 'blue' },
    systemMetadata: { 'cache-control': 'no-cache' },
    tags: { team: 'mobile' },
    acl: null,
    storageClass: 'STANDARD',
    checksumAlgorithm: null,
    checksumType: null,
    ...extra,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isStoreError(e), `expected StoreError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

/** S3's order, computed independently of compareKeys: by UTF-8 bytes. */
function byteSorted(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

type Item =
  { readonly kind: 'key'; readonly value: string } | { readonly kind: 'prefix'; readonly value: string };

/** The reference model of one S3 listing page. */
function modelList(
  keys: readonly string[],
  prefix: string,
  delimiter: string,
  startAfter: string,
  maxKeys: number,
): { items: Item[]; isTruncated: boolean; nextMarker: string | null } {
  const all: Item[] = [];
  for (const key of byteSorted(keys)) {
    if (!key.startsWith(prefix)) continue;
    const cp = commonPrefixOf(key, prefix, delimiter || null);
    const item: Item = cp === null ? { kind: 'key', value: key } : { kind: 'prefix', value: cp };
    const prev = all[all.length - 1];
    if (prev && prev.kind === 'prefix' && item.kind === 'prefix' && prev.value === item.value) continue;
    all.push(item);
  }
  const after = startAfter
    ? all.filter((i) => Buffer.compare(Buffer.from(i.value), Buffer.from(startAfter)) > 0)
    : all;
  if (maxKeys <= 0) return { items: [], isTruncated: false, nextMarker: null };
  const items = after.slice(0, maxKeys);
  const isTruncated = after.length > maxKeys;
  return { items, isTruncated, nextMarker: isTruncated ? (items[items.length - 1] as Item).value : null };
}

function itemsOf(page: { objects: ObjectSummary[]; commonPrefixes: string[] }): Item[] {
  const items: Item[] = [
    ...page.objects.map((o): Item => ({ kind: 'key', value: o.key })),
    ...page.commonPrefixes.map((p): Item => ({ kind: 'prefix', value: p })),
  ];
  return items.sort((a, b) => Buffer.compare(Buffer.from(a.value), Buffer.from(b.value)));
}

export function metadataConformance(
  name: string,
  open: () => Promise<StoreHarness>,
  options: ConformanceOptions = {},
): void {
  describe(`MetadataStore conformance: ${name}`, () => {
    let harness: StoreHarness;
    let store: MetadataStore;

    before(async () => {
      harness = await open();
      store = harness.store;
    });
    after(async () => {
      await harness?.close();
    });

    async function bucketWith(keys: readonly string[], tag = 'b'): Promise<string> {
      const bucket = uniqueName(tag);
      await store.createBucket({ name: bucket, owner: OWNER, region: 'us-east-1', createdAt: new Date() });
      for (const key of keys) await store.putObject(objectInput(bucket, key));
      return bucket;
    }

    /** Every page from `startAfter` on, following nextMarker. */
    async function listAll(
      bucket: string,
      opts: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys: number },
    ): Promise<Item[]> {
      const items: Item[] = [];
      let startAfter = opts.startAfter;
      for (let pages = 0; pages < 1000; pages++) {
        const page = await store.listObjects(bucket, { ...opts, startAfter });
        assert.ok(page.objects.length + page.commonPrefixes.length <= opts.maxKeys);
        items.push(...itemsOf(page));
        if (!page.isTruncated) {
          assert.equal(page.nextMarker, null);
          return items;
        }
        assert.ok(page.nextMarker !== null);
        startAfter = page.nextMarker;
      }
      throw new Error('listing did not terminate');
    }

    describe('buckets', () => {
      it('creates, gets and lists buckets by owner and in name order', async () => {
        const owner = String(100000000000 + Math.floor(Math.random() * 899999999999));
        const names = [uniqueName('zeta'), uniqueName('alpha'), uniqueName('mid')];
        const createdAt = new Date(1_690_000_000_456);
        for (const name of names) {
          const rec = await store.createBucket({ name, owner, region: 'eu-west-1', createdAt });
          assert.deepEqual(rec, { name, owner, region: 'eu-west-1', createdAt });
        }
        assert.deepEqual(await store.getBucket(names[0] as string), {
          name: names[0],
          owner,
          region: 'eu-west-1',
          createdAt,
        });
        assert.equal(await store.getBucket(uniqueName('missing')), null);
        const mine = await store.listBuckets({ owner });
        assert.deepEqual(
          mine.map((b) => b.name),
          byteSorted(names),
        );
        const all = await store.listBuckets();
        for (const name of names) assert.ok(all.some((b) => b.name === name));
        const allNames = all.map((b) => b.name);
        assert.deepEqual(allNames, byteSorted(allNames));
      });

      it('refuses a taken name, saying whether the caller already owns it', async () => {
        const name = uniqueName('taken');
        await store.createBucket({ name, owner: OWNER, region: 'us-east-1', createdAt: new Date() });
        await rejectsWith(
          store.createBucket({ name, owner: OWNER, region: 'us-east-1', createdAt: new Date() }),
          'BucketAlreadyOwnedByYou',
        );
        await rejectsWith(
          store.createBucket({ name, owner: OTHER, region: 'us-east-1', createdAt: new Date() }),
          'BucketAlreadyExists',
        );
        assert.equal((await store.getBucket(name))?.owner, OWNER);
      });

      it('creates a bucket once when many race for the name', async () => {
        const name = uniqueName('race');
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.createBucket({
              name,
              owner: i % 2 ? OWNER : OTHER,
              region: 'us-east-1',
              createdAt: new Date(),
            }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(isStoreError(r.reason));
            assert.ok(['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(r.reason.code));
          }
        }
      });

      it('deletes only empty buckets', async () => {
        await rejectsWith(store.deleteBucket(uniqueName('missing')), 'NoSuchBucket');
        const bucket = await bucketWith(['k']);
        await rejectsWith(store.deleteBucket(bucket), 'BucketNotEmpty');
        await store.deleteObject(bucket, 'k');
        await store.createMultipartUpload(uploadInput(bucket, 'big', 'u1-' + bucket));
        await rejectsWith(store.deleteBucket(bucket), 'BucketNotEmpty');
        await store.abortMultipartUpload(bucket, 'big', 'u1-' + bucket);
        await store.putBucketConfig(bucket, 'policy', '{"Version":"2012-10-17","Statement":[]}');
        await store.deleteBucket(bucket);
        assert.equal(await store.getBucket(bucket), null);
        await rejectsWith(store.deleteBucket(bucket), 'NoSuchBucket');
        // Its configuration went with it.
        await store.createBucket({ name: bucket, owner: OTHER, region: 'us-east-1', createdAt: new Date() });
        assert.equal(await store.getBucketConfig(bucket, 'policy'), null);
      });

      it('never strands objects when puts race a bucket delete', async () => {
        for (let round = 0; round < 5; round++) {
          const bucket = await bucketWith([]);
          const puts = Array.from({ length: 8 }, (_, i) => store.putObject(objectInput(bucket, `k${i}`)));
          const deletion = store.deleteBucket(bucket);
          const results = await Promise.allSettled([...puts, deletion]);
          const putResults = results.slice(0, -1);
          const deleted = results[results.length - 1]?.status === 'fulfilled';
          const stored = putResults.filter((r) => r.status === 'fulfilled').length;
          for (const r of putResults) {
            if (r.status === 'rejected') assert.ok(isStoreError(r.reason, 'NoSuchBucket'), String(r.reason));
          }
          if (deleted) {
            assert.equal(stored, 0);
            assert.equal(await store.getBucket(bucket), null);
          } else {
            const reason: unknown = (results[results.length - 1] as PromiseRejectedResult).reason;
            assert.ok(isStoreError(reason, 'BucketNotEmpty'), String(reason));
            assert.equal((await store.listObjects(bucket, { maxKeys: 100 })).objects.length, stored);
          }
        }
      });

      it('stores configuration documents per kind', async () => {
        const bucket = await bucketWith([]);
        assert.equal(await store.getBucketConfig(bucket, 'policy'), null);
        assert.deepEqual(await store.getBucketConfigs(bucket), {});
        const policy =
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"}]}';
        await store.putBucketConfig(bucket, 'policy', policy);
        await store.putBucketConfig(bucket, 'cors', '<CORSConfiguration/>');
        await store.putBucketConfig(bucket, 'public-access-block', '{"BlockPublicPolicy":true}');
        assert.equal(await store.getBucketConfig(bucket, 'policy'), policy);
        await store.putBucketConfig(bucket, 'policy', '{"v":2}');
        assert.equal(await store.getBucketConfig(bucket, 'policy'), '{"v":2}');
        assert.deepEqual(await store.getBucketConfigs(bucket), {
          policy: '{"v":2}',
          cors: '<CORSConfiguration/>',
          'public-access-block': '{"BlockPublicPolicy":true}',
        });
        assert.equal(await store.deleteBucketConfig(bucket, 'cors'), true);
        assert.equal(await store.deleteBucketConfig(bucket, 'cors'), false);
        assert.equal(await store.getBucketConfig(bucket, 'cors'), null);
        assert.equal(await store.getBucketConfig(bucket, 'tagging'), null);
      });

      it('answers NoSuchBucket for configuration of a missing bucket', async () => {
        const missing = uniqueName('missing');
        await rejectsWith(store.getBucketConfig(missing, 'acl'), 'NoSuchBucket');
        await rejectsWith(store.getBucketConfigs(missing), 'NoSuchBucket');
        await rejectsWith(store.putBucketConfig(missing, 'acl', '<x/>'), 'NoSuchBucket');
        await rejectsWith(store.deleteBucketConfig(missing, 'acl'), 'NoSuchBucket');
      });
    });

    describe('objects', () => {
      it('round-trips every field', async () => {
        const bucket = await bucketWith([]);
        const input = objectInput(bucket, 'dir/ünïcødé 😀 key', {
          size: 5 * 1024 ** 4, // 5 TiB: beyond 32 bits
          etag: '"d41d8cd98f00b204e9800998ecf8427e-12"',
          contentType: 'image/png',
          userMetadata: { 'my-key': 'välue 😀', empty: '' },
          systemMetadata: {
            'content-encoding': 'gzip',
            'cache-control': 'max-age=60',
            'content-disposition': 'attachment; filename="a.png"',
            expires: 'Wed, 21 Oct 2015 07:28:00 GMT',
            'content-language': 'de',
          },
          checksums: { CRC32: 'yZRlqg==', SHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' },
          tags: { project: 'x', 'a b': 'c=d' },
          acl: '<AccessControlPolicy/>',
          owner: OTHER,
          lastModified: new Date(1_700_000_000_999),
          storageClass: 'STANDARD_IA',
          partsCount: 12,
        });
        const res = await store.putObject(input);
        assert.deepEqual(res, { previousBlobId: null });
        const got = await store.getObject(bucket, input.key);
        assert.deepEqual(got, { ...input, partsCount: 12 });
        assert.deepEqual(await store.findObject(bucket, input.key), got);
        const plain = objectInput(bucket, 'plain');
        await store.putObject(plain);
        assert.equal((await store.getObject(bucket, 'plain')).partsCount, null);
      });

      it('replaces atomically and hands back the replaced blob', async () => {
        const bucket = await bucketWith([]);
        const first = objectInput(bucket, 'k');
        const second = objectInput(bucket, 'k', { size: 10, contentType: null });
        assert.equal((await store.putObject(first)).previousBlobId, null);
        assert.equal((await store.putObject(second)).previousBlobId, first.blobId);
        const got = await store.getObject(bucket, 'k');
        assert.equal(got.blobId, second.blobId);
        assert.equal(got.size, 10);
        assert.equal(got.contentType, null);
        // A metadata-only rewrite that keeps the blob must not ask for it to be deleted.
        assert.equal((await store.putObject({ ...second, userMetadata: { a: 'b' } })).previousBlobId, null);
        assert.deepEqual((await store.getObject(bucket, 'k')).userMetadata, { a: 'b' });
      });

      it('puts conditionally on the current blob (compare-and-swap), one winner per race', async () => {
        const bucket = await bucketWith([]);
        const first = objectInput(bucket, 'cas');
        // expectBlobId null: only when the key does not exist yet.
        await store.putObject({ ...first, expectBlobId: null });
        await rejectsWith(
          store.putObject({ ...objectInput(bucket, 'cas'), expectBlobId: null }),
          'PreconditionFailed',
        );
        await rejectsWith(
          store.putObject({ ...objectInput(bucket, 'cas'), expectBlobId: 'other' }),
          'PreconditionFailed',
        );
        const second = objectInput(bucket, 'cas', { size: 7 });
        assert.equal(
          (await store.putObject({ ...second, expectBlobId: first.blobId })).previousBlobId,
          first.blobId,
        );
        // Many writers expecting the same version: exactly one wins, the rest are refused.
        const racers = Array.from({ length: 12 }, () => objectInput(bucket, 'cas'));
        const results = await Promise.allSettled(
          racers.map((r) => store.putObject({ ...r, expectBlobId: second.blobId })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const fresh = Array.from({ length: 12 }, () => objectInput(bucket, 'cas-new'));
        const created = await Promise.allSettled(
          fresh.map((r) => store.putObject({ ...r, expectBlobId: null })),
        );
        assert.equal(created.filter((r) => r.status === 'fulfilled').length, 1);
      });

      it('deletes idempotently and reports misses with typed errors', async () => {
        const bucket = await bucketWith([]);
        const input = objectInput(bucket, 'k');
        await store.putObject(input);
        assert.deepEqual(await store.deleteObject(bucket, 'k'), { blobId: input.blobId });
        assert.deepEqual(await store.deleteObject(bucket, 'k'), { blobId: null });
        await rejectsWith(store.getObject(bucket, 'k'), 'NoSuchKey');
        assert.equal(await store.findObject(bucket, 'k'), null);
        const missing = uniqueName('missing');
        await rejectsWith(store.getObject(missing, 'k'), 'NoSuchBucket');
        await rejectsWith(store.deleteObject(missing, 'k'), 'NoSuchBucket');
        await rejectsWith(store.putObject(objectInput(missing, 'k')), 'NoSuchBucket');
        await rejectsWith(store.listObjects(missing, { maxKeys: 10 }), 'NoSuchBucket');
        await rejectsWith(store.listObjects(missing, { maxKeys: 0 }), 'NoSuchBucket');
        await rejectsWith(store.getObjectTags(missing, 'k'), 'NoSuchBucket');
      });

      it('gets and replaces tags and ACLs', async () => {
        const bucket = await bucketWith([]);
        await store.putObject(objectInput(bucket, 'k', { tags: { a: '1' } }));
        assert.deepEqual(await store.getObjectTags(bucket, 'k'), { a: '1' });
        await store.putObjectTags(bucket, 'k', { b: '2', c: 'ü' });
        assert.deepEqual(await store.getObjectTags(bucket, 'k'), { b: '2', c: 'ü' });
        await store.putObjectTags(bucket, 'k', {});
        assert.deepEqual(await store.getObjectTags(bucket, 'k'), {});
        await store.putObjectAcl(bucket, 'k', '<acl/>');
        assert.equal((await store.getObject(bucket, 'k')).acl, '<acl/>');
        await store.putObjectAcl(bucket, 'k', null);
        assert.equal((await store.getObject(bucket, 'k')).acl, null);
        await rejectsWith(store.getObjectTags(bucket, 'nope'), 'NoSuchKey');
        await rejectsWith(store.putObjectTags(bucket, 'nope', {}), 'NoSuchKey');
        await rejectsWith(store.putObjectAcl(bucket, 'nope', null), 'NoSuchKey');
        await rejectsWith(store.putObjectTags(uniqueName('missing'), 'k', {}), 'NoSuchBucket');
      });

      it('keeps every blob accounted for when puts to one key race', async () => {
        const bucket = await bucketWith([]);
        const inputs = Array.from({ length: 40 }, (_, i) => objectInput(bucket, 'hot', { size: i }));
        const results = await Promise.all(inputs.map((input) => store.putObject(input)));
        const final = await store.getObject(bucket, 'hot');
        const previous = results.map((r) => r.previousBlobId).filter((id): id is string => id !== null);
        // Exactly one put created the key; every other put replaced exactly one distinct blob.
        assert.equal(previous.length, inputs.length - 1);
        assert.deepEqual([...previous, final.blobId].sort(), inputs.map((i) => i.blobId).sort());
        assert.equal(final.size, inputs.find((i) => i.blobId === final.blobId)?.size);
      });

      it('keeps every blob accounted for when puts and deletes race', async () => {
        const bucket = await bucketWith([]);
        const inputs = Array.from({ length: 30 }, () => objectInput(bucket, 'contended'));
        const freed: string[] = [];
        await Promise.all(
          inputs.map(async (input, i) => {
            const r = await store.putObject(input);
            if (r.previousBlobId) freed.push(r.previousBlobId);
            if (i % 3 === 0) {
              const d = await store.deleteObject(bucket, 'contended');
              if (d.blobId) freed.push(d.blobId);
            }
          }),
        );
        const left = await store.findObject(bucket, 'contended');
        const all = left ? [...freed, left.blobId] : freed;
        assert.deepEqual(all.sort(), inputs.map((i) => i.blobId).sort());
      });
    });

    describe('listing', () => {
      it('orders keys by UTF-8 bytes, not UTF-16 code units', async () => {
        const keys = [
          'a',
          'b',
          'A',
          '~',
          'é',
          'z',
          '\u00ff',
          '\u0100',
          '\ue000',
          '\uffef',
          '\ufffd',
          '😀',
          '𝄞',
          'ab',
          'a/b',
          'a b',
          '\u007f',
        ];
        // The test means something only if JS's own order differs from byte order here.
        assert.notDeepEqual([...keys].sort(), byteSorted(keys));
        const bucket = await bucketWith(keys);
        const page = await store.listObjects(bucket, { maxKeys: 1000 });
        assert.deepEqual(
          page.objects.map((o) => o.key),
          byteSorted(keys),
        );
        assert.equal(page.isTruncated, false);
        assert.equal(page.nextMarker, null);
        // Paging one key at a time across the surrogate/BMP boundary keeps the same order.
        assert.deepEqual(
          (await listAll(bucket, { maxKeys: 1 })).map((i) => i.value),
          byteSorted(keys),
        );
        // Prefix bounds with non-ASCII prefixes.
        const emoji = await store.listObjects(bucket, { prefix: '😀', maxKeys: 10 });
        assert.deepEqual(
          emoji.objects.map((o) => o.key),
          ['😀'],
        );
        const after = await store.listObjects(bucket, { startAfter: '\ufffd', maxKeys: 10 });
        assert.deepEqual(
          after.objects.map((o) => o.key),
          byteSorted(['😀', '𝄞']),
        );
      });

      it('returns summaries with the fields a listing shows', async () => {
        const bucket = await bucketWith([]);
        const input = objectInput(bucket, 'x', {
          size: 42,
          checksums: { CRC32C: 'AAAAAA==' },
          storageClass: 'GLACIER',
        });
        await store.putObject(input);
        const page = await store.listObjects(bucket, { maxKeys: 10 });
        assert.deepEqual(page.objects, [
          {
            key: 'x',
            size: 42,
            etag: input.etag,
            lastModified: input.lastModified,
            storageClass: 'GLACIER',
            owner: OWNER,
            checksums: { CRC32C: 'AAAAAA==' },
          },
        ]);
      });

      it('rolls keys up into common prefixes under a delimiter', async () => {
        const keys = [
          'sample.jpg',
          'photos/2006/January/sample.jpg',
          'photos/2006/February/sample2.jpg',
          'photos/2006/February/sample3.jpg',
          'photos/2006/February/sample4.jpg',
          'photos/2006/',
          'photos/index.html',
          'photos/2007/x',
          'photosx',
          'videos/a.mp4',
        ];
        const bucket = await bucketWith(keys);
        const top = await store.listObjects(bucket, { delimiter: '/', maxKeys: 1000 });
        assert.deepEqual(
          top.objects.map((o) => o.key),
          ['photosx', 'sample.jpg'],
        );
        assert.deepEqual(top.commonPrefixes, ['photos/', 'videos/']);
        const photos = await store.listObjects(bucket, { prefix: 'photos/', delimiter: '/', maxKeys: 1000 });
        assert.deepEqual(
          photos.objects.map((o) => o.key),
          ['photos/index.html'],
        );
        assert.deepEqual(photos.commonPrefixes, ['photos/2006/', 'photos/2007/']);
        // The key equal to the prefix is listed as a key, not rolled up.
        const y2006 = await store.listObjects(bucket, {
          prefix: 'photos/2006/',
          delimiter: '/',
          maxKeys: 1000,
        });
        assert.deepEqual(
          y2006.objects.map((o) => o.key),
          ['photos/2006/'],
        );
        assert.deepEqual(y2006.commonPrefixes, ['photos/2006/February/', 'photos/2006/January/']);
        // A prefix that ends mid-segment.
        const partial = await store.listObjects(bucket, {
          prefix: 'photos/2006/Feb',
          delimiter: '/',
          maxKeys: 1000,
        });
        assert.deepEqual(partial.commonPrefixes, ['photos/2006/February/']);
        assert.deepEqual(partial.objects, []);
        // Prefix alone (no delimiter) is a plain range.
        const plain = await store.listObjects(bucket, { prefix: 'photos', maxKeys: 1000 });
        assert.deepEqual(
          plain.objects.map((o) => o.key),
          byteSorted(keys.filter((k) => k.startsWith('photos'))),
        );
        // An empty delimiter means none.
        const none = await store.listObjects(bucket, { delimiter: '', maxKeys: 1000 });
        assert.equal(none.objects.length, keys.length);
        assert.deepEqual(none.commonPrefixes, []);
      });

      it('supports multi-character and non-ASCII delimiters', async () => {
        const keys = ['a--b--c', 'a--d', 'a-e', 'xéy', 'xéz', 'x', 'q😀r', 'q😀s', 'q'];
        const bucket = await bucketWith(keys);
        const dashes = await store.listObjects(bucket, { delimiter: '--', maxKeys: 100 });
        assert.deepEqual(dashes.commonPrefixes, ['a--']);
        assert.deepEqual(
          dashes.objects.map((o) => o.key),
          byteSorted(['a-e', 'xéy', 'xéz', 'x', 'q😀r', 'q😀s', 'q']),
        );
        const accent = await store.listObjects(bucket, { delimiter: 'é', maxKeys: 100 });
        assert.deepEqual(accent.commonPrefixes, ['xé']);
        const emoji = await store.listObjects(bucket, { delimiter: '😀', maxKeys: 100 });
        assert.deepEqual(emoji.commonPrefixes, ['q😀']);
        const nested = await store.listObjects(bucket, { prefix: 'a--', delimiter: '--', maxKeys: 100 });
        assert.deepEqual(nested.commonPrefixes, ['a--b--']);
        assert.deepEqual(
          nested.objects.map((o) => o.key),
          ['a--d'],
        );
      });

      it('truncates and continues across common prefixes without repeats or gaps', async () => {
        const keys: string[] = [];
        for (const dir of ['a', 'b', 'c']) for (let i = 0; i < 5; i++) keys.push(`${dir}/${i}`);
        keys.push('a0', 'b0', 'd', 'e/x/y', 'e/z');
        const bucket = await bucketWith(keys);
        const expected = modelList(keys, '', '/', '', 1000).items;
        assert.deepEqual(
          expected.map((i) => i.value),
          ['a/', 'a0', 'b/', 'b0', 'c/', 'd', 'e/'],
        );
        for (const maxKeys of [1, 2, 3, 4, 6, 7, 8]) {
          assert.deepEqual(
            await listAll(bucket, { delimiter: '/', maxKeys }),
            expected,
            `maxKeys ${maxKeys}`,
          );
        }
        const first = await store.listObjects(bucket, { delimiter: '/', maxKeys: 2 });
        assert.deepEqual(first.commonPrefixes, ['a/']);
        assert.deepEqual(
          first.objects.map((o) => o.key),
          ['a0'],
        );
        assert.equal(first.isTruncated, true);
        assert.equal(first.nextMarker, 'a0');
        const second = await store.listObjects(bucket, { delimiter: '/', maxKeys: 1, startAfter: 'a0' });
        assert.deepEqual(second.commonPrefixes, ['b/']);
        assert.equal(second.nextMarker, 'b/');
        // Continuing from a common prefix skips every key beneath it.
        const third = await store.listObjects(bucket, { delimiter: '/', maxKeys: 1, startAfter: 'b/' });
        assert.deepEqual(
          third.objects.map((o) => o.key),
          ['b0'],
        );
        // Exactly full: not truncated.
        const exact = await store.listObjects(bucket, { delimiter: '/', maxKeys: 7 });
        assert.equal(exact.isTruncated, false);
        assert.equal(exact.nextMarker, null);
        // Without a delimiter, paging by 4 sees every key once.
        assert.deepEqual(
          (await listAll(bucket, { maxKeys: 4 })).map((i) => i.value),
          byteSorted(keys),
        );
      });

      it('returns nothing, untruncated, for max-keys 0', async () => {
        const bucket = await bucketWith(['a', 'b/c']);
        const page = await store.listObjects(bucket, { maxKeys: 0, delimiter: '/' });
        assert.deepEqual(page, { objects: [], commonPrefixes: [], isTruncated: false, nextMarker: null });
        const empty = await bucketWith([]);
        assert.deepEqual(await store.listObjects(empty, { maxKeys: 0 }), page);
        assert.deepEqual(await store.listObjects(empty, { maxKeys: 1000 }), page);
      });

      it('treats start-after as exclusive, inside or outside the prefix', async () => {
        const keys = ['a/k', 'a/m', 'a/z', 'b', 'c/1', 'c/2'];
        const bucket = await bucketWith(keys);
        const keysOf = async (o: {
          prefix?: string;
          delimiter?: string;
          startAfter?: string;
        }): Promise<string[]> =>
          itemsOf(await store.listObjects(bucket, { ...o, maxKeys: 100 })).map((i) => i.value);
        assert.deepEqual(await keysOf({ startAfter: 'a/m' }), ['a/z', 'b', 'c/1', 'c/2']);
        assert.deepEqual(await keysOf({ startAfter: 'a/l' }), ['a/m', 'a/z', 'b', 'c/1', 'c/2']);
        // A start inside a common prefix: that prefix was already returned, S3 does not repeat it.
        assert.deepEqual(await keysOf({ startAfter: 'a/m', delimiter: '/' }), ['b', 'c/']);
        assert.deepEqual(await keysOf({ startAfter: 'a', delimiter: '/' }), ['a/', 'b', 'c/']);
        // Start before the prefix: the prefix bounds; after it: nothing.
        assert.deepEqual(await keysOf({ startAfter: '0', prefix: 'c/' }), ['c/1', 'c/2']);
        assert.deepEqual(await keysOf({ startAfter: 'd', prefix: 'c/' }), []);
        assert.deepEqual(await keysOf({ startAfter: 'c/1', prefix: 'c/' }), ['c/2']);
        assert.deepEqual(await keysOf({ startAfter: 'zzz' }), []);
      });

      it('matches the reference model for random keys, prefixes, delimiters and pages', async () => {
        const alphabet = fc.constantFrom('a', 'b', '/', '-', 'é', '😀', '\ufffd', '\ue000');
        const str = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: alphabet, maxLength });
        await fc.assert(
          fc.asyncProperty(
            fc.uniqueArray(
              str(5).filter((s) => s.length > 0),
              { maxLength: 14 },
            ),
            str(2),
            fc.constantFrom('', '/', '-', 'é', '😀', 'a/', '//'),
            fc.option(str(3), { nil: undefined }),
            fc.integer({ min: 0, max: 5 }),
            async (keys, prefix, delimiter, startAfter, maxKeys) => {
              const bucket = await bucketWith(keys, 'prop');
              const model = modelList(keys, prefix, delimiter, startAfter ?? '', maxKeys);
              const page = await store.listObjects(bucket, { prefix, delimiter, startAfter, maxKeys });
              assert.deepEqual(itemsOf(page), model.items);
              assert.equal(page.isTruncated, model.isTruncated);
              assert.equal(page.nextMarker, model.nextMarker);
              if (maxKeys > 0) {
                const everything = modelList(keys, prefix, delimiter, startAfter ?? '', 10_000).items;
                assert.deepEqual(
                  await listAll(bucket, { prefix, delimiter, startAfter, maxKeys }),
                  everything,
                );
              }
            },
          ),
          { numRuns: options.propertyRuns ?? 150 },
        );
      });
    });

    describe('multipart uploads', () => {
      it('runs the whole lifecycle: create, parts, list, complete', async () => {
        const bucket = await bucketWith([]);
        const uploadId = `0001-${bucket}`;
        const upload = uploadInput(bucket, 'big/file.bin', uploadId, {
          acl: '<acl/>',
          checksumAlgorithm: 'CRC32',
          checksumType: 'COMPOSITE',
        });
        await store.createMultipartUpload(upload);
        assert.deepEqual(await store.getMultipartUpload(bucket, 'big/file.bin', uploadId), upload);

        const blobs = [newBlobId(), newBlobId(), newBlobId()];
        const part = (n: number, blobId: string, size = 5 * 1024 * 1024) => ({
          bucket,
          key: 'big/file.bin',
          uploadId,
          partNumber: n,
          size,
          etag: `"etag${n}"`,
          blobId,
          checksums: { CRC32: `crc${n}` },
          lastModified: new Date(1_700_000_001_000 + n),
        });
        assert.deepEqual(await store.putPart(part(3, blobs[2] as string, 7)), { previousBlobId: null });
        assert.deepEqual(await store.putPart(part(1, blobs[0] as string)), { previousBlobId: null });
        const stale = newBlobId();
        await store.putPart(part(2, stale));
        // Re-uploading a part replaces it and hands back the old blob.
        assert.deepEqual(await store.putPart(part(2, blobs[1] as string)), { previousBlobId: stale });

        const all = await store.listParts(bucket, 'big/file.bin', uploadId, { maxParts: 1000 });
        assert.equal(all.isTruncated, false);
        assert.deepEqual(
          all.parts.map((p) => [p.partNumber, p.blobId, p.etag, p.size]),
          [
            [1, blobs[0], '"etag1"', 5 * 1024 * 1024],
            [2, blobs[1], '"etag2"', 5 * 1024 * 1024],
            [3, blobs[2], '"etag3"', 7],
          ],
        );
        assert.deepEqual(all.parts[0]?.checksums, { CRC32: 'crc1' });
        assert.deepEqual(all.parts[2]?.lastModified, new Date(1_700_000_001_003));
        const page1 = await store.listParts(bucket, 'big/file.bin', uploadId, { maxParts: 2 });
        assert.deepEqual(
          page1.parts.map((p) => p.partNumber),
          [1, 2],
        );
        assert.equal(page1.isTruncated, true);
        assert.equal(page1.nextPartNumberMarker, 2);
        const page2 = await store.listParts(bucket, 'big/file.bin', uploadId, {
          maxParts: 2,
          partNumberMarker: 2,
        });
        assert.deepEqual(
          page2.parts.map((p) => p.partNumber),
          [3],
        );
        assert.equal(page2.isTruncated, false);
        assert.deepEqual(
          (await store.listParts(bucket, 'big/file.bin', uploadId, { maxParts: 0 })).parts,
          [],
        );

        // An object already there is replaced by the completion.
        const existing = objectInput(bucket, 'big/file.bin');
        await store.putObject(existing);
        const assembled = newBlobId();
        const done = await store.completeMultipartUpload({
          bucket,
          key: 'big/file.bin',
          uploadId,
          blobId: assembled,
          size: 10 * 1024 * 1024 + 7,
          etag: '"abc-3"',
          checksums: { CRC32: 'whole-3' },
          lastModified: new Date(1_700_000_002_000),
          partsCount: 3,
        });
        assert.deepEqual([...done.partBlobIds].sort(), [...blobs].sort());
        assert.equal(done.previousBlobId, existing.blobId);
        const expected = {
          bucket,
          key: 'big/file.bin',
          size: 10 * 1024 * 1024 + 7,
          etag: '"abc-3"',
          contentType: upload.contentType,
          userMetadata: upload.userMetadata,
          systemMetadata: upload.systemMetadata,
          checksums: { CRC32: 'whole-3' },
          tags: upload.tags,
          acl: '<acl/>',
          owner: OWNER,
          blobId: assembled,
          lastModified: new Date(1_700_000_002_000),
          storageClass: 'STANDARD',
          partsCount: 3,
        };
        assert.deepEqual(done.object, expected);
        assert.deepEqual(await store.getObject(bucket, 'big/file.bin'), expected);
        await rejectsWith(store.getMultipartUpload(bucket, 'big/file.bin', uploadId), 'NoSuchUpload');
        await rejectsWith(
          store.listParts(bucket, 'big/file.bin', uploadId, { maxParts: 10 }),
          'NoSuchUpload',
        );
        await rejectsWith(store.putPart(part(4, newBlobId())), 'NoSuchUpload');
        await rejectsWith(
          store.completeMultipartUpload({ ...done.object, uploadId, partsCount: 3 }),
          'NoSuchUpload',
        );
        // Nothing left that could keep the bucket alive.
        await store.deleteObject(bucket, 'big/file.bin');
        await store.deleteBucket(bucket);
      });

      it('never returns the assembled blob among the part blobs to delete', async () => {
        const bucket = await bucketWith([]);
        const uploadId = `u-${bucket}`;
        await store.createMultipartUpload(uploadInput(bucket, 'one', uploadId));
        const only = newBlobId();
        await store.putPart({
          bucket,
          key: 'one',
          uploadId,
          partNumber: 1,
          size: 1,
          etag: '"e"',
          blobId: only,
          checksums: {},
          lastModified: new Date(),
        });
        const done = await store.completeMultipartUpload({
          bucket,
          key: 'one',
          uploadId,
          blobId: only,
          size: 1,
          etag: '"x-1"',
          checksums: {},
          lastModified: new Date(),
          partsCount: 1,
        });
        assert.deepEqual(done.partBlobIds, []);
        assert.equal(done.previousBlobId, null);
      });

      it('aborts, returning the part blobs, and rejects unknown uploads', async () => {
        const bucket = await bucketWith([]);
        const uploadId = `u-${bucket}`;
        await store.createMultipartUpload(uploadInput(bucket, 'k', uploadId));
        const blobs = [newBlobId(), newBlobId()];
        for (const [i, blobId] of blobs.entries()) {
          await store.putPart({
            bucket,
            key: 'k',
            uploadId,
            partNumber: i + 1,
            size: 1,
            etag: '"e"',
            blobId,
            checksums: {},
            lastModified: new Date(),
          });
        }
        // The id alone is not enough: bucket and key must match too.
        await rejectsWith(store.getMultipartUpload(bucket, 'other', uploadId), 'NoSuchUpload');
        await rejectsWith(store.abortMultipartUpload(bucket, 'other', uploadId), 'NoSuchUpload');
        const other = await bucketWith([]);
        await rejectsWith(store.getMultipartUpload(other, 'k', uploadId), 'NoSuchUpload');
        await rejectsWith(
          store.putPart({
            bucket: other,
            key: 'k',
            uploadId,
            partNumber: 9,
            size: 1,
            etag: '"e"',
            blobId: newBlobId(),
            checksums: {},
            lastModified: new Date(),
          }),
          'NoSuchUpload',
        );
        const res = await store.abortMultipartUpload(bucket, 'k', uploadId);
        assert.deepEqual([...res.partBlobIds].sort(), [...blobs].sort());
        await rejectsWith(store.abortMultipartUpload(bucket, 'k', uploadId), 'NoSuchUpload');
        const missing = uniqueName('missing');
        await rejectsWith(
          store.createMultipartUpload(uploadInput(missing, 'k', `u-${missing}`)),
          'NoSuchBucket',
        );
        await rejectsWith(store.getMultipartUpload(missing, 'k', uploadId), 'NoSuchBucket');
        await rejectsWith(store.listMultipartUploads(missing, { maxUploads: 10 }), 'NoSuchBucket');
      });

      it('lists uploads with prefix, delimiter, markers and truncation', async () => {
        const bucket = await bucketWith([]);
        const uploads: [string, string][] = [
          ['a/1', 'u1'],
          ['a/2', 'u2'],
          ['b', 'u3'],
          ['b', 'u4'],
          ['b', 'u5'],
          ['c/d/e', 'u6'],
          ['é', 'u7'],
          ['😀', 'u8'],
          ['\ufffd', 'u9'],
        ];
        for (const [key, id] of uploads)
          await store.createMultipartUpload(uploadInput(bucket, key, `${id}-${bucket}`));
        const ids = (r: { uploads: MultipartUploadRecord[] }): string[] =>
          r.uploads.map((u) => u.uploadId.split('-')[0] as string);

        const all = await store.listMultipartUploads(bucket, { maxUploads: 100 });
        assert.deepEqual(ids(all), ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u9', 'u8']);
        assert.equal(all.isTruncated, false);
        assert.deepEqual(all.uploads[0], uploadInput(bucket, 'a/1', `u1-${bucket}`));

        const rolled = await store.listMultipartUploads(bucket, { delimiter: '/', maxUploads: 100 });
        assert.deepEqual(rolled.commonPrefixes, ['a/', 'c/']);
        assert.deepEqual(ids(rolled), ['u3', 'u4', 'u5', 'u7', 'u9', 'u8']);

        const prefixed = await store.listMultipartUploads(bucket, {
          prefix: 'c/',
          delimiter: '/',
          maxUploads: 100,
        });
        assert.deepEqual(prefixed.commonPrefixes, ['c/d/']);
        assert.deepEqual(ids(prefixed), []);

        const page = await store.listMultipartUploads(bucket, { maxUploads: 3 });
        assert.deepEqual(ids(page), ['u1', 'u2', 'u3']);
        assert.equal(page.isTruncated, true);
        assert.equal(page.nextKeyMarker, 'b');
        assert.equal(page.nextUploadIdMarker, `u3-${bucket}`);
        const next = await store.listMultipartUploads(bucket, {
          maxUploads: 3,
          keyMarker: page.nextKeyMarker as string,
          uploadIdMarker: page.nextUploadIdMarker as string,
        });
        assert.deepEqual(ids(next), ['u4', 'u5', 'u6']);
        // key-marker alone skips every upload of that key.
        const keyOnly = await store.listMultipartUploads(bucket, { maxUploads: 100, keyMarker: 'b' });
        assert.deepEqual(ids(keyOnly), ['u6', 'u7', 'u9', 'u8']);
        // upload-id-marker without key-marker is ignored.
        const ignored = await store.listMultipartUploads(bucket, { maxUploads: 2, uploadIdMarker: 'zzz' });
        assert.deepEqual(ids(ignored), ['u1', 'u2']);

        // Paging with a delimiter: prefixes count toward the limit and are not repeated.
        const seen: string[] = [];
        let keyMarker: string | undefined;
        let uploadIdMarker: string | undefined;
        for (;;) {
          const p = await store.listMultipartUploads(bucket, {
            delimiter: '/',
            maxUploads: 2,
            keyMarker,
            uploadIdMarker,
          });
          seen.push(...p.commonPrefixes, ...ids(p));
          if (!p.isTruncated) break;
          keyMarker = p.nextKeyMarker ?? undefined;
          uploadIdMarker = p.nextUploadIdMarker ?? undefined;
        }
        assert.deepEqual(seen.sort(), ['a/', 'c/', 'u3', 'u4', 'u5', 'u7', 'u8', 'u9']);
        assert.deepEqual(await store.listMultipartUploads(bucket, { maxUploads: 0 }), {
          uploads: [],
          commonPrefixes: [],
          isTruncated: false,
          nextKeyMarker: null,
          nextUploadIdMarker: null,
        });
      });

      it('keeps every part blob accounted for when part uploads race completion', async () => {
        const bucket = await bucketWith([]);
        const uploadId = `u-${bucket}`;
        await store.createMultipartUpload(uploadInput(bucket, 'k', uploadId));
        const written: string[] = [];
        const freed: string[] = [];
        const putPart = async (partNumber: number): Promise<void> => {
          const blobId = newBlobId();
          written.push(blobId);
          try {
            const r = await store.putPart({
              bucket,
              key: 'k',
              uploadId,
              partNumber,
              size: 1,
              etag: '"e"',
              blobId,
              checksums: {},
              lastModified: new Date(),
            });
            if (r.previousBlobId) freed.push(r.previousBlobId);
          } catch (e) {
            // Too late: the upload is gone, so the caller deletes the blob it just wrote.
            assert.ok(isStoreError(e, 'NoSuchUpload'), String(e));
            freed.push(blobId);
          }
        };
        // Parts queued before and after the completion, so some land on each side of it.
        const early = Array.from({ length: 10 }, (_, i) => putPart((i % 4) + 1));
        const assembled = newBlobId();
        const completion = store.completeMultipartUpload({
          bucket,
          key: 'k',
          uploadId,
          blobId: assembled,
          size: 4,
          etag: '"x-4"',
          checksums: {},
          lastModified: new Date(),
          partsCount: 4,
        });
        const late = Array.from({ length: 20 }, (_, i) => putPart((i % 4) + 1));
        await Promise.all([...early, ...late]);
        const done = await completion;
        freed.push(...done.partBlobIds);
        assert.deepEqual(freed.sort(), written.sort());
        assert.equal((await store.getObject(bucket, 'k')).blobId, assembled);
      });
    });

    describe('maintenance', () => {
      it('tells which blob ids metadata still references', async () => {
        const bucket = await bucketWith([]);
        const obj = objectInput(bucket, 'k');
        await store.putObject(obj);
        const uploadId = `u-${bucket}`;
        await store.createMultipartUpload(uploadInput(bucket, 'm', uploadId));
        const partBlob = newBlobId();
        await store.putPart({
          bucket,
          key: 'm',
          uploadId,
          partNumber: 1,
          size: 1,
          etag: '"e"',
          blobId: partBlob,
          checksums: {},
          lastModified: new Date(),
        });
        const orphans = Array.from({ length: 1200 }, newBlobId);
        const found = await store.referencedBlobIds([
          ...orphans.slice(0, 700),
          obj.blobId,
          ...orphans.slice(700),
          partBlob,
        ]);
        assert.deepEqual([...found].sort(), [obj.blobId, partBlob].sort());
        assert.deepEqual(await store.referencedBlobIds([]), new Set());
      });
    });
  });
}
