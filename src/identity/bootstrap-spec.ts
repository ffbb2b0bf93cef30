// The declarative bootstrap file (CONTRACTS.md "Declarative bootstrap"): reading and validating it
// into a normalized spec, before anything is written. Every problem names its JSON path (and its
// line and column in the file), and every policy is validated with the policy parser as the type
// it will be used as. All problems are reported at once, not just the first.
import { promises as fs } from 'node:fs';
import { parsePolicy } from '../policy/parse.js';
import type { PolicyType } from '../policy/model.js';
import {
  childPath,
  parseJsonSource,
  type JsonObject,
  type JsonValue,
  type SourceSpan,
} from '../policy/json-source.js';
import { bucketNameProblem } from '../s3/bucket-names.js';
import {
  IamError,
  checkAccessKeyId,
  checkDescription,
  checkMaxSessionDuration,
  checkName,
  checkPath,
  checkTags,
  nameKey,
  parseIamArn,
  policyArn,
  type AccessKeyStatus,
} from './model.js';
import { Secret } from './secrets.js';

// ---------------------------------------------------------------- the normalized spec

/** Where a declaration sits in the file, for errors found while applying it. */
interface At {
  readonly at: string;
}

export interface PolicyDecl extends At {
  /** The document text to store: the string given, or the object given, pretty-printed. */
  readonly text: string;
}

export interface KeyDecl extends At {
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
  readonly status: AccessKeyStatus;
}

export interface RefDecl extends At {
  /** A managed policy ARN (names given without `arn:` are resolved to the account's policy). */
  readonly arn: string;
}

export interface NamedPolicyDecl {
  readonly name: string;
  readonly policy: PolicyDecl;
}

export interface UserDecl extends At {
  readonly name: string;
  readonly path: string;
  readonly accessKeys: readonly KeyDecl[];
  readonly groups: readonly (At & { readonly name: string })[];
  readonly inline: readonly NamedPolicyDecl[];
  readonly managed: readonly RefDecl[];
  readonly boundary: RefDecl | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface GroupDecl extends At {
  readonly name: string;
  readonly path: string;
  readonly inline: readonly NamedPolicyDecl[];
  readonly managed: readonly RefDecl[];
}

export interface ManagedPolicyDecl extends At {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly description: string | null;
  readonly policy: PolicyDecl;
}

export interface RoleDecl extends At {
  readonly name: string;
  readonly path: string;
  readonly trust: PolicyDecl;
  readonly inline: readonly NamedPolicyDecl[];
  readonly managed: readonly RefDecl[];
  readonly maxSessionDuration: number;
  readonly boundary: RefDecl | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string | null;
}

export interface BucketDecl extends At {
  readonly name: string;
  readonly policy: PolicyDecl | null;
}

export interface AccountDecl extends At {
  readonly id: string;
  readonly name: string;
  readonly root: KeyDecl | null;
  readonly users: readonly UserDecl[];
  readonly groups: readonly GroupDecl[];
  readonly managedPolicies: readonly ManagedPolicyDecl[];
  readonly roles: readonly RoleDecl[];
  readonly buckets: readonly BucketDecl[];
}

/** One organization level's policies: documents, or the built-in FullAWSAccess SCP. */
export type OrgEntry =
  { readonly kind: 'full-access' } | { readonly kind: 'document'; readonly policy: PolicyDecl };

export interface OrgLevelDecl extends At {
  readonly entries: readonly OrgEntry[];
}

export interface OrganizationDecl extends At {
  readonly managementAccount: string | null;
  /** Levels from the root: [0] the root, [n-1] the accounts (n ≥ 2), OUs in between. */
  readonly scp: readonly OrgLevelDecl[];
  readonly rcp: readonly OrgLevelDecl[];
  readonly accounts: readonly (At & { readonly id: string })[];
}

export interface BootstrapSpec {
  readonly accounts: readonly AccountDecl[];
  readonly organization: OrganizationDecl | null;
}

// ---------------------------------------------------------------- errors

export interface BootstrapProblem {
  /** JSON path in the file (`accounts[0].users[1].policies.inline-name`). */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

const MAX_LISTED = 50;

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';

