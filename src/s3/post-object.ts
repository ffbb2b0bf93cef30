// POST object: browser uploads with a signed policy form (multipart/form-data). The form is
// authenticated here, not by the header schemes: SigV4 (`x-amz-signature` = HMAC-SHA256 of the
// base64 policy under the SigV4 signing key) or SigV2 (`AWSAccessKeyId` + `signature` =
// HMAC-SHA1), then the policy is checked, then the signer is authorized as for PutObject.
import { deriveSigningKey, hmacSha1Base64, hmacSha256, safeEqual } from '../auth/crypto.js';
import type { Caller } from '../server/caller.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply, type Reply } from '../server/reply.js';
import { buildXml } from '../server/xml.js';
import { aclForWrite } from './acl.js';
import { authorize, operationTarget } from './authorize.js';
import { bucketOf, type S3Call } from './context.js';
import { fieldsOf, formBoundary, parseForm, type FormFile } from './form-data.js';
import type { OperationSpec } from './operation.js';
import { checkPostPolicy, lengthRange, parsePostPolicy, type PostPolicy } from './post-policy.js';
import { MAX_KEY_BYTES } from './routes.js';
import { MAX_UPLOAD_BYTES } from './upload.js';
import { formCaller, formFileName, resolveFormSigner } from './post-signer.js';

const SYSTEM_FIELDS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
];

function fieldMissing(name: string): S3Error {
  return new S3Error(
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
  );
}

function signatureMismatch(accessKeyId: string): S3Error {
  return new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: accessKeyId });
}

/** The signer of the form, or undefined for an unsigned (anonymous) form. */
async function formSigner(
  call: S3Call,
  fields: ReadonlyMap<string, string>,
): Promise<{ caller: Caller; policy: PostPolicy } | undefined> {
  const token = fields.get('x-amz-security-token');
  const policyText = fields.get('policy');
  if (fields.has('x-amz-signature')) {
    const credential = fields.get('x-amz-credential');
    if (credential === undefined) throw fieldMissing('x-amz-credential');
    if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') throw fieldMissing('x-amz-algorithm');
    if (!fields.has('x-amz-date')) throw fieldMissing('x-amz-date');
    if (policyText === undefined) throw fieldMissing('policy');
    const [accessKeyId = '', date = '', region = '', service = '', terminal = ''] = credential.split('/');
    if (service !== 's3' || terminal !== 'aws4_request' || region !== call.services.config.region)
      throw new S3Error('InvalidArgument', `Invalid credential: ${credential}`, {
        ArgumentName: 'x-amz-credential',
        ArgumentValue: credential,
      });
    const identity = await resolveFormSigner(call.services, accessKeyId, token, 'AWSAccessKeyId');
    const key = deriveSigningKey(identity.secretAccessKey, date, region, 's3');
    const expected = hmacSha256(key, policyText).toString('hex');
    if (!safeEqual(expected, fields.get('x-amz-signature') ?? '')) throw signatureMismatch(accessKeyId);
    return { caller: formCaller(identity, 'AWS4-HMAC-SHA256'), policy: parsePostPolicy(policyText) };
  }
  const accessKeyId = fields.get('awsaccesskeyid');
  if (accessKeyId !== undefined) {
    if (policyText === undefined) throw fieldMissing('policy');
    const signature = fields.get('signature');
    if (signature === undefined) throw fieldMissing('signature');
    const identity = await resolveFormSigner(call.services, accessKeyId, token, 'AWSAccessKeyId');
    if (!safeEqual(hmacSha1Base64(identity.secretAccessKey, policyText), signature))
      throw signatureMismatch(accessKeyId);
    return { caller: formCaller(identity, 'AWS'), policy: parsePostPolicy(policyText) };
  }
  return undefined;
}

