// CORS: Get/Put/DeleteBucketCors, the OPTIONS preflight, and the Access-Control-* headers on
// actual requests that carry an Origin. The configuration is stored as JSON rules (validated on
// the way in); the first rule that matches origin, method and requested headers answers.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody, type XmlElement } from '../server/xml.js';
import { bucketOf, type S3Call } from './context.js';
import type { OperationSpec } from './operation.js';

export interface CorsRule {
  readonly id?: string;
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

const METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);
const MAX_RULES = 100;
const MAX_CORS_BYTES = 64 * 1024;

/** S3's own words, typos included. */
export const CORS_NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.";

function accessForbidden(message: string, fields: Record<string, string> = {}): S3Error {
  return new S3Error({ code: 'AccessForbidden', status: 403 }, message, fields);
}

function texts(el: { readonly [name: string]: XmlElement | readonly XmlElement[] }, name: string): string[] {
  const v = el[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item: XmlElement) => {
    if (typeof item !== 'string') throw new S3Error('MalformedXML');
    return item.trim();
  });
}

function oneWildcard(kind: string, values: readonly string[]): void {
  for (const v of values) {
    if (v.split('*').length > 2)
      throw new S3Error('InvalidRequest', `${kind} "${v}" can not have more than one wildcard.`);
  }
}

export function parseCorsXml(body: Buffer): CorsRule[] {
  const arrays = ['CORSRule', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader'];
  const root = parseXmlBody(body, 'CORSConfiguration', { arrays, maxBytes: MAX_CORS_BYTES });
  const rules = childElements(root, 'CORSRule');
  if (rules.length === 0) throw new S3Error('MalformedXML');
  if (rules.length > MAX_RULES)
    throw new S3Error(
      'InvalidRequest',
      `The number of CORS rules should not exceed allowed limit of ${MAX_RULES} rules.`,
    );
  return rules.map((r) => {
    const allowedOrigins = texts(r, 'AllowedOrigin');
    const allowedMethods = texts(r, 'AllowedMethod');
    if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw new S3Error('MalformedXML');
    for (const m of allowedMethods) {
      if (!METHODS.has(m))
        throw new S3Error(
          'InvalidRequest',
          `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`,
        );
    }
    const allowedHeaders = texts(r, 'AllowedHeader');
    oneWildcard('AllowedOrigin', allowedOrigins);
    oneWildcard('AllowedHeader', allowedHeaders);
    const maxAge = childText(r, 'MaxAgeSeconds');
    if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge.trim())) throw new S3Error('MalformedXML');
    const id = childText(r, 'ID');
    if (id !== undefined && id.length > 255) throw new S3Error('MalformedXML');
    return {
      ...(id !== undefined ? { id } : {}),
      allowedOrigins,
      allowedMethods,
      allowedHeaders,
      exposeHeaders: texts(r, 'ExposeHeader'),
      ...(maxAge !== undefined ? { maxAgeSeconds: Number(maxAge.trim()) } : {}),
    };
  });
}

export function readStoredCors(text: string | undefined | null): CorsRule[] | undefined {
  if (text === undefined || text === null) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as CorsRule[]) : undefined;
  } catch {
    return undefined;
  }
}

export const GetBucketCors: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const rules = readStoredCors(await call.services.metadata.getBucketConfig(bucket.name, 'cors'));
    if (rules === undefined)
      throw new S3Error(
        { code: 'NoSuchCORSConfiguration', status: 404 },
        'The CORS configuration does not exist',
        { BucketName: bucket.name },
      );
    return xmlReply(
      buildXml('CORSConfiguration', {
        CORSRule: rules.map((r) => ({
          ID: r.id,
          AllowedHeader: r.allowedHeaders,
          AllowedMethod: r.allowedMethods,
          AllowedOrigin: r.allowedOrigins,
          ExposeHeader: r.exposeHeaders,
          MaxAgeSeconds: r.maxAgeSeconds,
        })),
      }),
    );
  },
};

export const PutBucketCors: OperationSpec = {
  async handle(call) {
    const bucket = bucketOf(call);
    const body = await readAll(call.body.stream, MAX_CORS_BYTES, () => new S3Error('MalformedXML'));
    const rules = parseCorsXml(body);
    await call.services.metadata.putBucketConfig(bucket.name, 'cors', JSON.stringify(rules));
    return emptyReply(200);
  },
};

export const DeleteBucketCors: OperationSpec = {
  async handle(call) {
    await call.services.metadata.deleteBucketConfig(bucketOf(call).name, 'cors');
    return emptyReply(204);
  },
};

// ---- matching ----------------------------------------------------------------------------

function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

function matchRule(rules: readonly CorsRule[], origin: string, method: string, headers: readonly string[]) {
  return rules.find(
    (r) =>
      r.allowedOrigins.some((o) => wildcardMatch(o, origin, false)) &&
      r.allowedMethods.includes(method) &&
      headers.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a, h, true))),
  );
}

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

function allowHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  return {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    ...(anyOrigin ? {} : { 'access-control-allow-credentials': 'true' }),
    ...(rule.exposeHeaders.length > 0
      ? { 'access-control-expose-headers': rule.exposeHeaders.join(', ') }
      : {}),
    ...(rule.maxAgeSeconds !== undefined ? { 'access-control-max-age': String(rule.maxAgeSeconds) } : {}),
    vary: VARY,
  };
}

/** OPTIONS on a bucket or object: answered from the CORS configuration, with no signature. */
export const CorsPreflight: OperationSpec = {
  authorization: 'self',
  handle(call) {
    const origin = call.ctx.header('origin');
    if (origin === undefined)
      throw new S3Error(
        { code: 'BadRequest', status: 400 },
        'Insufficient information. Origin request header needed.',
      );
    const method = call.ctx.header('access-control-request-method');
    if (method === undefined || !METHODS.has(method))
      throw new S3Error(
        { code: 'BadRequest', status: 400 },
        `Invalid Access-Control-Request-Method: ${method ?? 'null'}`,
      );
    const rules = readStoredCors(call.access?.cors);
    if (rules === undefined)
      throw accessForbidden('CORSResponse: CORS is not enabled for this bucket.', {
        Method: method,
        ResourceType: call.route.key === undefined ? 'BUCKET' : 'OBJECT',
      });
    const requested = (call.ctx.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const rule = matchRule(rules, origin, method, requested);
    if (rule === undefined)
      throw accessForbidden(CORS_NOT_ALLOWED, {
        Method: method,
        ResourceType: call.route.key === undefined ? 'BUCKET' : 'OBJECT',
      });
    return Promise.resolve(
      emptyReply(200, {
        ...allowHeaders(rule, origin),
        ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
      }),
    );
  },
};

/** Access-Control-* headers for an actual request with an Origin that a rule allows (set before the reply). */
export function applyCorsHeaders(call: S3Call): void {
  const origin = call.ctx.header('origin');
  const rules = readStoredCors(call.access?.cors);
  if (origin === undefined || rules === undefined || call.route.operation === 'CorsPreflight') return;
  const rule = matchRule(rules, origin, call.ctx.req.method ?? 'GET', []);
  if (rule === undefined) return;
  for (const [name, value] of Object.entries(allowHeaders(rule, origin))) call.ctx.res.setHeader(name, value);
}