  constructor(
    readonly problems: readonly BootstrapProblem[],
    readonly source = 'bootstrap file',
  ) {
    const lines = problems.slice(0, MAX_LISTED).map((p) => `  ${formatProblem(p)}`);
    if (problems.length > MAX_LISTED) lines.push(`  ... and ${problems.length - MAX_LISTED} more`);
    super(`${source} is invalid:\n${lines.join('\n')}`);
  }
}

/** `path: message (line L, column C)` */
export function formatProblem(p: BootstrapProblem): string {
  const where = p.line !== undefined ? ` (line ${p.line}, column ${p.column ?? 1})` : '';
  return `${p.path === '' ? '(top level)' : p.path}: ${p.message}${where}`;
}

// ---------------------------------------------------------------- reading

/** Reads and validates a bootstrap file; throws BootstrapError (its message names every problem). */
export async function readBootstrapFile(file: string): Promise<BootstrapSpec> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new BootstrapError([{ path: '', message: `cannot read the file: ${(e as Error).message}` }], file);
  }
  return parseBootstrapText(text, file);
}

export function parseBootstrapText(text: string, source = 'bootstrap file'): BootstrapSpec {
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const { message, line, column } = parsed.error;
    throw new BootstrapError([{ path: '', message, line, column }], source);
  }
  const reader = new Reader(parsed.json.values, parsed.json.keys);
  for (const d of parsed.json.duplicates)
    reader.report(childPath(d.path, d.key), `duplicate key ${JSON.stringify(d.key)}`, d.span);
  const spec = reader.spec(parsed.json.value);
  if (reader.problems.length > 0) throw new BootstrapError(reader.sorted(), source);
  return spec;
}

/** Validates a bootstrap value already in memory (tests, programmatic set-up). */
export function parseBootstrap(value: unknown, source = 'bootstrap'): BootstrapSpec {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new BootstrapError([{ path: '', message: `not plain JSON data: ${(e as Error).message}` }], source);
  }
  if (text === undefined) throw new BootstrapError([{ path: '', message: 'must be a JSON object' }], source);
  const parsed = parseJsonSource(text, { positions: false });
  if (!parsed.ok) throw new BootstrapError([{ path: '', message: parsed.error.message }], source);
  const reader = new Reader(new Map());
  const spec = reader.spec(parsed.json.value);
  if (reader.problems.length > 0) throw new BootstrapError(reader.problems, source);
  return spec;
}

const TOP_KEYS = ['accounts', 'organization'] as const;
const ACCOUNT_KEYS = [
  'id',
  'name',
  'root',
  'users',
  'groups',
  'managedPolicies',
  'roles',
  'buckets',
] as const;
const KEY_KEYS = ['accessKeyId', 'secretAccessKey', 'status'] as const;
const USER_KEYS = [
  'name',
  'path',
  'accessKeys',
  'groups',
  'policies',
  'managedPolicies',
  'boundary',
  'tags',
] as const;
const GROUP_KEYS = ['name', 'path', 'policies', 'managedPolicies'] as const;
const MANAGED_KEYS = ['name', 'path', 'document', 'description'] as const;
const ROLE_KEYS = [
  'name',
  'path',
  'trustPolicy',
  'policies',
  'managedPolicies',
  'maxSessionDuration',
  'boundary',
  'tags',
  'description',
] as const;
const BUCKET_KEYS = ['name', 'policy'] as const;
const ORG_KEYS = ['managementAccount', 'scp', 'rcp', 'accounts'] as const;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** `a.b` + `Statement[0].Effect` → `a.b.Statement[0].Effect` (paths as json-source writes them). */
function joinPath(base: string, inner: string): string {
  if (inner === '') return base;
  if (base === '') return inner;
  return inner.startsWith('[') ? `${base}${inner}` : `${base}.${inner}`;
}

