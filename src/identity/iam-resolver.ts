// The IAM identity resolver: who holds an access key, and the compiled policies that travel with
// them (identity, permissions boundary, session, SCP levels).
//
// - Long-term keys (AKIA..., and root keys) are looked up in the IAM store; the result is memoized
//   under the store generation, so a request costs one coalesced generation read when nothing
//   changed, and sees any change at once when something did.
// - Temporary keys (ASIA...) are opened from their sealed session token: the principal and the
//   session policies come from the token, never from the database. The role's (or user's) own
//   policies do come from the store, through the same generation-keyed memo.
import type { CompiledPolicy } from '../policy/compile.js';
import type { PolicySet } from '../policy/decide.js';
import type { Principal } from '../policy/request.js';
import { checkClaims, type SessionClaims, type TokenKeyRing } from '../sts/session-token.js';
import { isTemporaryAccessKeyId } from '../sts/credentials.js';
import { canonicalUserId, rootPrincipal } from './account.js';
import type { IamStore } from './iam-store.js';
import {
  assumedRoleArn,
  federatedUserArn,
  nameKey,
  parseIamArn,
  type AccessKeyWithSecret,
  type ManagedPolicyText,
  type OrganizationPath,
  type OrgPolicyRecord,
  type Tags,
  type UserAuthorization,
  type RoleAuthorization,
} from './model.js';
import { GenerationReader, Lru, PolicyCache } from './policy-cache.js';
import type { IdentityResolver, PrincipalPolicies, ResolvedIdentity } from './resolver.js';

type Levels = NonNullable<PolicySet['scp']>;

/** Root credentials kept outside the store (PORTCULLIS_ROOT_ACCESS_KEY_ID / _SECRET_ACCESS_KEY). */
export interface StaticRootKey {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface IamResolverOptions {
  readonly store: IamStore;
  readonly tokens: TokenKeyRing;
  readonly cache?: PolicyCache;
  readonly staticRootKeys?: readonly StaticRootKey[];
  /** Epoch milliseconds (tests). */
  readonly now?: () => number;
  /** Opened session tokens kept (default 4096). */
  readonly maxSessions?: number;
}

/** A principal's own policies, compiled: what identities, sessions and federations share. */
interface PrincipalGrant {
  readonly identity: readonly CompiledPolicy[];
  readonly boundary: CompiledPolicy | null;
  readonly scp: Levels | undefined;
}

interface UserGrant extends PrincipalGrant {
  readonly userId: string;
  readonly arn: string;
  readonly name: string;
  readonly tags: Tags;
}

interface RoleGrant extends PrincipalGrant {
  readonly roleId: string;
  readonly tags: Tags;
}

interface AccountGrant {
  readonly scp: Levels | undefined;
  readonly rcp: Levels | undefined;
}

interface OpenedSession {
  readonly claims: SessionClaims;
  readonly session: readonly CompiledPolicy[];
}

const NO_POLICIES: readonly CompiledPolicy[] = Object.freeze([]);

const KEY_USE_INTERVAL_MS = 60_000;

export class IamResolver implements IdentityResolver {
  readonly cache: PolicyCache;
  private readonly store: IamStore;
  private readonly tokens: TokenKeyRing;
  private readonly generations: GenerationReader;
  private readonly staticRoots: ReadonlyMap<string, StaticRootKey>;
  private readonly sessions: Lru<string, OpenedSession>;
  private readonly now: () => number;
  private readonly keyUseNoted = new Map<string, number>();

  constructor(options: IamResolverOptions) {
    this.store = options.store;
    this.tokens = options.tokens;
    this.cache = options.cache ?? new PolicyCache();
    this.generations = new GenerationReader(() => options.store.generation());
    this.staticRoots = new Map((options.staticRootKeys ?? []).map((k) => [k.accessKeyId, k]));
    this.sessions = new Lru(options.maxSessions ?? 4096);
    this.now = options.now ?? Date.now;
  }

