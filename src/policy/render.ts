// A human-readable tree of an Explanation (coloured when printing to a terminal).
import type { ConditionTrace, Explanation, PolicyTrace, StatementTrace } from './explain.js';

const LAYER_NAMES: Record<PolicyTrace['type'], string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  resource: 'resource-based policy',
  identity: 'identity-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  trust: 'role trust policy',
};

export interface RenderOptions {
  color: boolean;
  /** The denial message, when there is one. */
  message?: string | null;
}

export function renderExplanation(e: Explanation, options: RenderOptions): string {
  const c = palette(options.color);
  const verdict =
    e.decision === 'Allowed'
      ? c.green('Allowed')
      : c.red(e.decision === 'ExplicitlyDenied' ? 'Explicitly denied' : 'Implicitly denied');
  const lines: string[] = [];
  const by = e.decidedBy ? ` by the ${LAYER_NAMES[e.decidedBy]}` : '';
  const where = e.policyId ? ` ${c.bold(e.policyId)}${e.statement ? ` (${e.statement})` : ''}` : '';
  lines.push(`${verdict}${by}${where}`);
  if (options.message) lines.push(`  message   ${options.message}`);
  lines.push(`  principal ${e.principal}`, `  action    ${e.action}`, `  resource  ${e.resource}`);
  lines.push(`  rule      ${e.ruleText}`);
  if (e.policies.length === 0) lines.push(c.dim('  (no policies apply to this request)'));
  e.policies.forEach((p, i) => {
    const last = i === e.policies.length - 1;
    lines.push(...renderPolicy(p, last, c));
  });
  return lines.join('\n');
}

function renderPolicy(p: PolicyTrace, last: boolean, c: Palette): string[] {
  const branch = last ? '└─' : '├─';
  const pad = last ? '   ' : '│  ';
  const level = p.level !== undefined ? ` level ${p.level}` : '';
  const outcome =
    p.outcome === 'Deny'
      ? c.red(`Deny (${p.decidingStatement})`)
      : p.outcome === 'Allow'
        ? c.green(`Allow (${p.decidingStatement})`)
        : c.dim('no statement applies');
  const out = [`  ${branch} ${LAYER_NAMES[p.type]}${level} ${c.bold(p.id)} → ${outcome}`];
  p.statements.forEach((s, i) => {
    const lastS = i === p.statements.length - 1;
    out.push(...renderStatement(s, `  ${pad}${lastS ? '└─' : '├─'}`, `  ${pad}${lastS ? '   ' : '│  '}`, c));
  });
  return out;
}

function renderStatement(s: StatementTrace, head: string, pad: string, c: Palette): string[] {
  const mark = s.matched ? c.green('✔') : c.dim('✘');
  const at = s.location.start ? c.dim(` line ${s.location.start.line}`) : '';
  const parts = [`action ${tick(s.action, c)}`, `resource ${tick(s.resource, c)}`];
  if (s.principal)
    parts.push(
      `principal ${tick(s.principal.matched, c)}${s.principal.matched ? ` (${s.principal.reach})` : ''}`,
    );
  const out = [`${head} ${mark} ${s.statement} ${s.effect}${at}  ${parts.join('  ')}`];
  if (s.resourceReason) out.push(`${pad}   ${c.yellow(s.resourceReason)}`);
  for (const cond of s.conditions) out.push(`${pad}   ${renderCondition(cond, c)}`);
  return out;
}

function renderCondition(cond: ConditionTrace, c: Palette): string {
  const head = `${tick(cond.matched, c)} ${cond.operator} ${cond.key} ${JSON.stringify(cond.values)}`;
  return cond.reason ? `${head}: ${cond.matched ? cond.reason : c.yellow(cond.reason)}` : head;
}

function tick(ok: boolean, c: Palette): string {
  return ok ? c.green('✔') : c.red('✘');
}

interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

function palette(color: boolean): Palette {
  const wrap = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), bold: wrap(1), dim: wrap(2) };
}
