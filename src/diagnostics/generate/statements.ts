// Evidence → a least-privilege identity policy (Version 2012-10-17).
//
// - Every allowed authorization becomes a grant of its action on its resource: object actions
//   on object ARNs, bucket actions on bucket ARNs, account-level actions on "*", IAM actions on
//   the IAM ARN asked for.
// - Object keys collapse to folder prefixes only under the rule of collapse.ts.
// - Listings (s3:ListBucket, s3:ListBucketVersions) that always named a prefix are granted with
//   `StringEquals s3:prefix` on the prefixes observed; one listing without a prefix (or with an
//   empty one) means the whole bucket was listed, and the grant has no condition.
// - Statements group resources that were granted the same set of actions under the same
//   condition, so a statement never grants an action on a resource where it was not observed.
//   Actions and resources are sorted, statements by their first resource: the output is the
//   same for the same evidence.
import { collapseKeys, DEFAULT_PREFIX_THRESHOLD } from './collapse.js';
import type { Evidence } from './evidence.js';
import { isBucketArn, splitObjectArn } from './resources.js';

export interface GeneratedStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: { StringEquals: { 's3:prefix': string[] } };
}

export interface GeneratedPolicy {
  Version: '2012-10-17';
  Statement: GeneratedStatement[];
}

export interface GenerateOptions {
  /** Distinct keys in one folder needed to grant `folder/*` (0: never collapse). */
  readonly prefixThreshold?: number;
}

/** Listing actions whose s3:prefix says which part of the bucket was listed. */
const PREFIX_LISTINGS = new Set(['s3:listbucket', 's3:listbucketversions']);

/** The policy, or null when there is no evidence to grant anything. */
export function generatePolicy(evidence: Evidence, options: GenerateOptions = {}): GeneratedPolicy | null {
  const threshold = options.prefixThreshold ?? DEFAULT_PREFIX_THRESHOLD;
  /** resource + condition → actions. */
  const grants = new Map<string, { resource: string; prefixes: string[] | null; actions: Set<string> }>();
  const grant = (action: string, resource: string, prefixes: string[] | null): void => {
    const key = `${resource}\n${prefixes === null ? '' : JSON.stringify(prefixes)}`;
    let g = grants.get(key);
    if (g === undefined) grants.set(key, (g = { resource, prefixes, actions: new Set() }));
    g.actions.add(action);
  };

  // Object keys per action and bucket, listing prefixes per action and bucket, the rest as is.
  const objects = new Map<string, { action: string; bucketArn: string; keys: Set<string> }>();
  const listings = new Map<
    string,
    { action: string; bucketArn: string; prefixes: Set<string>; whole: boolean }
  >();
  for (const u of evidence.used) {
    const object = splitObjectArn(u.resource);
    if (object !== undefined) {
      const k = `${u.action}\n${object.bucketArn}`;
      let o = objects.get(k);
      if (o === undefined)
        objects.set(k, (o = { action: u.action, bucketArn: object.bucketArn, keys: new Set() }));
      o.keys.add(object.key);
    } else if (PREFIX_LISTINGS.has(u.action.toLowerCase()) && isBucketArn(u.resource)) {
      const k = `${u.action}\n${u.resource}`;
      let l = listings.get(k);
      if (l === undefined)
        listings.set(k, (l = { action: u.action, bucketArn: u.resource, prefixes: new Set(), whole: false }));
      if (u.prefix === undefined) l.whole = true;
      else l.prefixes.add(u.prefix);
    } else {
      grant(u.action, u.resource, null);
    }
  }
  for (const o of objects.values()) {
    const denied = evidence.denied
      .filter((d) => d.action === o.action)
      .map((d) => splitObjectArn(d.resource))
      .filter((d) => d !== undefined && d.bucketArn === o.bucketArn)
      .map((d) => d?.key ?? '');
    for (const suffix of collapseKeys(o.keys, denied, threshold))
      grant(o.action, `${o.bucketArn}/${suffix}`, null);
  }
  for (const l of listings.values())
    grant(l.action, l.bucketArn, l.whole ? null : [...l.prefixes].sort(compare));

  // Resources with the same actions and condition share a statement.
  const statements = new Map<string, { actions: string[]; resources: string[]; prefixes: string[] | null }>();
  for (const g of grants.values()) {
    const actions = [...g.actions].sort(compare);
    const key = `${actions.join(',')}\n${g.prefixes === null ? '' : JSON.stringify(g.prefixes)}`;
    let s = statements.get(key);
    if (s === undefined) statements.set(key, (s = { actions, resources: [], prefixes: g.prefixes }));
    s.resources.push(g.resource);
  }
  if (statements.size === 0) return null;
  const ordered = [...statements.values()]
    .map((s) => ({ ...s, resources: s.resources.sort(compare) }))
    .sort(
      (a, b) =>
        compare(a.resources[0] ?? '', b.resources[0] ?? '') ||
        compare(a.actions.join(','), b.actions.join(',')) ||
        compare(JSON.stringify(a.prefixes), JSON.stringify(b.prefixes)),
    );
  const sids = new Map<string, number>();
  const stems = ordered.map((s) => sidStem(s.actions, s.resources, s.prefixes !== null));
  for (const stem of stems) sids.set(stem, (sids.get(stem) ?? 0) + 1);
  const seen = new Map<string, number>();
  return {
    Version: '2012-10-17',
    Statement: ordered.map((s, i) => {
      const stem = stems[i] ?? 'Observed';
      const n = (seen.get(stem) ?? 0) + 1;
      seen.set(stem, n);
      const statement: GeneratedStatement = {
        Sid: (sids.get(stem) ?? 0) > 1 ? `${stem}${n}` : stem,
        Effect: 'Allow',
        Action: s.actions,
        Resource: s.resources,
      };
      if (s.prefixes !== null) statement.Condition = { StringEquals: { 's3:prefix': s.prefixes } };
      return statement;
    }),
  };
}

/** A readable Sid (letters and digits only, as IAM requires): `S3Objects`, `S3Buckets`, `Iam`... */
function sidStem(actions: readonly string[], resources: readonly string[], listing: boolean): string {
  const services = [...new Set(actions.map((a) => a.slice(0, a.indexOf(':')).toLowerCase()))];
  const service = services.length === 1 ? capitalize(services[0] ?? '') : 'Mixed';
  const first = resources[0] ?? '*';
  if (service !== 'S3') return service.replace(/[^A-Za-z0-9]/g, '') || 'Observed';
  if (first === '*') return 'S3Account';
  if (listing) return 'S3ListPrefixes';
  return first.includes('/') ? 'S3Objects' : 'S3Buckets';
}

function capitalize(s: string): string {
  return s.length <= 3 ? s.toUpperCase() : `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
}

/** Plain code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