  /**
   * The identity behind an access key, or undefined when there is no such active key. For
   * temporary (ASIA) keys pass the request's session token: without one the key is unknown, and a
   * bad one throws SessionTokenError (InvalidToken, ExpiredToken, InvalidClientTokenId).
   */
  async resolveAccessKey(accessKeyId: string, sessionToken?: string): Promise<ResolvedIdentity | undefined> {
    if (isTemporaryAccessKeyId(accessKeyId)) {
      if (sessionToken === undefined || sessionToken === '') return undefined;
      return this.resolveSession(accessKeyId, sessionToken);
    }
    const generation = await this.generations.read();
    const fixed = this.staticRoots.get(accessKeyId);
    if (fixed !== undefined) {
      const account = await this.accountGrant(fixed.accountId, generation);
      return rootIdentity(fixed.accountId, fixed.accessKeyId, fixed.secretAccessKey, account.scp);
    }
    const key = await this.cache.memo(`key:${accessKeyId}`, generation, async () => ({
      generation,
      value: await this.store.findAccessKey(accessKeyId),
    }));
    if (key === null || key.status !== 'Active') return undefined;
    return this.longTermIdentity(key, generation);
  }

  private async longTermIdentity(
    key: AccessKeyWithSecret,
    generation: number,
  ): Promise<ResolvedIdentity | undefined> {
    if (key.userName === null) {
      const account = await this.accountGrant(key.account, generation);
      return rootIdentity(key.account, key.accessKeyId, key.secretAccessKey.reveal(), account.scp);
    }
    const user = await this.userGrant(key.account, key.userName, generation);
    // The key row outlives nothing (foreign key), so a missing user means a racing delete.
    if (user === null) return undefined;
    const principal: Principal = {
      type: 'user',
      arn: user.arn,
      account: key.account,
      canonicalUser: canonicalUserId(key.account),
    };
    return frozen({
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey.reveal(),
      principal,
      policies: policiesOf(user, NO_POLICIES),
      userId: user.userId,
      username: user.name,
      tags: user.tags,
    });
  }

  // ---------------------------------------------------------------- sessions

  private openSession(accessKeyId: string, token: string): OpenedSession {
    const now = this.now();
    const cached = this.sessions.get(token);
    if (cached !== undefined) {
      // The checks open() makes after decrypting: the cache saves the decryption and the compiling.
      checkClaims(cached.claims, { accessKeyId, now });
      return cached;
    }
    const claims = this.tokens.open(token, { accessKeyId, now });
    const session = claims.policies.map((text, i) =>
      this.cache.session(text, claims.policies.length === 1 ? 'session policy' : `session policy ${i + 1}`),
    );
    const opened = { claims, session };
    this.sessions.set(token, opened);
    return opened;
  }

  private async resolveSession(accessKeyId: string, token: string): Promise<ResolvedIdentity | undefined> {
    const { claims, session: inline } = this.openSession(accessKeyId, token);
    const generation = await this.generations.read();
    const account = claims.account;
    const session = [...inline];
    for (const arn of claims.policyArns) session.push(await this.managedSessionPolicy(arn, generation));
    const p = claims.principal;
    const base = {
      accessKeyId: claims.accessKeyId,
      secretAccessKey: claims.secretAccessKey.reveal(),
      sessionToken: token,
    };
    const canonicalUser = canonicalUserId(account);

    if (p.type === 'assumed-role') {
      const roleName = lastSegment(p.roleArn);
      const role = await this.roleGrant(account, roleName, generation);
      // A deleted (or deleted and re-created) role grants its old sessions nothing.
      const grant: PrincipalGrant =
        role !== null && role.roleId === p.roleId ? role : await this.noGrant(account, generation);
      return frozen({
        ...base,
        principal: {
          type: 'assumed-role',
          arn: assumedRoleArn(account, roleName, p.sessionName),
          account,
          roleArn: p.roleArn,
          canonicalUser,
        },
        policies: policiesOf(grant, session),
        userId: `${p.roleId}:${p.sessionName}`,
        tags: mergeSessionTags(role?.tags ?? {}, claims.tags),
      });
    }

    if (p.type === 'federated-user') {
      const user = await this.userByArn(account, p.userArn, p.userId, generation);
      // GetFederationToken without a policy: the session has no permissions of its own.
      if (session.length === 0) session.push(this.cache.allowNothing('session policy', 'session'));
      return frozen({
        ...base,
        principal: {
          type: 'federated-user',
          arn: federatedUserArn(account, p.name),
          account,
          federatedUserArn: p.userArn,
          canonicalUser,
        },
        policies: policiesOf(user ?? (await this.noGrant(account, generation)), session),
        userId: `${account}:${p.name}`,
        tags: claims.tags,
      });
    }

    // GetSessionToken: the caller itself, with its own policies.
    if (p.userName === undefined) {
      const acct = await this.accountGrant(account, generation);
      return frozen({
        ...rootIdentity(account, base.accessKeyId, base.secretAccessKey, acct.scp),
        sessionToken: token,
      });
    }
    const user = await this.userByArn(account, p.subjectArn, p.subjectId, generation);
    return frozen({
      ...base,
      principal: { type: 'user', arn: p.subjectArn, account, canonicalUser },
      policies: policiesOf(user ?? (await this.noGrant(account, generation)), session),
      userId: p.subjectId,
      username: p.userName,
      tags: user?.tags ?? {},
    });
  }

