// Resources: ARN shape, bucket vs object ARNs (seed 004), S3 ARN details, duplicates, and
// statement-level shapes (NotResource with Allow, actions whose service no resource belongs to).
import { compileResourcePattern } from '../wildcard.js';
import { actionName, type ResourceKind } from './catalog.js';
import { q, type Item, type LintContext, type StatementView } from './document.js';
import { actions, hasWildcard, literalActions, splitAction } from './facts.js';

export function checkResources(ctx: LintContext): void {
  for (const st of ctx.statements) {
    if (!st.resource) continue;
    for (const item of st.resource.items) checkResource(ctx, item);
    checkDuplicates(ctx, st.resource.items);
    if (st.allow && st.resource.which === 'NotResource') {
      ctx.report(
        'not-resource-allow',
        st.resource.items[0]?.path ?? `${st.path}.NotResource`,
        'Allow with NotResource grants the actions on every resource not listed, in every account; list the allowed resources in Resource instead',
      );
    }
    if (st.resource.which === 'Resource') {
      checkBucketObject(ctx, st);
      checkServiceMismatch(ctx, st);
      checkBroad(ctx, st);
    }
  }
}

/** An S3 or OSS ARN split into bucket and key (`key` undefined for a bucket ARN). */
interface StorageArn {
  service: 's3' | 'oss';
  region: string;
  account: string;
  resource: string;
  bucket: string;
  key: string | undefined;
}

export function storageArn(value: string): StorageArn | undefined {
  const parts = value.split(':');
  let service: 's3' | 'oss';
  let region: string;
  let account: string;
  let resource: string;
  if (parts[0] === 'arn' && parts[2] === 's3' && parts.length >= 6) {
    service = 's3';
    region = parts[3] ?? '';
    account = parts[4] ?? '';
    resource = parts.slice(5).join(':');
  } else if (parts[0] === 'acs' && parts[1] === 'oss' && parts.length >= 5) {
    service = 'oss';
    region = parts[2] ?? '';
    account = parts[3] ?? '';
    resource = parts.slice(4).join(':');
  } else {
    return undefined;
  }
  const slash = resource.indexOf('/');
  return {
    service,
    region,
    account,
    resource,
    bucket: slash < 0 ? resource : resource.slice(0, slash),
    key: slash < 0 ? undefined : resource.slice(slash + 1),
  };
}

/** What a resource value can match: bucket ARNs, object ARNs, both (`*`), or something else. */
function resourceKind(value: string): ResourceKind | 'both' {
  if (value === '*') return 'both';
  const arn = storageArn(value);
  if (!arn) return 'other';
  if (arn.key !== undefined) return 'object';
  // `*` matches "/" inside the resource part, so `arn:aws:s3:::b*` also matches objects.
  return arn.bucket.includes('*') ? 'both' : 'bucket';
}

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const OSS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

function checkResource(ctx: LintContext, item: Item): void {
  const v = item.value;
  if (v !== v.trim()) {
    ctx.report(
      'resource-whitespace',
      item.path,
      `Resource ${q(v)} has leading or trailing whitespace, so it never matches; use ${q(v.trim())}`,
    );
  }
  const value = v.trim();
  const need = value.startsWith('arn:') ? 6 : value.startsWith('acs:') ? 5 : 0;
  const segments = value.split(':').length;
  if (need > 0 && segments < need && value.includes('*')) {
    const example = need === 6 ? 'arn:aws:s3:::my-bucket/*' : 'acs:oss:*:*:my-bucket/*';
    ctx.report(
      'resource-wildcard-crosses-segment',
      item.path,
      `Resource ${q(value)} has ${segments} of the ${need} ARN segments; "*" never matches across ":", so write every segment, e.g. ${q(example)}`,
    );
    return;
  }
  const arn = storageArn(value);
  if (!arn) return;
  if (arn.service === 's3' && !/^(accesspoint|job|storage-lens)\//.test(arn.resource)) {
    const extra = [arn.region, arn.account].filter((s) => s !== '' && s !== '*');
    if (extra.length > 0) {
      ctx.report(
        's3-arn-region-account',
        item.path,
        `S3 bucket and object ARNs have no region or account (${extra.map(q).join(', ')}), so ${q(value)} never matches; use ${q(`arn:aws:s3:::${arn.resource}`)}`,
      );
    }
  }
  if (!/[*?$]/.test(arn.bucket)) {
    const valid = arn.service === 's3' ? S3_BUCKET : OSS_BUCKET;
    if (!valid.test(arn.bucket)) {
      ctx.report(
        's3-bucket-name-invalid',
        item.path,
        `${q(arn.bucket)} cannot be a bucket name (3-63 lower-case letters, digits${arn.service === 's3' ? ', "." and "-"' : ' and "-"'}), so ${q(value)} never matches a bucket`,
      );
    }
  }
}

