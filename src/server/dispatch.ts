// The request pipeline (DESIGN.md "The path of one request"):
//   authenticate → principal → operation → authorization request(s) → decide → perform | deny
//   → response.
// Every step is a module of its own; this file only strings them together and turns whatever
// goes wrong into the right S3 error. A client mistake is never a 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ramPolicyDialect } from '../oss/authorize.js';
import { authorize, operationTarget } from '../s3/authorize.js';
import { loadBucketAccess, type BucketAccess } from '../s3/bucket-access.js';
import { applyCorsHeaders } from '../s3/cors.js';
import type { S3Call, S3Services } from '../s3/context.js';
import { OPERATIONS } from '../s3/operations.js';
import { route as routeS3, type S3Route } from '../s3/routes.js';
import { auditResponse, noteAudit } from './audit/hook.js';
import { authenticate } from './authenticate.js';
import { PROTOCOL_FRONTS, type ProtocolFront } from './fronts.js';
import { S3Error, toS3Error } from './errors.js';
import { sendError, sendReply } from './reply.js';
import { HttpRequestContext } from './request-context.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createDispatcher(
  services: S3Services,
  fronts: readonly ProtocolFront[] = PROTOCOL_FRONTS,
): RequestHandler {
  return (req, res) => {
    const front = fronts.find((f) => f.claims(req));
    auditResponse(services, req, res, front?.name ?? 's3');
    if (front === undefined) {
      void handle(services, req, res);
      return;
    }
    // A front answers its own errors; this only keeps a bug in one from taking the server down.
    front.handle(services, req, res).catch((err: unknown) => {
      services.log.error({ err, front: front.name, method: req.method, url: req.url }, 'internal error');
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end();
    });
  };
}

async function handle(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res);
  let route: S3Route | undefined;
  try {
    route = routeS3({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      host: req.headers.host,
      copySource: req.headers['x-amz-copy-source'] !== undefined,
    });
    noteAudit(res, { operation: route.operation, bucket: route.bucket, key: route.key });
    const spec = OPERATIONS[route.operation];
    const { caller, body } = await authenticate(ctx, {
      identities: services.identities,
      region: services.config.region,
      virtualHostBucket: route.virtualHosted ? route.bucket : undefined,
    });
    noteAudit(res, { principal: caller.principal, accessKeyId: caller.identity?.accessKeyId });

    spec.validate?.({ ctx, route, caller, services, bucket: undefined, bucketPolicy: null, body });

    // Operations on an existing bucket: S3 answers NoSuchBucket before looking at permissions.
    let bucket;
    let bucketPolicy = null;
    let access: BucketAccess | undefined;
    if (route.bucket !== undefined && route.operation !== 'CreateBucket') {
      bucket = await services.metadata.getBucket(route.bucket);
      if (bucket === null) throw new S3Error('NoSuchBucket', undefined, { BucketName: route.bucket });
      // A caller that names the owner it expects is refused when the bucket belongs to another.
      const expectedOwner = ctx.header('x-amz-expected-bucket-owner');
      if (expectedOwner !== undefined && expectedOwner !== bucket.owner) throw new S3Error('AccessDenied');
      bucketPolicy = await services.policies.get(bucket.name);
      access = await loadBucketAccess(services.metadata, bucket, route);
    }
    // RCPs of the resource's account must be current for this request (an IAM or Organizations
    // change made by the previous request is in force): load them before the synchronous decision.
    const resourceAccount =
      bucket?.owner ?? (caller.principal.type === 'anonymous' ? undefined : caller.principal.account);
    if (resourceAccount !== undefined)
      await services.identities.resourceControlPoliciesFor?.(resourceAccount);
    const base: S3Call = {
      ctx,
      route,
      caller,
      services,
      bucket: bucket ?? undefined,
      bucketPolicy,
      body,
      ...(access !== undefined ? { access } : {}),
    };
    // A RAM bucket policy (set through OSS) decides in oss:/acs: terms whichever dialect asks.
    const call: S3Call =
      bucketPolicy?.document.version === '1' ? { ...base, dialect: ramPolicyDialect(base) } : base;
    applyCorsHeaders(call);
    if (spec.authorization !== 'self') authorize(call, operationTarget(call, bucketPolicy));

    const reply = await spec.handle(call);
    await sendReply(ctx, reply);
  } catch (e) {
    const { error, internal } = toS3Error(e, {
      bucket: route?.bucket,
      key: route?.key,
      uploadId: route?.query.get('uploadId') ?? undefined,
    });
    if (internal)
      services.log.error(
        { err: e, requestId: ctx.requestId, method: req.method, url: req.url },
        'internal error',
      );
    noteAudit(res, { errorCode: error.code, errorMessage: error.message });
    sendError(ctx, error);
  }
}
