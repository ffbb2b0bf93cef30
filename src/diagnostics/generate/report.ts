// The whole answer of `portcullis policy generate`: the policy, the evidence it rests on and the
// unused-access report, as one JSON-ready object and as text for people.
import type { DeniedAttempt, Evidence } from './evidence.js';
import type { GeneratedPolicy } from './statements.js';
import type { GrantUse, UnusedReport } from './unused.js';

export interface GenerationReport {
  readonly policy: GeneratedPolicy | null;
  /** Null when the principal's current policies could not be read (no IAM store, root user). */
  readonly unused: (UnusedReport & { readonly principal: string }) | null;
  readonly evidence: {
    readonly requests: number;
    readonly principals: string[];
    readonly window: { readonly since: string; readonly until: string };
    readonly first: string | null;
    readonly last: string | null;
    readonly deniedRequests: number;
    readonly denied: DeniedAttempt[];
    readonly incomplete: number;
    readonly alibabaRequests: number;
  };
  /** Why there is no unused report, when there is none. */
  readonly notes: string[];
}

export function buildReport(
  evidence: Evidence,
  policy: GeneratedPolicy | null,
  window: { since: Date; until: Date },
  unused: GenerationReport['unused'],
  notes: string[],
): GenerationReport {
  return {
    policy,
    unused,
    evidence: {
      requests: evidence.requests,
      principals: evidence.principals,
      window: { since: window.since.toISOString(), until: window.until.toISOString() },
      first: evidence.first,
      last: evidence.last,
      deniedRequests: evidence.deniedRequests,
      denied: evidence.denied,
      incomplete: evidence.incomplete,
      alibabaRequests: evidence.alibabaRequests,
    },
    notes,
  };
}

/** The report below the policy: evidence, denied attempts, unused access. */
export function renderReport(r: GenerationReport): string {
  const e = r.evidence;
  const lines: string[] = [];
  const who = e.principals.length === 0 ? 'the principal' : e.principals.join(', ');
  lines.push(`Evidence: ${count(e.requests, 'allowed request')} by ${who}`);
  lines.push(
    `  window ${e.window.since} .. ${e.window.until}` +
      (e.first !== null && e.last !== null ? ` (first ${e.first}, last ${e.last})` : ''),
  );
  if (e.deniedRequests > 0) {
    lines.push(`Denied attempts: ${count(e.deniedRequests, 'request')} (not granted)`);
    for (const d of e.denied)
      lines.push(`  ${d.action} on ${d.resource}${d.count > 1 ? ` (${d.count}×)` : ''}`);
  }
  if (e.incomplete > 0)
    lines.push(
      `Warning: ${e.incomplete} older record(s) name only the deciding authorization of a request that needed several; the policy may miss some of their actions.`,
    );
  if (e.alibabaRequests > 0)
    lines.push(
      `Note: ${e.alibabaRequests} Alibaba Cloud (OSS, STS) request(s) are not covered (the policy is in the AWS language).`,
    );
  for (const note of r.notes) lines.push(`Note: ${note}`);
  const u = r.unused;
  if (u !== null) {
    lines.push('');
    if (u.policies.length === 0) lines.push(`Unused access: ${u.principal} has no identity policies.`);
    else if (u.unused.length === 0)
      lines.push(`Unused access: none; every statement granted to ${u.principal} was used in the window.`);
    else {
      lines.push(`Unused access (granted to ${u.principal}, not used in the window):`);
      for (const [where, entries] of groupByStatement(u.unused))
        lines.push(`  ${where}`, ...entries.map((g) => `    ${g.action} on ${g.resource}${conditional(g)}`));
    }
    if (u.wildcards.length > 0) {
      lines.push('Wildcards and the only actions used under them (narrow them to these):');
      for (const [where, entries] of groupByStatement(u.wildcards))
        lines.push(
          `  ${where}`,
          ...entries.map((g) => `    ${g.action} on ${g.resource}: used only ${g.usedActions.join(', ')}`),
        );
    }
    for (const p of u.problems) lines.push(`Could not read ${p}`);
  }
  return lines.join('\n') + '\n';
}

function groupByStatement(entries: readonly GrantUse[]): Map<string, GrantUse[]> {
  const out = new Map<string, GrantUse[]>();
  for (const g of entries) {
    const where = `${g.policy}, statement ${g.statement}:`;
    const list = out.get(where);
    if (list === undefined) out.set(where, [g]);
    else list.push(g);
  }
  return out;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function conditional(g: GrantUse): string {
  return g.conditional ? ' (with a condition)' : '';
}