  /** The user named by an ARN, if it still exists with the same unique id. */
  private async userByArn(
    account: string,
    arn: string,
    id: string,
    generation: number,
  ): Promise<UserGrant | null> {
    const parsed = parseIamArn(arn);
    if (parsed === undefined || parsed.type !== 'user') return null;
    const user = await this.userGrant(account, parsed.name, generation);
    return user !== null && user.userId === id ? user : null;
  }

  private async managedSessionPolicy(arn: string, generation: number): Promise<CompiledPolicy> {
    const doc = await this.cache.memo<ManagedPolicyText | null>(`policy:${arn}`, generation, async () => ({
      generation,
      value: await this.store.getPolicyDocument(arn),
    }));
    // A deleted managed session policy grants nothing (and still keeps the session restricted).
    return doc === null
      ? this.cache.allowNothing(arn, 'session')
      : this.cache.compileStored(doc.document, arn, 'session');
  }

  // ---------------------------------------------------------------- memoized grants

  private async noGrant(account: string, generation: number): Promise<PrincipalGrant> {
    return { identity: NO_POLICIES, boundary: null, scp: (await this.accountGrant(account, generation)).scp };
  }

  private userGrant(account: string, name: string, generation: number): Promise<UserGrant | null> {
    return this.cache.memo(`user:${account}:${nameKey(name)}`, generation, async () => {
      const auth = await this.store.userAuthorization(account, name);
      return {
        generation: auth?.generation ?? generation,
        value: auth === null ? null : this.compileUser(auth),
      };
    });
  }

  private roleGrant(account: string, name: string, generation: number): Promise<RoleGrant | null> {
    return this.cache.memo(`role:${account}:${nameKey(name)}`, generation, async () => {
      const auth = await this.store.roleAuthorization(account, name);
      return {
        generation: auth?.generation ?? generation,
        value: auth === null ? null : this.compileRole(auth),
      };
    });
  }

  private accountGrant(account: string, generation: number): Promise<AccountGrant> {
    return this.cache.memo(`account:${account}`, generation, async () => {
      const auth = await this.store.accountAuthorization(account);
      const org = auth?.organization ?? null;
      return {
        generation: auth?.generation ?? generation,
        value: { scp: this.levels(org, 'scp'), rcp: this.levels(org, 'rcp') },
      };
    });
  }

  private compileUser(auth: UserAuthorization): UserGrant {
    const u = auth.user;
    const identity: CompiledPolicy[] = [];
    const seen = new Set<string>();
    const managed = (list: readonly ManagedPolicyText[]) => {
      for (const m of list) {
        // A policy attached to the user and to one of its groups counts once.
        if (seen.has(m.arn)) continue;
        seen.add(m.arn);
        identity.push(this.cache.compileStored(m.document, m.arn, 'identity'));
      }
    };
    for (const p of auth.inline)
      identity.push(this.cache.compileStored(p.document, `user/${u.name}/inline/${p.name}`, 'identity'));
    managed(auth.attached);
    for (const g of auth.groups) {
      for (const p of g.inline)
        identity.push(
          this.cache.compileStored(p.document, `group/${g.group.name}/inline/${p.name}`, 'identity'),
        );
      managed(g.attached);
    }
    return {
      userId: u.id,
      arn: u.arn,
      name: u.name,
      tags: u.tags,
      identity,
      boundary:
        auth.boundary === null
          ? null
          : this.cache.compileStored(auth.boundary.document, auth.boundary.arn, 'boundary'),
      scp: this.levels(auth.organization, 'scp'),
    };
  }

