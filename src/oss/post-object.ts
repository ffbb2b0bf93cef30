// PostObject: browser uploads to `POST /<bucket>` with a multipart/form-data policy form, signed
// the OSS way — V1 `OSSAccessKeyId` + `Signature` = base64(HMAC-SHA1(secret, policy)), or V4
// `x-oss-signature-version: OSS4-HMAC-SHA256`, `x-oss-credential`, `x-oss-date`,
// `x-oss-signature` = hex(HMAC-SHA256(V4 signing key, policy)) — plus `x-oss-security-token`
// for STS credentials. The form's policy is the S3 dialect's (parsed and checked by the same
// code, so its denials read "Invalid according to Policy: Policy expired." / "...: Policy
// Condition failed: [...]"); OSS does not refuse fields the policy leaves out. An unsigned form
// is anonymous (a public-read-write bucket takes it). The signer is then authorized for
// oss:PutObject on the key, as any other write.
import { deriveSigningKey, hmacSha1Base64, hmacSha256, safeEqual } from '../auth/crypto.js';
import type { Caller } from '../server/caller.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply, type Reply } from '../server/reply.js';
import { buildXml } from '../server/xml.js';
import { deleteBlobs } from '../s3/objects.js';
import { bucketOf } from '../s3/context.js';
import { fieldsOf, formBoundary, parseForm } from '../s3/form-data.js';
import { checkPostPolicy, lengthRange, parsePostPolicy, type PostPolicy } from '../s3/post-policy.js';
import { MAX_KEY_BYTES } from '../s3/routes.js';
import { MAX_UPLOAD_BYTES } from '../s3/upload.js';
import { authorizeOss, ossTarget } from './authorize.js';
import type { OssCall, OssOperationSpec } from './call.js';
import { Crc64, tapCrc } from './crc64.js';
import { ossEtag } from './headers.js';
import { CRC_HEADER, OBJECT_ACLS, TYPE_HEADER } from './objects.js';
import { formCaller, formFileName, resolveFormSigner } from '../s3/post-signer.js';

const V4 = 'OSS4-HMAC-SHA256';

function fieldMissing(name: string): S3Error {
  return new S3Error('InvalidArgument', `Bucket POST must contain a field named '${name}'.`, {
    ArgumentName: name,
    ArgumentValue: '',
  });
}

/** The form's signer and policy; undefined for an unsigned form. */
async function formSigner(
  call: OssCall,
  fields: ReadonlyMap<string, string>,
): Promise<{ caller: Caller; policy: PostPolicy } | undefined> {
  const token = fields.get('x-oss-security-token');
  const policyText = fields.get('policy');
  if (fields.get('x-oss-signature-version') === V4) {
    const credential = fields.get('x-oss-credential');
    if (credential === undefined) throw fieldMissing('x-oss-credential');
    if (!fields.has('x-oss-date')) throw fieldMissing('x-oss-date');
    const signature = fields.get('x-oss-signature');
    if (signature === undefined) throw fieldMissing('x-oss-signature');
    if (policyText === undefined) throw fieldMissing('policy');
    const [accessKeyId = '', date = '', region = '', product = '', terminal = ''] = credential.split('/');
    if (product !== 'oss' || terminal !== 'aliyun_v4_request' || !/^\d{8}$/.test(date))
      throw new S3Error('InvalidArgument', `Invalid credential: ${credential}`, {
        ArgumentName: 'x-oss-credential',
        ArgumentValue: credential,
      });
    const identity = await resolveFormSigner(call.services, accessKeyId, token, 'OSSAccessKeyId');
    const key = deriveSigningKey(
      identity.secretAccessKey,
      date,
      region,
      'oss',
      'aliyun_v4',
      'aliyun_v4_request',
    );
    if (!safeEqual(hmacSha256(key, policyText).toString('hex'), signature))
      throw new S3Error('SignatureDoesNotMatch', undefined, { OSSAccessKeyId: accessKeyId });
    return { caller: formCaller(identity, V4), policy: parsePostPolicy(policyText) };
  }
  const accessKeyId = fields.get('ossaccesskeyid');
  if (accessKeyId === undefined) return undefined;
  if (policyText === undefined) throw fieldMissing('policy');
  const signature = fields.get('signature');
  if (signature === undefined) throw fieldMissing('Signature');
  const identity = await resolveFormSigner(call.services, accessKeyId, token, 'OSSAccessKeyId');
  if (!safeEqual(hmacSha1Base64(identity.secretAccessKey, policyText), signature))
    throw new S3Error('SignatureDoesNotMatch', undefined, { OSSAccessKeyId: accessKeyId });
  return { caller: formCaller(identity, 'OSS'), policy: parsePostPolicy(policyText) };
}

