// CORS in the OSS dialect: the S3 dialect's handlers and rule matching over the same stored
// configuration (one `cors` slot, either dialect can write it), with OSS's reply shapes. OSS's
// CORSConfiguration is S3's (CORSRule: AllowedOrigin/AllowedMethod/AllowedHeader/ExposeHeader/
// MaxAgeSeconds); its optional top-level ResponseVary is accepted and not kept.
import { readStoredAcl } from '../s3/acl-document.js';
import {
  applyCorsHeaders,
  CorsPreflight,
  DeleteBucketCors,
  GetBucketCors,
  PutBucketCors,
} from '../s3/cors.js';
import { NO_BLOCK } from '../s3/public-access-block.js';
import { bucketConfigs } from './bucket-configs.js';
import type { OssCall, OssOperationSpec } from './call.js';
import { restateReply } from './headers.js';

/** The call as the S3 CORS code reads it: only the `cors` part of its bucket access matters. */
async function withCors(call: OssCall): Promise<OssCall> {
  const owner = call.bucket?.owner ?? '';
  const cors = (await bucketConfigs(call)).cors;
  return {
    ...call,
    access: {
      ownership: 'BucketOwnerEnforced',
      bucketAcl: readStoredAcl(null, owner),
      objectAcl: undefined,
      publicAccessBlock: NO_BLOCK,
      cors,
    },
  };
}

export const GetBucketCorsOss: OssOperationSpec = {
  async handle(call) {
    return restateReply(await GetBucketCors.handle(call));
  },
};

export const PutBucketCorsOss: OssOperationSpec = {
  async handle(call) {
    return restateReply(await PutBucketCors.handle(call));
  },
};

export const DeleteBucketCorsOss: OssOperationSpec = {
  async handle(call) {
    return restateReply(await DeleteBucketCors.handle(call));
  },
};

/** OPTIONS: answered from the configuration alone, unsigned, as OSS does. */
export const CorsPreflightOss: OssOperationSpec = {
  authorization: 'self',
  async handle(call) {
    return restateReply(await CorsPreflight.handle(await withCors(call)));
  },
};

/** Access-Control-* headers on an actual request whose Origin a rule allows. */
export async function applyOssCorsHeaders(call: OssCall): Promise<void> {
  if (call.bucket === undefined || call.ctx.header('origin') === undefined) return;
  applyCorsHeaders(await withCors(call));
}