function checkDuplicates(ctx: LintContext, items: readonly Item[]): void {
  items.forEach((item, i) => {
    if (items.findIndex((o) => o.value === item.value) < i) {
      ctx.report('resource-duplicate', item.path, `Resource ${q(item.value)} is listed twice`);
      return;
    }
    if (hasWildcard(item.value) || item.value.includes('${')) return;
    const cover = items.find(
      (o) =>
        o !== item &&
        hasWildcard(o.value) &&
        !o.value.includes('${') &&
        compileResourcePattern(o.value, { variables: false }).test(item.value),
    );
    if (cover) {
      ctx.report(
        'resource-duplicate',
        item.path,
        `Resource ${q(item.value)} is already covered by ${q(cover.value)} in the same list`,
      );
    }
  });
}

function bucketArnOf(value: string): string {
  const slash = value.indexOf('/');
  return slash < 0 ? value : value.slice(0, slash);
}

function checkBucketObject(ctx: LintContext, st: StatementView): void {
  const items = st.resource?.items ?? [];
  const kinds = items.map((i) => resourceKind(i.value.trim()));
  const literal = literalActions(st).filter((a) => a.service === 's3' || a.service === 'oss');
  const objectActions = literal.filter((a) => a.kind === 'object').map(actionName);
  const bucketActions = literal.filter((a) => a.kind === 'bucket').map(actionName);
  const list = (names: string[]): string =>
    names.length === 1 ? `${names[0]} acts` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} act`;
  if (objectActions.length > 0 && !kinds.some((k) => k === 'object' || k === 'both')) {
    items.forEach((item, i) => {
      if (kinds[i] !== 'bucket') return;
      const fix = `${item.value.trim()}/*`;
      ctx.report(
        'object-action-on-bucket-arn',
        item.path,
        `${list(objectActions)} on objects, but ${q(item.value)} is the bucket itself, so the statement never applies to them; use ${q(fix)} for the objects`,
      );
    });
  }
  if (bucketActions.length > 0 && !kinds.some((k) => k === 'bucket' || k === 'both')) {
    items.forEach((item, i) => {
      if (kinds[i] !== 'object') return;
      const fix = bucketArnOf(item.value.trim());
      ctx.report(
        'bucket-action-on-object-arn',
        item.path,
        `${list(bucketActions)} on the bucket, but ${q(item.value)} names objects, so the statement never applies to it; add ${q(fix)} for the bucket`,
      );
    });
  }
}

/** Which ARN services an action's resources may belong to. */
function resourceServices(service: string): string[] {
  if (service === 'sts') return ['sts', 'iam', 'ram'];
  return [service];
}

function checkServiceMismatch(ctx: LintContext, st: StatementView): void {
  const services = new Set<string>();
  for (const a of actions(st)) {
    const split = splitAction(a);
    if (!split || hasWildcard(split.service)) return;
    for (const s of resourceServices(split.service)) services.add(s);
  }
  if (services.size === 0) return;
  const items = st.resource?.items ?? [];
  const resourceServiceOf = (v: string): string | undefined => {
    const parts = v.split(':');
    if (parts[0] === 'arn' && parts.length >= 6) return parts[2];
    if (parts[0] === 'acs' && parts.length >= 5) return parts[1];
    return undefined;
  };
  const named = items.map((i) => resourceServiceOf(i.value.trim()));
  if (named.some((s) => s === undefined || hasWildcard(s) || services.has(s))) return;
  const first = items[0];
  if (!first) return;
  ctx.report(
    'resource-service-mismatch',
    first.path,
    `No resource belongs to the service of the actions (${[...new Set(actions(st).map((a) => splitAction(a)?.service))].join(', ')}): ${items.map((i) => q(i.value)).join(', ')} never match them`,
  );
}

function checkBroad(ctx: LintContext, st: StatementView): void {
  if (!st.allow || ctx.type === 'resource' || ctx.type === 'scp' || ctx.type === 'boundary') return;
  if (st.principal !== undefined) return;
  const star = st.resource?.items.find((i) => i.value === '*');
  const named = actions(st);
  if (!star || named.length === 0 || named.some(hasWildcard)) return;
  const literal = literalActions(st);
  if (literal.length !== named.length) return;
  const storage = literal.filter((a) => (a.service === 's3' || a.service === 'oss') && a.kind !== 'service');
  if (storage.length !== literal.length || storage.length === 0) return;
  ctx.report(
    'resource-wildcard-broad',
    star.path,
    `Resource "*" grants ${storage.map(actionName).join(', ')} on every bucket of the account; name the bucket (e.g. ${q(storage[0]?.service === 'oss' ? 'acs:oss:*:*:my-bucket/*' : 'arn:aws:s3:::my-bucket/*')})`,
  );
}
