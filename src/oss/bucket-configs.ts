// The addressed bucket's stored settings (ACL, referer, CORS), read at most once per request and
// only by the checks that need them.
import type { BucketConfigKind } from '../store/metadata.js';
import type { OssCall } from './call.js';

type Configs = Partial<Record<BucketConfigKind, string>>;

const loaded = new WeakMap<OssCall, Promise<Configs>>();

export function bucketConfigs(call: OssCall): Promise<Configs> {
  let p = loaded.get(call);
  if (p === undefined) {
    p =
      call.bucket === undefined
        ? Promise.resolve({})
        : call.services.metadata.getBucketConfigs(call.bucket.name);
    loaded.set(call, p);
  }
  return p;
}
