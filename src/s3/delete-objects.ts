// DeleteObjects (POST ?delete): up to 1000 keys, each authorized and deleted on its own; S3
// reports failures (AccessDenied included) per key in a 200 answer. The body must carry an
// integrity header (Content-MD5, or an x-amz-checksum-* in recent S3), as S3 requires.
import { readAll } from '../server/body.js';
import { badDigest, S3Error } from '../server/errors.js';
import { xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody, type XmlTree } from '../server/xml.js';
import { CHECKSUM_ALGORITHMS, digestOf } from '../store/checksums.js';
import { accessDenied, check, objectArn } from './authorize.js';
import { checksumHeaderName } from './checksum-headers.js';
import { bucketOf } from './context.js';
import { deleteBlobs } from './objects.js';
import type { OperationSpec } from './operation.js';
import { MAX_KEY_BYTES } from './routes.js';

const MAX_OBJECTS = 1000;
const BODY_LIMIT = 2 * 1024 * 1024;

export const DeleteObjects: OperationSpec = {
  authorization: 'self',
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(call.body.stream, BODY_LIMIT, () => new S3Error('MalformedXML'));
    verifyIntegrity(call.ctx.header.bind(call.ctx), body);
    const root = parseXmlBody(body, 'Delete', { arrays: ['Object'] });
    const quiet = (childText(root, 'Quiet') ?? 'false').trim().toLowerCase() === 'true';
    const objects = childElements(root, 'Object');
    if (objects.length === 0 || objects.length > MAX_OBJECTS) throw new S3Error('MalformedXML');
    const requests = objects.map((o) => {
      const key = childText(o, 'Key');
      if (key === undefined) throw new S3Error('MalformedXML');
      return { key, versionId: childText(o, 'VersionId') };
    });

    const policy = call.bucketPolicy;
    const deleted: XmlTree[] = [];
    const errors: XmlTree[] = [];
    for (const { key, versionId } of requests) {
      const fail = (err: S3Error) =>
        errors.push({ Key: key, VersionId: versionId, Code: err.code, Message: err.message });
      if (Buffer.byteLength(key) > MAX_KEY_BYTES || key === '') {
        fail(new S3Error('KeyTooLongError'));
        continue;
      }
      if (versionId !== undefined && versionId !== '' && versionId !== 'null') {
        fail(new S3Error('InvalidArgument', 'Invalid version id specified'));
        continue;
      }
      const { request, decision } = check(call, {
        action: 's3:DeleteObject',
        resource: objectArn(bucket.name, key),
        owner: bucket.owner,
        policy,
      });
      if (decision.decision !== 'Allowed') {
        fail(accessDenied(request, decision));
        continue;
      }
      try {
        const { blobId } = await call.services.metadata.deleteObject(bucket.name, key);
        await deleteBlobs(call, [blobId]);
        if (!quiet) deleted.push({ Key: key, VersionId: versionId });
      } catch (e) {
        call.services.log.error(
          { err: e, requestId: call.ctx.requestId, key },
          'DeleteObjects: delete failed',
        );
        fail(new S3Error('InternalError'));
      }
    }
    return xmlReply(buildXml('DeleteResult', { Deleted: deleted, Error: errors }));
  },
};

function verifyIntegrity(header: (name: string) => string | undefined, body: Buffer): void {
  const md5 = header('content-md5');
  if (md5 !== undefined) {
    const want = Buffer.from(md5.trim(), 'base64');
    if (want.length !== 16) throw new S3Error('InvalidDigest');
    if (!want.equals(digestOf('MD5', body))) throw new S3Error('BadDigest');
    return;
  }
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = header(checksumHeaderName(alg));
    if (value === undefined) continue;
    if (!Buffer.from(value.trim(), 'base64').equals(digestOf(alg, body))) throw badDigest(alg);
    return;
  }
  throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
}