  private compileRole(auth: RoleAuthorization): RoleGrant {
    const r = auth.role;
    const identity: CompiledPolicy[] = auth.inline.map((p) =>
      this.cache.compileStored(p.document, `role/${r.name}/inline/${p.name}`, 'identity'),
    );
    for (const m of auth.attached) identity.push(this.cache.compileStored(m.document, m.arn, 'identity'));
    return {
      roleId: r.id,
      tags: r.tags,
      identity,
      boundary:
        auth.boundary === null
          ? null
          : this.cache.compileStored(auth.boundary.document, auth.boundary.arn, 'boundary'),
      scp: this.levels(auth.organization, 'scp'),
    };
  }

  /** SCP or RCP levels root first; undefined outside any organization. */
  private levels(org: OrganizationPath | null, type: 'scp' | 'rcp'): Levels | undefined {
    if (org === null) return undefined;
    return org.levels.map((level) =>
      (type === 'scp' ? level.scps : level.rcps).map((p) =>
        this.cache.compileStored(p.document, orgPolicyArn(org, p), type),
      ),
    );
  }

  // ---------------------------------------------------------------- resource control policies

  /**
   * RCP levels of an account, as last loaded (synchronous, as the S3 layer calls it). Fresh after
   * any resolveAccessKey or resourceControlPoliciesFor of that account at the current generation.
   */
  resourceControlPolicies(accountId: string): PolicySet['rcp'] {
    return this.cache.peek<AccountGrant>(`account:${accountId}`)?.rcp;
  }

  /** Last-used bookkeeping, at most once a minute per key so signing traffic is not a write load. */
  recordKeyUse(accessKeyId: string, service: string, region: string): void {
    if (isTemporaryAccessKeyId(accessKeyId) || this.staticRoots.has(accessKeyId)) return;
    const now = this.now();
    const last = this.keyUseNoted.get(accessKeyId);
    if (last !== undefined && now - last < KEY_USE_INTERVAL_MS) return;
    if (this.keyUseNoted.size >= 100_000) this.keyUseNoted.clear();
    this.keyUseNoted.set(accessKeyId, now);
    // A failed write only loses a "last used" date; it must not surface as an unhandled rejection.
    this.store.recordAccessKeyUse(accessKeyId, { date: new Date(now), service, region }).catch(() => {
      this.keyUseNoted.delete(accessKeyId);
    });
  }

  /** RCP levels of an account at the current generation (what a caller without credentials needs). */
  async resourceControlPoliciesFor(accountId: string): Promise<PolicySet['rcp']> {
    return (await this.accountGrant(accountId, await this.generations.read())).rcp;
  }
}

function frozen(identity: ResolvedIdentity): ResolvedIdentity {
  return Object.freeze(identity);
}

function rootIdentity(
  account: string,
  accessKeyId: string,
  secret: string,
  scp: Levels | undefined,
): ResolvedIdentity {
  return frozen({
    accessKeyId,
    secretAccessKey: secret,
    principal: rootPrincipal(account),
    // Root has no identity policies: in its own account it is allowed unless an SCP or a deny says no.
    policies: scp === undefined ? {} : { scp },
    userId: account,
  });
}

function policiesOf(grant: PrincipalGrant, session: readonly CompiledPolicy[]): PrincipalPolicies {
  const out: { -readonly [K in keyof PrincipalPolicies]: PrincipalPolicies[K] } = {
    identity: grant.identity,
  };
  if (grant.boundary !== null) out.boundary = grant.boundary;
  if (session.length > 0) out.session = session;
  if (grant.scp !== undefined) out.scp = grant.scp;
  return out;
}

/** aws:PrincipalTag of a role session: the role's tags, overridden by session tags (keys without case). */
function mergeSessionTags(roleTags: Tags, sessionTags: Tags): Tags {
  if (Object.keys(sessionTags).length === 0) return roleTags;
  const out: Record<string, string> = {};
  const overridden = new Set(Object.keys(sessionTags).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(roleTags)) if (!overridden.has(k.toLowerCase())) out[k] = v;
  return Object.assign(out, sessionTags);
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** arn:aws:organizations::MGMT:policy/o-ID/service_control_policy/p-ID (AWS's form). */
function orgPolicyArn(org: OrganizationPath, p: OrgPolicyRecord): string {
  const kind = p.type === 'scp' ? 'service_control_policy' : 'resource_control_policy';
  if (p.awsManaged) return `arn:aws:organizations::aws:policy/${kind}/${p.id}`;
  return `arn:aws:organizations::${org.organization.managementAccount ?? ''}:policy/${org.organization.id}/${kind}/${p.id}`;
}