/** Only the fields the policy speaks of are checked (OSS has no "extra input fields" rule). */
function fieldsNamedBy(policy: PostPolicy, fields: ReadonlyMap<string, string>): Map<string, string> {
  const named = new Map<string, string>();
  for (const c of policy.conditions) {
    if (c.kind === 'content-length-range') continue;
    const v = fields.get(c.field);
    if (v !== undefined) named.set(c.field, v);
  }
  const bucket = fields.get('bucket');
  if (bucket !== undefined) named.set('bucket', bucket);
  return named;
}

export const PostObjectOss: OssOperationSpec = {
  authorization: 'self',
  async handle(call) {
    const bucket = bucketOf(call);
    const boundary = formBoundary(call.ctx.header('content-type'));
    if (boundary === undefined)
      throw new S3Error('InvalidArgument', 'The body of a PostObject request must be multipart/form-data.');
    const form = await parseForm(call.body.stream, boundary);
    const { fields, names } = fieldsOf(form);
    const file = form.file;
    if (file === undefined) throw fieldMissing('file');
    const rawKey = fields.get('key');
    if (rawKey === undefined) throw fieldMissing('key');
    const signer = await formSigner(call, fields);
    fields.set('bucket', bucket.name);
    if (signer !== undefined)
      checkPostPolicy(signer.policy, fieldsNamedBy(signer.policy, fields), names, new Date());
    const key = rawKey.replaceAll('${filename}', formFileName(file.filename));
    if (key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES - 1)
      throw new S3Error({ code: 'InvalidObjectName', status: 400 }, 'The specified object is not valid.');
    const acl = fields.get('x-oss-object-acl');
    if (acl !== undefined && !OBJECT_ACLS.has(acl))
      throw new S3Error('InvalidArgument', 'no such object access control exists', {
        ArgumentName: 'x-oss-object-acl',
        ArgumentValue: acl,
      });
    const postCall: OssCall = {
      ...call,
      caller: signer?.caller ?? call.caller,
      route: { ...call.route, key },
      oss: { ...call.oss, key },
    };
    await authorizeOss(postCall, ossTarget(postCall));

    const range = signer ? lengthRange(signer.policy) : undefined;
    const crc = new Crc64();
    const { blobs, metadata } = call.services;
    const blob = await blobs.write(tapCrc(file.stream, crc), {
      maxLength: range?.max ?? MAX_UPLOAD_BYTES,
      checksums: [],
    });
    if (range !== undefined && blob.size < range.min) {
      await blobs.delete(blob.blobId);
      throw new S3Error('EntityTooSmall', undefined, { ProposedSize: blob.size, MinSizeAllowed: range.min });
    }
    const etag = `"${blob.md5.toString('hex')}"`;
    const userMetadata: Record<string, string> = {};
    for (const [name, value] of fields)
      if (name.startsWith('x-oss-meta-')) userMetadata[name.slice('x-oss-meta-'.length)] = value;
    let previous: string | null;
    try {
      ({ previousBlobId: previous } = await metadata.putObject({
        bucket: bucket.name,
        key,
        size: blob.size,
        etag,
        contentType: fields.get('content-type') ?? file.contentType ?? 'application/octet-stream',
        userMetadata,
        systemMetadata: { [CRC_HEADER]: crc.toString(), [TYPE_HEADER]: 'Normal' },
        checksums: {},
        tags: {},
        acl: acl === undefined || acl === 'default' ? null : acl,
        owner: bucket.owner,
        blobId: blob.blobId,
        lastModified: new Date(),
        storageClass: 'STANDARD',
      }));
    } catch (e) {
      await deleteBlobs(call, [blob.blobId]);
      throw e;
    }
    await deleteBlobs(call, [previous]);
    return successReply(call, key, ossEtag(etag), crc.toString(), fields);
  },
};

function successReply(
  call: OssCall,
  key: string,
  etag: string,
  crc: string,
  fields: ReadonlyMap<string, string>,
): Reply {
  const bucket = bucketOf(call).name;
  const headers = { etag, [CRC_HEADER]: crc };
  const redirect = fields.get('success_action_redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', etag);
    return emptyReply(303, { ...headers, location: url.toString() });
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const host = call.ctx.header('host') ?? 'localhost';
    const location = `${call.ctx.secure ? 'https' : 'http'}://${host}/${encodeURIComponent(bucket)}/${key
      .split('/')
      .map(encodeURIComponent)
      .join('/')}`;
    return xmlReply(
      buildXml('PostResponse', { Bucket: bucket, Location: location, Key: key, ETag: etag }, null),
      201,
      headers,
    );
  }
  return emptyReply(status === '200' ? 200 : 204, headers);
}
