// ListObjects (V1) and ListObjectsV2: prefix, delimiter, max-keys, marker / continuation-token /
// start-after, encoding-type=url, fetch-owner. Continuation tokens are opaque to clients: the
// base64 of a version byte and the key to resume after.
import { xmlReply } from '../server/reply.js';
import { buildXml, type XmlTree } from '../server/xml.js';
import { compareKeys } from '../store/keys.js';
import type { ObjectSummary } from '../store/metadata.js';
import { bucketOf, type S3Call } from './context.js';
import { intParam, invalidArgument, ownerXml, type OperationSpec } from './operation.js';

export const MAX_KEYS = 1000;
const TOKEN_VERSION = '1';

export function encodeToken(key: string): string {
  return Buffer.from(TOKEN_VERSION + key, 'utf8').toString('base64');
}

export function decodeToken(token: string): string {
  const bad = () =>
    invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  if (token === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(token)) throw bad();
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_VERSION) || text.length < 2) throw bad();
  return text.slice(1);
}

/** encoding-type: absent or `url` (keys then travel percent-encoded, as S3 encodes them). */
export function encodingOf(call: S3Call): ((s: string) => string) | undefined {
  const v = call.route.query.get('encoding-type');
  if (v === null) return undefined;
  if (v.toLowerCase() !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', v);
  return urlEncode;
}

/** S3's url encoding of keys: like encodeURIComponent, but `/` stays and spaces become `+`. */
export function urlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function maxKeysOf(call: S3Call, name = 'max-keys'): number {
  return Math.min(
    intParam(call, name, MAX_KEYS, 0, `Provided ${name} not an integer or within integer range`),
    MAX_KEYS,
  );
}

function contents(o: ObjectSummary, enc: (s: string) => string, owner: boolean): XmlTree {
  return {
    Key: enc(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    ...checksumAlgorithms(o),
    Size: o.size,
    Owner: owner ? ownerXml(o.owner) : undefined,
    StorageClass: o.storageClass,
  };
}

function checksumAlgorithms(o: ObjectSummary): XmlTree {
  const algs = Object.keys(o.checksums);
  return algs.length === 0
    ? {}
    : {
        ChecksumAlgorithm: algs,
        ChecksumType: Object.values(o.checksums).some((v) => v.includes('-')) ? 'COMPOSITE' : 'FULL_OBJECT',
      };
}

const identity = (s: string) => s;

export const ListObjects: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const q = call.route.query;
    const encode = encodingOf(call);
    const enc = encode ?? identity;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const marker = q.get('marker') ?? '';
    const maxKeys = maxKeysOf(call);
    const page = await call.services.metadata.listObjects(bucket.name, {
      prefix,
      delimiter,
      ...(marker !== '' ? { startAfter: marker } : {}),
      maxKeys,
    });
    return xmlReply(
      buildXml('ListBucketResult', {
        Name: bucket.name,
        Prefix: enc(prefix),
        Marker: enc(marker),
        MaxKeys: maxKeys,
        Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
        IsTruncated: page.isTruncated,
        // S3 sends NextMarker in V1 only when a delimiter is given (else the last key serves).
        NextMarker:
          page.isTruncated && delimiter !== '' && page.nextMarker !== null ? enc(page.nextMarker) : undefined,
        Contents: page.objects.map((o) => contents(o, enc, true)),
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: encode ? 'url' : undefined,
      }),
    );
  },
};

export const ListObjectsV2: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const q = call.route.query;
    const encode = encodingOf(call);
    const enc = encode ?? identity;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const token = q.get('continuation-token');
    const startAfter = q.get('start-after') ?? '';
    const fetchOwner = q.get('fetch-owner') === 'true';
    const maxKeys = maxKeysOf(call);
    let after = startAfter;
    if (token !== null) {
      const resume = decodeToken(token);
      if (compareKeys(resume, after) > 0) after = resume;
    }
    const page = await call.services.metadata.listObjects(bucket.name, {
      prefix,
      delimiter,
      ...(after !== '' ? { startAfter: after } : {}),
      maxKeys,
    });
    return xmlReply(
      buildXml('ListBucketResult', {
        Name: bucket.name,
        Prefix: enc(prefix),
        Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
        MaxKeys: maxKeys,
        KeyCount: page.objects.length + page.commonPrefixes.length,
        IsTruncated: page.isTruncated,
        ContinuationToken: token ?? undefined,
        NextContinuationToken:
          page.isTruncated && page.nextMarker !== null ? encodeToken(page.nextMarker) : undefined,
        StartAfter: q.has('start-after') ? enc(startAfter) : undefined,
        Contents: page.objects.map((o) => contents(o, enc, fetchOwner)),
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: encode ? 'url' : undefined,
      }),
    );
  },
};
