// The unused-access report: what a principal's current policies grant that the evidence never
// used. Pure: policy texts and evidence in, report out (the CLI reads the policies from the IAM
// store).
//
// Each Allow statement is split into its (action pattern, resource pattern) pairs; a pair is
// used when an allowed authorization in the window matches both (conditions are not evaluated:
// the pair was exercised if a granted request fell under it). A pair whose action is a wildcard
// (or NotAction) and was used is reported with the actions actually used, the hint for
// narrowing it. Deny statements grant nothing and are skipped.
import { compilePolicyText } from '../../policy/compile.js';
import type { GroupAuthorization, RoleAuthorization, UserAuthorization } from '../../identity/model.js';
import { contextFrom } from '../../policy/request.js';
import type { UsedAuthorization } from './evidence.js';

/** One policy that grants the principal something, named the way a user finds it. */
export interface GrantedPolicy {
  /** `user alice inline policy Broad`, `managed policy arn:...`, `group devs inline policy P`... */
  readonly source: string;
  readonly document: string;
}

export interface GrantUse {
  readonly policy: string;
  /** The Sid, or `Statement[i]`. */
  readonly statement: string;
  /** The action pattern as written (or `NotAction: a, b`). */
  readonly action: string;
  /** The resource pattern as written (or `NotResource: ...`; `*` when there is no Resource). */
  readonly resource: string;
  /** True when the statement has a Condition (not evaluated here). */
  readonly conditional: boolean;
  /** The distinct actions used under this pair, sorted. */
  readonly usedActions: string[];
}

export interface UnusedReport {
  /** The policies read. */
  readonly policies: string[];
  /** Pairs nothing in the window used. */
  readonly unused: GrantUse[];
  /** Wildcard pairs that were used, with the actions used: candidates for narrowing. */
  readonly wildcards: GrantUse[];
  /** Policies that could not be read (not valid any more, should not happen). */
  readonly problems: string[];
}

export interface UnusedOptions {
  /** `aws:username` for policy variables in Resource (users only). */
  readonly userName?: string;
}

export function unusedAccess(
  granted: readonly GrantedPolicy[],
  used: readonly UsedAuthorization[],
  options: UnusedOptions = {},
): UnusedReport {
  const unused: GrantUse[] = [];
  const wildcards: GrantUse[] = [];
  const problems: string[] = [];
  for (const p of granted) {
    const compiled = compilePolicyText(p.document, { id: p.source, type: 'identity' });
    if (!compiled.ok) {
      problems.push(`${p.source}: ${compiled.problems.map((x) => x.message).join('; ')}`);
      continue;
    }
    for (const s of compiled.policy.statements) {
      if (s.effect !== 'Allow') continue;
      const st = s.statement;
      const actionEntries = s.notAction
        ? [
            {
              label: `NotAction: ${(st.notAction ?? []).join(', ')}`,
              test: (a: string) => !s.actions.some((p) => p.test(a)),
              wild: true,
            },
          ]
        : s.actions.map((p) => ({
            label: p.source,
            test: (a: string) => p.test(a),
            wild: /[*?]/.test(p.source),
          }));
      const resourceEntries = !s.hasResource
        ? [{ label: '*', test: () => true }]
        : s.notResource
          ? [
              {
                label: `NotResource: ${(st.notResource ?? []).join(', ')}`,
                test: (r: string, u: UsedAuthorization) =>
                  !s.resources.some((p) => p.test(r, contextOf(u, options))),
              },
            ]
          : s.resources.map((p) => ({
              label: p.source,
              test: (r: string, u: UsedAuthorization) => p.test(r, contextOf(u, options)),
            }));
      for (const a of actionEntries) {
        for (const r of resourceEntries) {
          const hits = used.filter((u) => a.test(u.action) && r.test(u.resource, u));
          const entry: GrantUse = {
            policy: p.source,
            statement: s.label,
            action: a.label,
            resource: r.label,
            conditional: st.conditions.length > 0,
            usedActions: [...new Set(hits.map((u) => u.action))].sort(),
          };
          if (hits.length === 0) unused.push(entry);
          else if (a.wild) wildcards.push(entry);
        }
      }
    }
  }
  return { policies: granted.map((p) => p.source), unused, wildcards, problems };
}

function contextOf(u: UsedAuthorization, options: UnusedOptions) {
  return contextFrom({
    'aws:username': options.userName,
    ...(u.prefix !== undefined ? { 's3:prefix': u.prefix } : {}),
  });
}

/** A user's grants: its inline and attached policies, then each group's. */
export function userGrants(auth: UserAuthorization): GrantedPolicy[] {
  const name = auth.user.name;
  return [
    ...auth.inline.map((p) => ({ source: `user ${name} inline policy ${p.name}`, document: p.document })),
    ...auth.attached.map((p) => ({ source: `user ${name} managed policy ${p.arn}`, document: p.document })),
    ...auth.groups.flatMap((g) => groupGrants(g)),
  ];
}

function groupGrants(g: GroupAuthorization): GrantedPolicy[] {
  const name = g.group.name;
  return [
    ...g.inline.map((p) => ({ source: `group ${name} inline policy ${p.name}`, document: p.document })),
    ...g.attached.map((p) => ({ source: `group ${name} managed policy ${p.arn}`, document: p.document })),
  ];
}

/** A role's grants (what each of its sessions may do at most, before session policies). */
export function roleGrants(auth: RoleAuthorization): GrantedPolicy[] {
  const name = auth.role.name;
  return [
    ...auth.inline.map((p) => ({ source: `role ${name} inline policy ${p.name}`, document: p.document })),
    ...auth.attached.map((p) => ({ source: `role ${name} managed policy ${p.arn}`, document: p.document })),
  ];
}
