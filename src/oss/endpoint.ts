// "Wrong endpoint": OSS serves a bucket only at its own region's endpoint. A Portcullis server is
// one endpoint, of its configured region; a bucket records the region it was created in. When the
// two differ (a data directory shared with, or carried over from, a server of another region),
// the bucket is refused with OSS's 403 naming the endpoint of the bucket's region. The Host
// header is not the test: ali-oss builds `<bucket>.oss-<its region option>.aliyuncs.com` even for
// an IP endpoint, so it says what the client was configured with, not where the request went.
import { S3Error } from '../server/errors.js';
import type { BucketRecord } from '../store/metadata.js';

export const WRONG_ENDPOINT =
  'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.';

function plainRegion(region: string): string {
  return region.startsWith('oss-') ? region.slice(4) : region;
}

export function checkEndpoint(serverRegion: string, bucket: BucketRecord): void {
  if (plainRegion(bucket.region) === plainRegion(serverRegion)) return;
  throw new S3Error('AccessDenied', WRONG_ENDPOINT, {
    Bucket: bucket.name,
    Endpoint: `oss-${plainRegion(bucket.region)}.aliyuncs.com`,
  });
}
