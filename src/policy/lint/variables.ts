// Policy variables (`${aws:username}`): only Version 2012-10-17 resolves them, only in Resource
// and condition values, and only for keys that exist.
import { childPath } from '../json-source.js';
import { parseTemplate } from '../variables.js';
import { allKeyNames, findKey, isCataloguedNamespace, keyNamespace } from './catalog.js';
import { get, isObject, q, stringItems, type Item, type LintContext } from './document.js';
import { didYouMean } from './suggest.js';

export function checkVariables(ctx: LintContext): void {
  const version = get(ctx.root, 'Version');
  const resolves = ctx.dialect === 'ram' || version === '2012-10-17';
  for (const st of ctx.statements) {
    const values: Item[] = [...(st.resource?.items ?? []), ...st.conditions.flatMap((c) => c.values)];
    for (const item of values) checkValue(ctx, item, resolves, version);
    const elsewhere: Item[] = [...(st.action?.items ?? [])];
    if (st.principal) {
      const p = st.principal.value;
      if (isObject(p))
        for (const k of Object.keys(p)) elsewhere.push(...stringItems(p[k], childPath(st.principal.path, k)));
      else elsewhere.push(...stringItems(p, st.principal.path));
    }
    for (const item of elsewhere) {
      if (!item.value.includes('${')) continue;
      ctx.report(
        'variable-unsupported-element',
        item.path,
        `Policy variables are resolved only in Resource and condition values; ${q(item.value)} is taken literally here`,
      );
    }
  }
}

function checkValue(ctx: LintContext, item: Item, resolves: boolean, version: unknown): void {
  const text = item.value;
  if (/\$\((aws|acs|s3|oss|iam|sts):/i.test(text)) {
    ctx.report(
      'variable-malformed',
      item.path,
      `${q(text)} uses "$(…)"; policy variables are written \${aws:username}`,
    );
  }
  if (!text.includes('${')) return;
  const parts = parseTemplate(text);
  const referenced = parts.filter((p) => p.kind !== 'text').length;
  const opened = text.split('${').length - 1;
  if (opened > referenced) {
    ctx.report(
      'variable-malformed',
      item.path,
      `${q(text)} has a "\${" that is not a policy variable (it is taken literally); write \${key} or \${key, 'default'}`,
    );
  }
  const variables = parts.flatMap((p) => (p.kind === 'variable' ? [p.variable] : []));
  if (variables.length === 0) return;
  if (!resolves) {
    const written =
      version === undefined ? 'no Version (2008-10-17 is assumed)' : `Version ${q(String(version))}`;
    ctx.report(
      'variables-old-version',
      item.path,
      `With ${written}, ${variables[0]?.text ?? ''} is not substituted and ${q(text)} is taken literally; use "Version": "2012-10-17"`,
    );
  }
  for (const v of variables) {
    const ns = keyNamespace(v.key);
    if (ns !== undefined && !isCataloguedNamespace(ns)) continue;
    if (ns !== undefined && findKey(v.key)) continue;
    ctx.report(
      'variable-unknown',
      item.path,
      `${v.text} names no condition key, so it never resolves and the value never matches.${didYouMean(v.key, allKeyNames())}`,
    );
  }
}
