// Hotlink protection (`?referer`): PutBucketReferer / GetBucketReferer and the check OSS makes
// on anonymous and presigned-URL requests (requests signed in a header are never checked).
// Stored as JSON in the bucket's `referer` slot. Matching, as OSS documents it:
// - an empty Referer passes only when AllowEmptyReferer is true (the default);
// - a Referer on the blacklist is refused, even when the whitelist also matches it;
// - with a whitelist, only a Referer on it passes; without one, every non-blacklisted one does;
// - `*` stands for any run of characters, `?` for exactly one; case does not matter;
// - AllowTruncateQueryString (default true) matches without the Referer's query string,
//   TruncatePath (default false) without its path either (scheme and host only);
// - an entry without `scheme://` matches the Referer with its scheme removed.
import { readAll } from '../server/body.js';
import { S3Error } from '../server/errors.js';
import { emptyReply, xmlReply } from '../server/reply.js';
import { buildXml, childElements, childText, parseXmlBody } from '../server/xml.js';
import { bucketOf } from '../s3/context.js';
import { bucketConfigs } from './bucket-configs.js';
import type { OssCall, OssOperationSpec } from './call.js';

export interface RefererConfig {
  readonly allowEmpty: boolean;
  readonly allowTruncateQueryString: boolean;
  readonly truncatePath: boolean;
  readonly whitelist: readonly string[];
  readonly blacklist: readonly string[];
}

const DEFAULT_CONFIG: RefererConfig = {
  allowEmpty: true,
  allowTruncateQueryString: true,
  truncatePath: false,
  whitelist: [],
  blacklist: [],
};

const MAX_REFERER_BYTES = 20 * 1024;
const MAX_ENTRIES = 1000;

export const REFERER_DENIED = 'You are denied by bucket referer policy.';

function flag(root: Parameters<typeof childText>[0], name: string, fallback: boolean): boolean {
  const v = childText(root, name)?.trim().toLowerCase();
  if (v === undefined) return fallback;
  if (v !== 'true' && v !== 'false') throw new S3Error('MalformedXML');
  return v === 'true';
}

function referers(root: Parameters<typeof childText>[0], list: string): string[] {
  const container = childElements(root, list)[0];
  if (container === undefined) return [];
  const raw = container['Referer'];
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return items.map((item: unknown) => {
    if (typeof item !== 'string' || item.trim() === '') throw new S3Error('MalformedXML');
    return item.trim();
  });
}

export function parseRefererXml(body: Buffer): RefererConfig {
  const root = parseXmlBody(body, 'RefererConfiguration', {
    arrays: ['Referer'],
    maxBytes: MAX_REFERER_BYTES,
  });
  if (childText(root, 'AllowEmptyReferer') === undefined) throw new S3Error('MalformedXML');
  const config: RefererConfig = {
    allowEmpty: flag(root, 'AllowEmptyReferer', true),
    allowTruncateQueryString: flag(root, 'AllowTruncateQueryString', true),
    truncatePath: flag(root, 'TruncatePath', false),
    whitelist: referers(root, 'RefererList'),
    blacklist: referers(root, 'RefererBlacklist'),
  };
  if (config.whitelist.length + config.blacklist.length > MAX_ENTRIES) throw new S3Error('MalformedXML');
  if (config.truncatePath && !config.allowTruncateQueryString)
    throw new S3Error('InvalidArgument', 'TruncatePath requires AllowTruncateQueryString to be true.', {
      ArgumentName: 'TruncatePath',
    });
  return config;
}

export function readStoredReferer(text: string | undefined | null): RefererConfig {
  if (text === undefined || text === null) return DEFAULT_CONFIG;
  try {
    return { ...DEFAULT_CONFIG, ...(JSON.parse(text) as Partial<RefererConfig>) };
  } catch {
    return DEFAULT_CONFIG;
  }
}

export const GetBucketReferer: OssOperationSpec = {
  async handle(call) {
    const config = readStoredReferer(
      await call.services.metadata.getBucketConfig(bucketOf(call).name, 'referer'),
    );
    return xmlReply(
      buildXml(
        'RefererConfiguration',
        {
          AllowEmptyReferer: config.allowEmpty,
          AllowTruncateQueryString: config.allowTruncateQueryString,
          TruncatePath: config.truncatePath,
          RefererList: { Referer: config.whitelist },
          RefererBlacklist: config.blacklist.length > 0 ? { Referer: config.blacklist } : undefined,
        },
        null,
      ),
    );
  },
};

export const PutBucketReferer: OssOperationSpec = {
  async handle(call) {
    const body = await readAll(call.body.stream, MAX_REFERER_BYTES, () => new S3Error('MalformedXML'));
    const config = parseRefererXml(body);
    await call.services.metadata.putBucketConfig(bucketOf(call).name, 'referer', JSON.stringify(config));
    return emptyReply(200);
  },
};

/** `*` any run, `?` one character, case-insensitive, whole string. */
export function refererPatternMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is').test(value);
}

/** The Referer as OSS compares it: truncated per the configuration. */
function comparable(referer: string, config: RefererConfig): string {
  let r = referer;
  if (config.allowTruncateQueryString) {
    const q = r.indexOf('?');
    if (q >= 0) r = r.slice(0, q);
  }
  if (config.truncatePath) {
    const scheme = r.indexOf('://');
    const slash = r.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    if (slash >= 0) r = r.slice(0, slash);
  }
  return r;
}

function listed(list: readonly string[], referer: string): boolean {
  const withoutScheme = referer.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return list.some((p) => refererPatternMatches(p, p.includes('://') ? referer : withoutScheme));
}

/** Whether a Referer (undefined when the request has none) passes the configuration. */
export function refererAllowed(config: RefererConfig, referer: string | undefined): boolean {
  if (referer === undefined || referer === '') return config.allowEmpty;
  const r = comparable(referer, config);
  if (listed(config.blacklist, r)) return false;
  return config.whitelist.length === 0 || listed(config.whitelist, r);
}

/**
 * The check itself, for requests that address a bucket: anonymous ones and presigned URLs (the
 * bucket's own referer settings do not apply to reading or writing those settings by its owner,
 * who signs in a header).
 */
export async function checkReferer(call: OssCall): Promise<void> {
  if (call.bucket === undefined) return;
  const anonymous = call.caller.principal.type === 'anonymous';
  if (!anonymous && call.caller.authType !== 'REST-QUERY-STRING') return;
  const stored = (await bucketConfigs(call)).referer;
  if (stored === undefined) return;
  if (!refererAllowed(readStoredReferer(stored), call.ctx.header('referer')))
    throw new S3Error('AccessDenied', REFERER_DENIED);
}
