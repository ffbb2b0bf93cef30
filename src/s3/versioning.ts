// Versioning as seen from an unversioned store: GetBucketVersioning answers "never enabled"
// (an empty configuration, as S3 does) and ListObjectVersions lists each object as its one
// version, `null`, the latest. Tools that probe versioning (rclone, s3cmd, `aws s3 rb --force`)
// get the answers S3 gives for such a bucket.
import { xmlReply } from '../server/reply.js';
import { buildXml } from '../server/xml.js';
import { bucketOf } from './context.js';
import { encodingOf, maxKeysOf } from './list.js';
import { ownerXml, type OperationSpec } from './operation.js';

export const GetBucketVersioning: OperationSpec = {
  handle() {
    return Promise.resolve(xmlReply(buildXml('VersioningConfiguration', {})));
  },
};

export const ListObjectVersions: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const q = call.route.query;
    const enc = encodingOf(call) ?? ((s: string) => s);
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const keyMarker = q.get('key-marker') ?? '';
    const maxKeys = maxKeysOf(call);
    const page = await call.services.metadata.listObjects(bucket.name, {
      prefix,
      delimiter,
      ...(keyMarker !== '' ? { startAfter: keyMarker } : {}),
      maxKeys,
    });
    return xmlReply(
      buildXml('ListVersionsResult', {
        Name: bucket.name,
        Prefix: enc(prefix),
        KeyMarker: enc(keyMarker),
        VersionIdMarker: q.get('version-id-marker') ?? '',
        NextKeyMarker: page.isTruncated && page.nextMarker !== null ? enc(page.nextMarker) : undefined,
        NextVersionIdMarker: page.isTruncated ? 'null' : undefined,
        MaxKeys: maxKeys,
        Delimiter: delimiter !== '' ? enc(delimiter) : undefined,
        IsTruncated: page.isTruncated,
        Version: page.objects.map((o) => ({
          Key: enc(o.key),
          VersionId: 'null',
          IsLatest: true,
          LastModified: o.lastModified,
          ETag: o.etag,
          Size: o.size,
          Owner: ownerXml(o.owner),
          StorageClass: o.storageClass,
        })),
        CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
        EncodingType: q.has('encoding-type') ? 'url' : undefined,
      }),
    );
  },
};
