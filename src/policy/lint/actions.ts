// Action names: spelling, case, whitespace, existence in the catalogue, duplicates, and the
// statement-level shapes that grant far more than intended (NotAction with Allow, `*` on `*`).
import { compileActionPattern } from '../wildcard.js';
import {
  actionName,
  CATALOGUED_SERVICES,
  findAction,
  isCataloguedService,
  serviceActions,
} from './catalog.js';
import { q, type Item, type LintContext, type StatementView } from './document.js';
import { hasWildcard, normalizeAction, resourceIsStar, splitAction } from './facts.js';
import { closest, didYouMean } from './suggest.js';

const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/;
/** Policy types where `*` on `*` is the normal starting point (FullAWSAccess SCP, open boundary). */
const BROAD_BY_DESIGN = new Set(['scp', 'boundary', 'rcp']);

export function checkActions(ctx: LintContext): void {
  for (const st of ctx.statements) {
    if (!st.action) continue;
    for (const item of st.action.items) checkAction(ctx, item);
    checkDuplicates(ctx, st.action.items);
    checkStatementShape(ctx, st);
  }
}

/** The catalogue spelling of a (whitespace-free) action, or the action with its service lower-cased. */
function canonical(action: string): string {
  const norm = normalizeAction(action);
  const split = splitAction(norm);
  const info = split && !hasWildcard(norm) ? findAction(split.service, split.name) : undefined;
  return info ? actionName(info) : norm;
}

function checkAction(ctx: LintContext, item: Item): void {
  const raw = item.value;
  if (raw === '*') return;
  let action = raw;
  if (/\s/.test(raw)) {
    const fixed = canonical(raw);
    ctx.report(
      'action-whitespace',
      item.path,
      `Action ${q(raw)} contains whitespace, which no action name has; did you mean ${q(fixed)}?`,
    );
    action = fixed;
  }
  if (!action.includes(':')) {
    const matches = CATALOGUED_SERVICES.flatMap((s) => {
      const info = findAction(s, action);
      return info ? [actionName(info)] : [];
    });
    const hint =
      matches.length > 0 ? `; did you mean ${matches.map(q).join(' or ')}?` : ', e.g. "s3:GetObject"';
    ctx.report('action-no-prefix', item.path, `Action ${q(raw)} has no service prefix${hint}`);
    return;
  }
  if (!ACTION.test(action)) {
    ctx.report(
      'action-invalid',
      item.path,
      `Action ${q(raw)} is not a valid action name; use "service:ActionName" (letters, digits, "-", "_", "*", "?")`,
    );
    return;
  }
  const split = splitAction(action);
  if (!split) return;
  const { service, name } = split;
  checkDialect(ctx, item, service);
  if (!isCataloguedService(service)) {
    if (hasWildcard(service)) return;
    const near = closest(service, CATALOGUED_SERVICES);
    const hint = near ? ` Did you mean "${near}:${name}"?` : '';
    ctx.report(
      'action-service-unknown',
      item.path,
      `Service "${service}" is not in Portcullis's action catalogue, so ${q(raw)} was not checked.${hint}`,
    );
    return;
  }
  const known = serviceActions(service);
  if (hasWildcard(name)) {
    const pattern = compileActionPattern(action);
    if (!known.some((a) => pattern.test(actionName(a)))) {
      ctx.report(
        'action-wildcard-matches-nothing',
        item.path,
        `Action ${q(raw)} matches no ${service} action, so it grants nothing`,
      );
    }
    return;
  }
  const info = findAction(service, name);
  if (!info) {
    ctx.report(
      'action-unknown',
      item.path,
      `${service} has no action ${q(`${service}:${name}`)}.${didYouMean(`${service}:${name}`, known.map(actionName))}`,
    );
    return;
  }
  if (action === raw && raw !== actionName(info)) {
    ctx.report(
      'action-case',
      item.path,
      `Action ${q(raw)} matches ${actionName(info)} only because actions ignore case; write ${q(actionName(info))}`,
    );
  }
}

function checkDialect(ctx: LintContext, item: Item, service: string): void {
  if (ctx.dialect === 'ram' && service === 's3') {
    ctx.report(
      'action-dialect-mismatch',
      item.path,
      `${q(item.value)} is an AWS S3 action in a RAM policy; OSS actions start with "oss:"`,
    );
  } else if (ctx.dialect === 'aws' && service === 'oss') {
    ctx.report(
      'action-dialect-mismatch',
      item.path,
      `${q(item.value)} is an Alibaba OSS action in an AWS policy; S3 actions start with "s3:" (or lint with --dialect ram)`,
    );
  }
}

function checkDuplicates(ctx: LintContext, items: readonly Item[]): void {
  const norm = items.map((i) => normalizeAction(i.value).toLowerCase());
  items.forEach((item, i) => {
    const mine = norm[i] ?? '';
    const earlier = norm.indexOf(mine);
    if (earlier < i) {
      ctx.report('action-duplicate', item.path, `Action ${q(item.value)} is listed twice`);
      return;
    }
    const cover = norm.findIndex(
      (other, j) => j !== i && other !== mine && hasWildcard(other) && compileActionPattern(other).test(mine),
    );
    if (cover >= 0 && !hasWildcard(mine)) {
      ctx.report(
        'action-duplicate',
        item.path,
        `Action ${q(item.value)} is already covered by ${q(items[cover]?.value ?? '')} in the same list`,
      );
    }
  });
}

function checkStatementShape(ctx: LintContext, st: StatementView): void {
  if (!st.allow || !st.action) return;
  if (st.action.which === 'NotAction') {
    ctx.report(
      'not-action-allow',
      st.action.items[0]?.path ?? `${st.path}.NotAction`,
      'Allow with NotAction grants every action not listed, including actions of other services and future ones; list the allowed actions in Action instead',
    );
    return;
  }
  if (BROAD_BY_DESIGN.has(ctx.type ?? '') || !resourceIsStar(st)) return;
  for (const item of st.action.items) {
    const a = normalizeAction(item.value);
    if (a === '*') {
      ctx.report(
        'admin-access',
        item.path,
        'Action "*" on Resource "*" grants full administrator access; list the actions and resources needed',
      );
    } else if (/^[a-z0-9-]+:\*$/.test(a)) {
      ctx.report(
        'service-wildcard-all-resources',
        item.path,
        `${q(item.value)} on Resource "*" grants every ${a.slice(0, -2)} action on every resource; name the actions and resources`,
      );
    }
  }
}