/** Edit distance, for "did you mean" (field names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(
        Math.min(
          (prev[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}

function suggestion(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 4;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

class Reader {
  readonly problems: BootstrapProblem[] = [];

  constructor(
    private readonly spans: ReadonlyMap<string, SourceSpan>,
    /** Spans of object keys: unknown fields are pointed at by their name. */
    private readonly keySpans: ReadonlyMap<string, SourceSpan> = new Map(),
  ) {}

  report(path: string, message: string, span = this.spans.get(path)): void {
    this.problems.push(
      span ? { path, message, line: span.start.line, column: span.start.column } : { path, message },
    );
  }

  /** Problems in reading order (stable for problems without a position). */
  sorted(): BootstrapProblem[] {
    return [...this.problems].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
  }

  /** Runs a model check (checkName ...) and turns its IamError into a problem at `path`. */
  private guard(path: string, check: () => void): boolean {
    try {
      check();
      return true;
    } catch (e) {
      if (e instanceof IamError) {
        this.report(path, e.message);
        return false;
      }
      throw e;
    }
  }

  private object(v: JsonValue | undefined, path: string, known: readonly string[]): JsonObject | undefined {
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.report(path, `must be an object, not ${kindOf(v)}`);
      return undefined;
    }
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) {
        const at = childPath(path, key);
        this.report(
          at,
          `unknown field ${JSON.stringify(key)}; expected one of ${known.join(', ')}${suggestion(key, known)}`,
          this.keySpans.get(at),
        );
      }
    }
    return v;
  }

  private list(v: JsonValue | undefined, path: string): JsonValue[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.report(path, `must be a list, not ${kindOf(v)}`);
      return [];
    }
    return v;
  }

  private string(v: JsonValue | undefined, path: string, required: boolean): string | undefined {
    if (v === undefined || (v === null && !required)) {
      if (required) this.report(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.report(path, `must be a string, not ${kindOf(v)}`);
      return undefined;
    }
    return v;
  }

  private policy(v: JsonValue | undefined, path: string, type: PolicyType): PolicyDecl | undefined {
    if (v === undefined || v === null) return undefined;
    let text: string;
    if (typeof v === 'string') text = v;
    else if (isObject(v)) text = JSON.stringify(v, null, 2);
    else {
      this.report(path, `must be a policy document (an object, or its JSON text), not ${kindOf(v)}`);
      return undefined;
    }
    const result = parsePolicy(text, { type, dialect: 'auto' });
    if (!result.ok) {
      for (const p of result.problems) {
        // Object documents: point at the offending element in the file; text documents: at the text.
        const span =
          typeof v === 'string'
            ? this.spans.get(path)
            : (this.spans.get(joinPath(path, p.path)) ?? this.spans.get(path));
        this.problems.push(
          span
            ? { path, message: p.message, line: span.start.line, column: span.start.column }
            : { path, message: p.message },
        );
      }
      return undefined;
    }
    return { at: path, text };
  }

  private inlinePolicies(v: JsonValue | undefined, path: string): NamedPolicyDecl[] {
    if (v === undefined || v === null) return [];
    if (!isObject(v)) {
      this.report(path, `must be an object of policy name → document, not ${kindOf(v)}`);
      return [];
    }
    const out: NamedPolicyDecl[] = [];
    const seen = new Map<string, string>();
    for (const [name, doc] of Object.entries(v)) {
      const at = childPath(path, name);
      if (!this.guard(at, () => checkName('policy', name, 'policyName'))) continue;
      const clash = seen.get(nameKey(name));
      if (clash !== undefined) {
        this.report(
          at,
          `policy names are not case-sensitive: ${JSON.stringify(name)} is the same name as ${JSON.stringify(clash)}`,
        );
        continue;
      }
      seen.set(nameKey(name), name);
      const policy = this.policy(doc, at, 'identity');
      if (policy === undefined && (doc === undefined || doc === null))
        this.report(at, 'must be a policy document');
      if (policy !== undefined) out.push({ name, policy });
    }
    return out;
  }

  private tags(v: JsonValue | undefined, path: string): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) {
      this.report(path, `must be an object of tag key → value, not ${kindOf(v)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string')
        this.report(childPath(path, k), `must be a string, not ${kindOf(value)}`);
      else out[k] = value;
    }
    this.guard(path, () => checkTags(out));
    return out;
  }

  private key(v: JsonValue | undefined, path: string, seenKeys: Map<string, string>): KeyDecl | undefined {
    const o = this.object(v, path, KEY_KEYS);
    if (o === undefined) return undefined;
    const id = this.string(o['accessKeyId'], childPath(path, 'accessKeyId'), true);
    const secret = this.string(o['secretAccessKey'], childPath(path, 'secretAccessKey'), true);
    const status = this.string(o['status'], childPath(path, 'status'), false) ?? 'Active';
    if (status !== 'Active' && status !== 'Inactive')
      this.report(childPath(path, 'status'), `${JSON.stringify(status)} is not Active or Inactive`);
    if (secret !== undefined && (secret.length < 16 || secret.length > 128)) {
      this.report(childPath(path, 'secretAccessKey'), 'must be 16 to 128 characters');
    }
    if (id === undefined || secret === undefined) return undefined;
    if (!this.guard(childPath(path, 'accessKeyId'), () => checkAccessKeyId(id))) return undefined;
    const earlier = seenKeys.get(id);
    if (earlier !== undefined) {
      this.report(childPath(path, 'accessKeyId'), `${id} is already declared at ${earlier}`);
      return undefined;
    }
    seenKeys.set(id, childPath(path, 'accessKeyId'));
    return {
      at: path,
      accessKeyId: id,
      secretAccessKey: new Secret(secret),
      status: status === 'Inactive' ? 'Inactive' : 'Active',
    };
  }

  private iamPath(v: JsonValue | undefined, path: string): string {
    const p = this.string(v, path, false) ?? '/';
    this.guard(path, () => checkPath(p));
    return p;
  }

  /** A managed policy reference: an ARN, or a name declared in (or existing in) the same account. */
  private ref(
    v: JsonValue | undefined,
    path: string,
    account: string,
    declared: ReadonlyMap<string, string>,
  ): RefDecl | undefined {
    const s = this.string(v, path, false);
    if (s === undefined) return undefined;
    if (s.startsWith('arn:')) {
      if (/^arn:aws:iam::aws:policy\//.test(s)) {
        this.report(
          path,
          `${s} is an AWS managed policy; Portcullis has none: declare the policy under managedPolicies`,
        );
        return undefined;
      }
      const parsed = parseIamArn(s);
      if (parsed === undefined || parsed.type !== 'policy') {
        this.report(
          path,
          `${JSON.stringify(s)} is not a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)`,
        );
        return undefined;
      }
      if (parsed.account !== account) {
        this.report(
          path,
          `${s} belongs to account ${parsed.account}; customer managed policies attach only in their own account`,
        );
        return undefined;
      }
      return { at: path, arn: s };
    }
    if (!this.guard(path, () => checkName('policy', s, 'policyArn'))) return undefined;
    return { at: path, arn: declared.get(nameKey(s)) ?? policyArn(account, '/', s) };
  }

  private refs(
    v: JsonValue | undefined,
    path: string,
    account: string,
    declared: ReadonlyMap<string, string>,
  ): RefDecl[] {
    const out: RefDecl[] = [];
    const seen = new Set<string>();
    this.list(v, path).forEach((item, i) => {
      const at = childPath(path, i);
      if (item === null) return this.report(at, 'must be a policy ARN or name');
      const ref = this.ref(item, at, account, declared);
      if (ref === undefined) return;
      if (seen.has(ref.arn.toLowerCase())) return this.report(at, `${ref.arn} is listed twice`);
      seen.add(ref.arn.toLowerCase());
      out.push(ref);
    });
    return out;
  }

  private uniqueName(seen: Map<string, string>, name: string, at: string, what: string): boolean {
    const earlier = seen.get(nameKey(name));
    if (earlier !== undefined) {
      this.report(
        at,
        `${what} ${JSON.stringify(name)} is already declared at ${earlier} (IAM names are not case-sensitive)`,
      );
      return false;
    }
    seen.set(nameKey(name), at);
    return true;
  }

  spec(root: JsonValue): BootstrapSpec {
    const top = this.object(root, '', TOP_KEYS);
    if (top === undefined) {
      if (!isObject(root)) return { accounts: [], organization: null };
    }
    const seenKeys = new Map<string, string>();
    const seenAccounts = new Map<string, string>();
    const seenBuckets = new Map<string, string>();
    const accounts: AccountDecl[] = [];
    this.list(top?.['accounts'], 'accounts').forEach((a, i) => {
      const decl = this.account(a, childPath('accounts', i), seenKeys, seenAccounts, seenBuckets);
      if (decl !== undefined) accounts.push(decl);
    });
    const organization = this.organization(top?.['organization'], 'organization');
    return { accounts, organization };
  }

  private account(
    v: JsonValue,
    path: string,
    seenKeys: Map<string, string>,
    seenAccounts: Map<string, string>,
    seenBuckets: Map<string, string>,
  ): AccountDecl | undefined {
    const o = this.object(v, path, ACCOUNT_KEYS);
    if (o === undefined) {
      if (v === null) this.report(path, 'must be an object');
      return undefined;
    }
    const id = this.string(o['id'], childPath(path, 'id'), true);
    if (id === undefined) return undefined;
    if (!/^\d{12}$/.test(id)) {
      this.report(childPath(path, 'id'), `${JSON.stringify(id)} is not a 12-digit account id`);
      return undefined;
    }
    const earlier = seenAccounts.get(id);
    if (earlier !== undefined) {
      this.report(childPath(path, 'id'), `account ${id} is already declared at ${earlier}`);
      return undefined;
    }
    seenAccounts.set(id, path);
    const name = this.string(o['name'], childPath(path, 'name'), false) ?? `account-${id}`;
    if (name.length < 1 || name.length > 50)
      this.report(childPath(path, 'name'), 'must be 1 to 50 characters');
    const root =
      o['root'] === null || o['root'] === undefined
        ? null
        : (this.key(o['root'], childPath(path, 'root'), seenKeys) ?? null);

    // Managed policies first: users, groups and roles may name them without the ARN.
    const declaredPolicies = new Map<string, string>();
    const managedPolicies: ManagedPolicyDecl[] = [];
    const seenPolicyNames = new Map<string, string>();
    this.list(o['managedPolicies'], childPath(path, 'managedPolicies')).forEach((m, i) => {
      const at = childPath(childPath(path, 'managedPolicies'), i);
      const mo = this.object(m, at, MANAGED_KEYS);
      if (mo === undefined) return m === null ? this.report(at, 'must be an object') : undefined;
      const pname = this.string(mo['name'], childPath(at, 'name'), true);
      const ppath = this.iamPath(mo['path'], childPath(at, 'path'));
      const description = this.string(mo['description'], childPath(at, 'description'), false) ?? null;
      this.guard(childPath(at, 'description'), () => checkDescription(description));
      const policy = this.policy(mo['document'], childPath(at, 'document'), 'identity');
      if (mo['document'] === undefined || mo['document'] === null)
        this.report(childPath(at, 'document'), 'is required');
      if (
        pname === undefined ||
        !this.guard(childPath(at, 'name'), () => checkName('policy', pname, 'policyName'))
      )
        return;
      if (!this.uniqueName(seenPolicyNames, pname, at, 'managed policy')) return;
      const arn = policyArn(id, ppath, pname);
      declaredPolicies.set(nameKey(pname), arn);
      if (policy !== undefined)
        managedPolicies.push({ at, name: pname, path: ppath, arn, description, policy });
    });

    const groups: GroupDecl[] = [];
    const seenGroups = new Map<string, string>();
    this.list(o['groups'], childPath(path, 'groups')).forEach((g, i) => {
      const at = childPath(childPath(path, 'groups'), i);
      const go = this.object(g, at, GROUP_KEYS);
      if (go === undefined) return g === null ? this.report(at, 'must be an object') : undefined;
      const gname = this.string(go['name'], childPath(at, 'name'), true);
      const gpath = this.iamPath(go['path'], childPath(at, 'path'));
      const inline = this.inlinePolicies(go['policies'], childPath(at, 'policies'));
      const managed = this.refs(
        go['managedPolicies'],
        childPath(at, 'managedPolicies'),
        id,
        declaredPolicies,
      );
      if (
        gname === undefined ||
        !this.guard(childPath(at, 'name'), () => checkName('group', gname, 'groupName'))
      )
        return;
      if (!this.uniqueName(seenGroups, gname, at, 'group')) return;
      groups.push({ at, name: gname, path: gpath, inline, managed });
    });

    const users: UserDecl[] = [];
    const seenUsers = new Map<string, string>();
    this.list(o['users'], childPath(path, 'users')).forEach((u, i) => {
      const at = childPath(childPath(path, 'users'), i);
      const uo = this.object(u, at, USER_KEYS);
      if (uo === undefined) return u === null ? this.report(at, 'must be an object') : undefined;
      const uname = this.string(uo['name'], childPath(at, 'name'), true);
      const upath = this.iamPath(uo['path'], childPath(at, 'path'));
      const accessKeys: KeyDecl[] = [];
      this.list(uo['accessKeys'], childPath(at, 'accessKeys')).forEach((k, j) => {
        const key = this.key(k, childPath(childPath(at, 'accessKeys'), j), seenKeys);
        if (key !== undefined) accessKeys.push(key);
      });
      if (accessKeys.length > 2)
        this.report(childPath(at, 'accessKeys'), 'IAM allows at most 2 access keys per user');
      const userGroups: (At & { name: string })[] = [];
      const seenMember = new Set<string>();
      this.list(uo['groups'], childPath(at, 'groups')).forEach((g, j) => {
        const gat = childPath(childPath(at, 'groups'), j);
        const gname = this.string(g, gat, true);
        if (gname === undefined) return;
        if (seenMember.has(nameKey(gname)))
          return this.report(gat, `group ${JSON.stringify(gname)} is listed twice`);
        seenMember.add(nameKey(gname));
        userGroups.push({ at: gat, name: gname });
      });
      if (userGroups.length > 10)
        this.report(childPath(at, 'groups'), 'IAM allows at most 10 groups per user');
      const inline = this.inlinePolicies(uo['policies'], childPath(at, 'policies'));
      const managed = this.refs(
        uo['managedPolicies'],
        childPath(at, 'managedPolicies'),
        id,
        declaredPolicies,
      );
      if (managed.length > 10)
        this.report(childPath(at, 'managedPolicies'), 'IAM allows at most 10 managed policies per user');
      const boundary = this.ref(uo['boundary'], childPath(at, 'boundary'), id, declaredPolicies) ?? null;
      const tags = this.tags(uo['tags'], childPath(at, 'tags'));
      if (
        uname === undefined ||
        !this.guard(childPath(at, 'name'), () => checkName('user', uname, 'userName'))
      )
        return;
      if (!this.uniqueName(seenUsers, uname, at, 'user')) return;
      users.push({
        at,
        name: uname,
        path: upath,
        accessKeys,
        groups: userGroups,
        inline,
        managed,
        boundary,
        tags,
      });
    });

    const roles: RoleDecl[] = [];
    const seenRoles = new Map<string, string>();
    this.list(o['roles'], childPath(path, 'roles')).forEach((r, i) => {
      const at = childPath(childPath(path, 'roles'), i);
      const ro = this.object(r, at, ROLE_KEYS);
      if (ro === undefined) return r === null ? this.report(at, 'must be an object') : undefined;
      const rname = this.string(ro['name'], childPath(at, 'name'), true);
      const rpath = this.iamPath(ro['path'], childPath(at, 'path'));
      // No trust policy: trust the account itself, what IAM's "this account" option writes.
      const trust =
        ro['trustPolicy'] === undefined || ro['trustPolicy'] === null
          ? { at: childPath(at, 'trustPolicy'), text: accountTrust(id) }
          : this.policy(ro['trustPolicy'], childPath(at, 'trustPolicy'), 'trust');
      const inline = this.inlinePolicies(ro['policies'], childPath(at, 'policies'));
      const managed = this.refs(
        ro['managedPolicies'],
        childPath(at, 'managedPolicies'),
        id,
        declaredPolicies,
      );
      if (managed.length > 10)
        this.report(childPath(at, 'managedPolicies'), 'IAM allows at most 10 managed policies per role');
      let maxSessionDuration = 3600;
      const msd = ro['maxSessionDuration'];
      if (msd !== undefined && msd !== null) {
        if (typeof msd !== 'number')
          this.report(childPath(at, 'maxSessionDuration'), `must be a number of seconds, not ${kindOf(msd)}`);
        else if (this.guard(childPath(at, 'maxSessionDuration'), () => checkMaxSessionDuration(msd)))
          maxSessionDuration = msd;
      }
      const boundary = this.ref(ro['boundary'], childPath(at, 'boundary'), id, declaredPolicies) ?? null;
      const tags = this.tags(ro['tags'], childPath(at, 'tags'));
      const description = this.string(ro['description'], childPath(at, 'description'), false) ?? null;
      this.guard(childPath(at, 'description'), () => checkDescription(description));
      if (
        rname === undefined ||
        !this.guard(childPath(at, 'name'), () => checkName('role', rname, 'roleName'))
      )
        return;
      if (!this.uniqueName(seenRoles, rname, at, 'role')) return;
      if (trust === undefined) return;
      roles.push({
        at,
        name: rname,
        path: rpath,
        trust,
        inline,
        managed,
        maxSessionDuration,
        boundary,
        tags,
        description,
      });
    });

    const buckets: BucketDecl[] = [];
    this.list(o['buckets'], childPath(path, 'buckets')).forEach((b, i) => {
      const at = childPath(childPath(path, 'buckets'), i);
      const bo = this.object(b, at, BUCKET_KEYS);
      if (bo === undefined) return b === null ? this.report(at, 'must be an object') : undefined;
      const bname = this.string(bo['name'], childPath(at, 'name'), true);
      const policy = this.policy(bo['policy'], childPath(at, 'policy'), 'resource') ?? null;
      if (bname === undefined) return;
      const problem = bucketNameProblem(bname);
      if (problem !== null) return this.report(childPath(at, 'name'), problem);
      const earlier = seenBuckets.get(bname);
      if (earlier !== undefined)
        return this.report(childPath(at, 'name'), `bucket ${bname} is already declared at ${earlier}`);
      seenBuckets.set(bname, at);
      buckets.push({ at, name: bname, policy });
    });

    return { at: path, id, name, root, users, groups, managedPolicies, roles, buckets };
  }

  private levels(v: JsonValue | undefined, path: string, type: 'scp' | 'rcp'): OrgLevelDecl[] {
    return this.list(v, path).map((level, i) => {
      const at = childPath(path, i);
      const entries: OrgEntry[] = [];
      this.list(level, at).forEach((entry, j) => {
        const eat = childPath(at, j);
        if (entry === 'FullAWSAccess' && type === 'scp') return entries.push({ kind: 'full-access' });
        if (entry === null) return this.report(eat, 'must be a policy document');
        const policy = this.policy(entry, eat, type);
        if (policy !== undefined) entries.push({ kind: 'document', policy });
      });
      return { at, entries };
    });
  }

  private organization(v: JsonValue | undefined, path: string): OrganizationDecl | null {
    if (v === null || v === undefined) return null;
    const o = this.object(v, path, ORG_KEYS);
    if (o === undefined) return null;
    const managementAccount =
      this.string(o['managementAccount'], childPath(path, 'managementAccount'), false) ?? null;
    if (managementAccount !== null && !/^\d{12}$/.test(managementAccount)) {
      this.report(
        childPath(path, 'managementAccount'),
        `${JSON.stringify(managementAccount)} is not a 12-digit account id`,
      );
    }
    const scp = this.levels(o['scp'], childPath(path, 'scp'), 'scp');
    const rcp = this.levels(o['rcp'], childPath(path, 'rcp'), 'rcp');
    // AWS Organizations: the root, up to five OU levels, the account.
    if (Math.max(scp.length, rcp.length) > 7)
      this.report(path, 'at most 7 levels: the root, 5 OUs and the accounts');
    const members: (At & { id: string })[] = [];
    const seen = new Set<string>();
    this.list(o['accounts'], childPath(path, 'accounts')).forEach((a, i) => {
      const at = childPath(childPath(path, 'accounts'), i);
      const id = this.string(a, at, true);
      if (id === undefined) return;
      if (!/^\d{12}$/.test(id)) return this.report(at, `${JSON.stringify(id)} is not a 12-digit account id`);
      if (seen.has(id)) return this.report(at, `account ${id} is listed twice`);
      if (id === managementAccount)
        return this.report(at, `account ${id} is the management account; SCPs and RCPs never apply to it`);
      seen.add(id);
      members.push({ at, id });
    });
    return { at: path, managementAccount, scp, rcp, accounts: members };
  }
}

/** The trust policy IAM's console writes for "this account". */
export function accountTrust(account: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
      ],
    },
    null,
    2,
  );
}
