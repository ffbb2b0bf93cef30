// ali-oss clients against a test server: path style (sldEnable), V1 or V4 signatures.
import OSS from 'ali-oss';
import type { TestServer } from '../support/server.js';

export function ossClient(
  server: TestServer,
  options: { bucket?: string; v4?: boolean; secret?: string; endpoint?: string } = {},
): OSS {
  return new OSS({
    endpoint: options.endpoint ?? server.url,
    accessKeyId: server.accessKeyId,
    accessKeySecret: options.secret ?? server.secretAccessKey,
    region: 'oss-cn-hangzhou',
    secure: false,
    cname: false,
    sldEnable: true,
    retryMax: 0,
    timeout: 20_000,
    ...(options.bucket !== undefined ? { bucket: options.bucket } : {}),
    ...(options.v4 ? { authorizationV4: true } : {}),
  } as OSS.Options);
}

/** The error an async call rejects with (fails when it resolves). */
export async function rejection(
  p: Promise<unknown>,
): Promise<{ code?: string; status?: number; message: string; ecCode?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; status?: number; message: string; ecCode?: string };
  }
  throw new Error('expected a rejection');
}
