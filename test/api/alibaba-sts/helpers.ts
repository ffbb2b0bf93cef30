// Hand-signed Alibaba RPC calls for hostile tests: the signature is computed here, independently of
// src/api/alibaba-sts, in either encoding a client may use, and any parameter can be left out,
// altered or added after signing.
import { createHmac, randomUUID } from 'node:crypto';
import { escape as querystringEscape } from 'node:querystring';

export const SEED_KEYS = {
  ramTestApp: {
    accessKeyId: 'LTAIRAMTESTAPP000001',
    accessKeySecret: 'ramTestAppAlibabaSecret/000000000000000',
  },
  noAssume: {
    accessKeyId: 'LTAINOASSUME00000001',
    accessKeySecret: 'noAssumeAlibabaSecret/00000000000000000',
  },
  tester: { accessKeyId: 'LTAISTSTESTER0000001', accessKeySecret: 'stsTesterAlibabaSecret/0000000000000000' },
  awsForm: {
    accessKeyId: 'LTAIAWSFORMUSER00001',
    accessKeySecret: 'awsFormUserAlibabaSecret/00000000000000',
  },
} as const;

export interface RpcKeys {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export type Encoding = 'rfc3986' | 'querystring' | 'plus-for-space';

function encode(value: string, encoding: Encoding): string {
  if (encoding === 'querystring') return querystringEscape(value);
  const rfc = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  // A wrong encoding some hand-rolled clients use (form-style spaces): never accepted.
  return encoding === 'plus-for-space' ? rfc.replace(/%20/g, '+') : rfc;
}

export function timestamp(at = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The common parameters and the action's own, signed; `omit` drops some before signing. */
export function signedParams(
  method: 'GET' | 'POST',
  keys: RpcKeys,
  action: string,
  params: Record<string, string>,
  options: { encoding?: Encoding; omit?: readonly string[]; override?: Record<string, string> } = {},
): Record<string, string> {
  const all: Record<string, string> = {
    Action: action,
    Version: '2015-04-01',
    Format: 'JSON',
    AccessKeyId: keys.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: timestamp(),
    ...(keys.securityToken !== undefined ? { SecurityToken: keys.securityToken } : {}),
    ...params,
    ...options.override,
  };
  for (const k of options.omit ?? []) delete all[k];
  const enc = options.encoding ?? 'rfc3986';
  const canonical = Object.keys(all)
    .sort()
    .map((k) => `${encode(k, enc)}=${encode(all[k] as string, enc)}`)
    .join('&');
  const toSign = `${method}&${encode('/', enc)}&${encode(canonical, enc)}`;
  all['Signature'] = createHmac('sha1', `${keys.accessKeySecret}&`).update(toSign).digest('base64');
  return all;
}

export interface RpcAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> & {
    Code?: string;
    Message?: string;
    RequestId?: string;
    Recommend?: string;
  };
}

/** Sends already-signed parameters: GET in the query string, POST as a form body. */
export async function send(
  url: string,
  method: 'GET' | 'POST',
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<RpcAnswer> {
  const form = new URLSearchParams(params).toString();
  const res =
    method === 'GET'
      ? await fetch(`${url}/?${form}`, { headers })
      : await fetch(`${url}/`, {
          method: 'POST',
          body: form,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-acs-version': '2015-04-01',
            ...headers,
          },
        });
  const text = await res.text();
  let json: RpcAnswer['json'] = {};
  try {
    json = JSON.parse(text) as RpcAnswer['json'];
  } catch {
    // XML or nothing: the caller asserts on `text`.
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Signs and sends in one step. */
export function call(
  url: string,
  keys: RpcKeys,
  action: string,
  params: Record<string, string> = {},
  options: {
    method?: 'GET' | 'POST';
    encoding?: Encoding;
    omit?: readonly string[];
    override?: Record<string, string>;
  } = {},
): Promise<RpcAnswer> {
  const method = options.method ?? 'GET';
  return send(url, method, signedParams(method, keys, action, params, options));
}