export const PostObject: OperationSpec = {
  authorization: 'self',
  async handle(call) {
    const bucket = bucketOf(call);
    const boundary = formBoundary(call.ctx.header('content-type'));
    if (boundary === undefined)
      throw new S3Error(
        'PreconditionFailed',
        'Bucket POST must be of the enclosure-type multipart/form-data',
        {
          Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
        },
      );
    const form = await parseForm(call.body.stream, boundary);
    const { fields, names } = fieldsOf(form);
    const file = form.file;
    if (file === undefined)
      throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', {
        ArgumentName: 'file',
        ArgumentValue: '0',
      });
    // On an error the rest of the body is left unread: the error reply closes the connection.
    const rawKey = fields.get('key');
    if (rawKey === undefined) throw fieldMissing('key');
    const signer = await formSigner(call, fields);
    fields.set('bucket', bucket.name);
    if (signer !== undefined) checkPostPolicy(signer.policy, fields, names, new Date());
    const key = rawKey.replaceAll('${filename}', formFileName(file.filename));
    if (key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES)
      throw new S3Error('KeyTooLongError', undefined, {
        MaxSizeAllowed: MAX_KEY_BYTES,
        Size: Buffer.byteLength(key),
      });
    const postCall: S3Call = {
      ...call,
      caller: signer?.caller ?? call.caller,
      route: { ...call.route, key },
    };
    authorize(postCall, operationTarget(postCall, call.bucketPolicy));
    const headerOf = (name: string) => (name === 'x-amz-acl' ? fields.get('acl') : fields.get(name));
    const ownedBy = aclForWrite(postCall, bucket, headerOf);
    return await store(postCall, file, key, fields, ownedBy, signer?.policy);
  },
};

async function store(
  call: S3Call,
  file: FormFile,
  key: string,
  fields: ReadonlyMap<string, string>,
  ownedBy: { acl: string | null; owner: string },
  policy: PostPolicy | undefined,
): Promise<Reply> {
  const bucket = bucketOf(call);
  const { blobs, metadata } = call.services;
  const range = policy ? lengthRange(policy) : undefined;
  const blob = await blobs.write(file.stream, { maxLength: range?.max ?? MAX_UPLOAD_BYTES, checksums: [] });
  if (range !== undefined && blob.size < range.min) {
    await blobs.delete(blob.blobId);
    throw new S3Error('EntityTooSmall', undefined, { ProposedSize: blob.size, MinSizeAllowed: range.min });
  }
  const etag = `"${blob.md5.toString('hex')}"`;
  const userMetadata: Record<string, string> = {};
  const systemMetadata: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith('x-amz-meta-')) userMetadata[name.slice('x-amz-meta-'.length)] = value;
    else if (SYSTEM_FIELDS.includes(name)) systemMetadata[name] = value;
  }
  let previous: string | null;
  try {
    ({ previousBlobId: previous } = await metadata.putObject({
      bucket: bucket.name,
      key,
      size: blob.size,
      etag,
      contentType: fields.get('content-type') ?? 'binary/octet-stream',
      userMetadata,
      systemMetadata,
      checksums: {},
      tags: {},
      acl: ownedBy.acl,
      owner: ownedBy.owner,
      blobId: blob.blobId,
      lastModified: new Date(),
      storageClass: 'STANDARD',
    }));
  } catch (e) {
    await blobs.delete(blob.blobId);
    throw e;
  }
  if (previous !== null) await blobs.delete(previous).catch(() => undefined);
  return successReply(call, key, etag, fields);
}

function successReply(call: S3Call, key: string, etag: string, fields: ReadonlyMap<string, string>): Reply {
  const bucket = bucketOf(call).name;
  const host = call.ctx.header('host') ?? 'localhost';
  const location = `${call.ctx.secure ? 'https' : 'http'}://${host}/${encodeURIComponent(bucket)}/${key
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', etag);
    return emptyReply(303, { location: url.toString(), etag });
  }
  const status = fields.get('success_action_status');
  if (status === '201')
    return xmlReply(
      buildXml('PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: etag }, null),
      201,
      {
        etag,
        location,
      },
    );
  return emptyReply(status === '200' ? 200 : 204, { etag, location });
}
