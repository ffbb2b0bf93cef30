// Condition blocks: operators, keys (existence, case, which actions set them, single- vs
// multi-valued), values that cannot parse for their operator, and risky shapes.
import { isKnownOperator, isNegatedOperator, knownOperators } from '../conditions/index.js';
import { parseBool } from '../conditions/bool.js';
import { parseDate } from '../conditions/date.js';
import { parseCidr } from '../conditions/ip.js';
import { parseNumber } from '../conditions/numeric.js';
import { childPath } from '../json-source.js';
import {
  actionName,
  actionSupportsKey,
  allKeyNames,
  findKey,
  isCataloguedNamespace,
  isGlobalNamespace,
  keyNamespace,
  namespaceKeys,
  type KeyType,
} from './catalog.js';
import { get, isObject, q, type ConditionView, type LintContext, type StatementView } from './document.js';
import { actions, expandAction, hasWildcard, splitAction } from './facts.js';
import { closest, didYouMean } from './suggest.js';

export function checkConditions(ctx: LintContext): void {
  for (const st of ctx.statements) {
    checkBlocks(ctx, st);
    const reportedOps = new Set<string>();
    for (const c of st.conditions) {
      if (!checkOperator(ctx, c, reportedOps)) continue;
      checkKey(ctx, st, c);
      checkValues(ctx, st, c);
    }
  }
}

function checkBlocks(ctx: LintContext, st: StatementView): void {
  const conditionPath = childPath(st.path, 'Condition');
  const condition = st.condition;
  if (!condition) return;
  if (Object.keys(condition).length === 0) {
    ctx.report('condition-empty', conditionPath, 'Condition is empty, so it has no effect; remove it');
    return;
  }
  for (const operator of Object.keys(condition)) {
    const block = get(condition, operator);
    const opPath = childPath(conditionPath, operator);
    if (!isObject(block)) continue;
    const keys = Object.keys(block);
    if (keys.length === 0) {
      ctx.report(
        'condition-empty',
        opPath,
        `${operator} has no condition keys, so it has no effect; remove it`,
        'key',
      );
    }
    keys.forEach((k, i) => {
      const twin = keys.findIndex((o) => o.toLowerCase() === k.toLowerCase());
      if (twin < i) {
        ctx.report(
          'condition-key-case-duplicate',
          childPath(opPath, k),
          `Condition keys ignore case, so ${q(k)} and ${q(keys[twin] ?? '')} are the same key twice in ${operator}; merge their values (both must match)`,
          'key',
        );
      }
    });
  }
}

/** All operator spellings for suggestions. */
const OPERATOR_NAMES: readonly string[] = knownOperators().flatMap((o) =>
  o === 'Null' ? [o] : [o, `${o}IfExists`],
);

/** False when the operator is unusable (further checks on its keys would be noise). */
function checkOperator(ctx: LintContext, c: ConditionView, reported: Set<string>): boolean {
  const once = (
    check: 'condition-qualifier-unknown' | 'condition-operator-unknown' | 'condition-null-ifexists',
    message: string,
  ): void => {
    if (reported.has(c.opPath)) return;
    reported.add(c.opPath);
    ctx.report(check, c.opPath, message, 'key');
  };
  if (c.qualifier !== undefined && c.qualifier !== 'ForAllValues' && c.qualifier !== 'ForAnyValue') {
    once(
      'condition-qualifier-unknown',
      `Unknown set qualifier ${q(c.qualifier)} in ${q(c.operator)}; use ForAllValues or ForAnyValue.${didYouMean(c.qualifier, ['ForAllValues', 'ForAnyValue'])}`,
    );
    return false;
  }
  if (!isKnownOperator(c.base)) {
    const written = c.ifExists ? `${c.base}IfExists` : c.base;
    once(
      'condition-operator-unknown',
      `Unknown condition operator ${q(c.operator)}.${didYouMean(written, OPERATOR_NAMES)}`,
    );
    return false;
  }
  if (c.base === 'Null' && c.ifExists) {
    once(
      'condition-null-ifexists',
      `${q(c.operator)}: Null cannot be combined with IfExists (Null already tests whether the key exists); use "Null"`,
    );
    return false;
  }
  return true;
}

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'ip' | 'arn' | 'binary' | 'null';

function family(base: string): Family {
  if (base.startsWith('String')) return 'string';
  if (base.startsWith('Numeric')) return 'numeric';
  if (base.startsWith('Date')) return 'date';
  if (base === 'Bool') return 'bool';
  if (base.endsWith('IpAddress')) return 'ip';
  if (base.startsWith('Arn')) return 'arn';
  if (base === 'Null') return 'null';
  return 'binary';
}

