// What every OSS handler receives: the S3 call (same stores, same caller, the S3 handlers can run
// on it) plus the OSS route. `route` keeps the S3-side names so shared handlers work unchanged.
import type { S3Call } from '../s3/context.js';
import type { Reply } from '../server/reply.js';
import type { OssOperation, OssRoute } from './routes.js';

export interface OssCall extends S3Call {
  readonly oss: OssRoute;
}

export interface OssOperationSpec {
  /** `self`: the handler authorizes (DeleteMultipleObjects key by key, copies source and target). */
  readonly authorization?: 'dispatch' | 'self';
  handle(call: OssCall): Promise<Reply>;
}

export type OssOperationTable = Readonly<Record<OssOperation, OssOperationSpec>>;

export function ossKeyOf(call: OssCall): string {
  if (call.oss.key === undefined) throw new Error(`${call.oss.operation} needs a key`);
  return call.oss.key;
}