const OPERATOR_FOR: Readonly<Record<KeyType, string>> = {
  string: 'StringEquals/StringLike',
  arn: 'ArnEquals/ArnLike',
  ip: 'IpAddress/NotIpAddress',
  date: 'DateGreaterThan/DateLessThan',
  numeric: 'NumericEquals/NumericLessThan',
  bool: 'Bool',
};

function checkKey(ctx: LintContext, st: StatementView, c: ConditionView): void {
  const ns = keyNamespace(c.key);
  if (ns === undefined || !isCataloguedNamespace(ns)) return;
  const info = findKey(c.key);
  if (!info) {
    const near = closest(c.key, namespaceKeys(ns)) ?? closest(c.key, allKeyNames());
    const hint = near ? ` Did you mean ${q(near.endsWith('/') ? `${near}<key>` : near)}?` : '';
    ctx.report(
      'condition-key-unknown',
      c.keyPath,
      `Unknown condition key ${q(c.key)}; the condition never matches.${hint}`,
      'key',
    );
    return;
  }
  if (!isGlobalNamespace(ns)) checkKeyForActions(ctx, st, c, ns);
  if (c.qualifier !== undefined && !info.multi) {
    ctx.report(
      'condition-set-single-valued',
      c.keyPath,
      `${c.qualifier} is for multi-valued keys, but ${info.name.replace(/\/$/, '/…')} holds a single value; use ${c.operator.slice(c.qualifier.length + 1)}`,
      'key',
    );
  } else if (
    c.qualifier === 'ForAllValues' &&
    st.allow &&
    !isNegatedOperator(c.base) &&
    !hasNullFalse(st, c.key)
  ) {
    reportForAllValues(ctx, c);
  }
  checkKeyType(ctx, c, info.type, info.name);
}

function reportForAllValues(ctx: LintContext, c: ConditionView): void {
  ctx.report(
    'condition-forallvalues-allow',
    c.keyPath,
    `${c.operator} also matches when ${c.key} is missing from the request, so this Allow applies to requests without it; add "Null": {${q(c.key)}: "false"}`,
    'key',
  );
}

function hasNullFalse(st: StatementView, key: string): boolean {
  return st.conditions.some(
    (o) =>
      o.base === 'Null' &&
      o.key.toLowerCase() === key.toLowerCase() &&
      o.values.some((v) => v.value.toLowerCase() === 'false'),
  );
}

function checkKeyForActions(ctx: LintContext, st: StatementView, c: ConditionView, ns: string): void {
  if (st.action?.which !== 'Action') return;
  const list = actions(st);
  if (list.some((a) => a === '*' || hasWildcard(splitAction(a)?.service ?? '*'))) return;
  const same = list.filter((a) => splitAction(a)?.service === ns);
  const expanded = same.flatMap(expandAction);
  if (same.length > 0 && expanded.length === 0) return; // nothing catalogued to judge by
  if (expanded.some((a) => actionSupportsKey(a, c.key))) return;
  const supporting = expandAction(`${ns}:*`)
    .filter((a) => actionSupportsKey(a, c.key))
    .map(actionName);
  const where =
    supporting.length > 0 && supporting.length <= 6 ? `; only ${supporting.join(', ')} set it` : '';
  const what =
    same.length === 0
      ? `the statement has no ${ns} action`
      : `${same.join(', ')} never set${same.length === 1 ? 's' : ''} it`;
  ctx.report(
    'condition-key-not-for-action',
    c.keyPath,
    `${q(c.key)} is never present here: ${what}${where}; the condition ${isNegatedOperator(c.base) || c.ifExists ? 'always holds' : 'never matches'}`,
    'key',
  );
}

function checkKeyType(ctx: LintContext, c: ConditionView, type: KeyType, name: string): void {
  const f = family(c.base);
  if (f === 'null' || f === 'binary' || f === type) return;
  if (f === 'string' && (type === 'arn' || type === 'bool')) return;
  if (f === 'numeric' && name === 'aws:EpochTime') return;
  if (f === 'arn' && type === 'string') {
    ctx.report(
      'condition-arn-non-arn-key',
      c.keyPath,
      `${c.operator} compares ARNs, but ${q(c.key)} is not an ARN; use StringEquals/StringLike`,
      'key',
    );
    return;
  }
  ctx.report(
    'condition-operator-key-type',
    c.keyPath,
    `${c.operator} does not fit ${q(c.key)}, which holds ${type === 'ip' ? 'an IP address' : `a ${type}`} value; use ${OPERATOR_FOR[type]}`,
    'key',
  );
}

const PRIVATE_V4: readonly (readonly [RegExp, number])[] = [
  [/^10\./, 8],
  [/^172\.(1[6-9]|2\d|3[01])\./, 12],
  [/^192\.168\./, 16],
];

function isPrivateRange(value: string): boolean {
  const slash = value.indexOf('/');
  const prefix = slash < 0 ? 32 : Number(value.slice(slash + 1));
  if (/^f[cd][0-9a-f]{2}:/i.test(value)) return true;
  return PRIVATE_V4.some(([re, bits]) => re.test(value) && prefix >= bits);
}

function checkValues(ctx: LintContext, st: StatementView, c: ConditionView): void {
  const f = family(c.base);
  const lowerKey = c.key.toLowerCase();
  for (const v of c.values) {
    if (v.value.includes('${')) continue; // resolved per request
    switch (f) {
      case 'date':
        if (Number.isNaN(parseDate(v.value)))
          ctx.report(
            'condition-date-invalid',
            v.path,
            `${q(v.value)} is not a date (ISO 8601 such as "2026-01-01T00:00:00Z", or epoch seconds), so ${c.operator} never matches it`,
          );
        break;
      case 'numeric':
        if (Number.isNaN(parseNumber(v.value)))
          ctx.report(
            'condition-numeric-invalid',
            v.path,
            `${q(v.value)} is not a number, so ${c.operator} never matches it`,
          );
        break;
      case 'ip':
        if (parseCidr(v.value) === undefined) {
          ctx.report(
            'condition-ip-invalid',
            v.path,
            `${q(v.value)} is not an IP address or CIDR block (e.g. "203.0.113.0/24"), so ${c.operator} never matches it`,
          );
        } else if ((lowerKey === 'aws:sourceip' || lowerKey === 'acs:sourceip') && isPrivateRange(v.value)) {
          ctx.report(
            'condition-ip-private',
            v.path,
            `${q(v.value)} is a private range, but ${c.key} holds the public address the request came from; ${lowerKey === 'acs:sourceip' ? 'requests from a VPC carry acs:SourceVpcIp (with acs:SourceVpc) instead' : 'requests through a VPC endpoint carry aws:VpcSourceIp (with aws:SourceVpc/aws:SourceVpce) instead'}`,
          );
        }
        break;
      case 'bool':
        if (parseBool(v.value) < 0)
          ctx.report(
            'condition-bool-invalid',
            v.path,
            `${q(v.value)} is neither true nor false, so Bool never matches it`,
          );
        break;
      case 'null':
        if (parseBool(v.value) < 0)
          ctx.report(
            'condition-null-value',
            v.path,
            `Null takes "true" (the key is missing) or "false" (the key is present), not ${q(v.value)}`,
          );
        break;
      case 'string':
      case 'arn':
        if (/Equals/.test(c.base) && /[*?]/.test(v.value)) {
          const like = c.base.replace('EqualsIgnoreCase', 'Like').replace('Equals', 'Like');
          ctx.report(
            'condition-equals-wildcard',
            v.path,
            `${c.base} compares literally, so "*" and "?" in ${q(v.value)} are plain characters; did you mean ${like}?`,
          );
        }
        break;
      default:
        break;
    }
  }
  if ((f === 'string' || f === 'arn') && /Like$/.test(c.base) && c.values.length > 0) {
    const wild = c.values.some((v) => /[*?]/.test(v.value.replace(/\$\{[*?$]\}/g, '')));
    if (!wild) {
      const equals = c.base.replace('Like', 'Equals');
      ctx.report(
        'condition-like-no-wildcard',
        c.keyPath,
        `${c.operator} on ${q(c.key)} has no "*" or "?" in its values; use ${equals}${c.ifExists ? 'IfExists' : ''}`,
        'key',
      );
    }
  }
  if (
    st.allow &&
    (lowerKey === 'aws:securetransport' || lowerKey === 'acs:securetransport') &&
    (f === 'bool' || f === 'string') &&
    !isNegatedOperator(c.base)
  ) {
    const falsy = c.values.find((v) => v.value.toLowerCase() === 'false');
    if (falsy) {
      ctx.report(
        'secure-transport-false-allow',
        falsy.path,
        `This Allow applies to requests over plain HTTP (${c.key} is false); allow only "true", or deny "false"`,
      );
    }
  }
}
