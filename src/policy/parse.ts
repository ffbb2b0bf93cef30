// Parsing and validation of policy documents in both dialects (AWS and Alibaba RAM).
// Text input keeps line/column positions for every problem; all problems found are reported.
import { isKnownOperator } from './conditions/index.js';
import {
  childPath,
  parseJsonSource,
  type JsonObject,
  type JsonValue,
  type ParsedJson,
  type SourceSpan,
} from './json-source.js';
import { checkPolicySize, describePolicyType } from './limits.js';
import { compileActionPattern } from './wildcard.js';
import type {
  ConditionClause,
  Dialect,
  Effect,
  Location,
  PolicyDocument,
  PolicyProblem,
  PolicyType,
  PolicyVersion,
  PrincipalKind,
  PrincipalSpec,
  SetQualifier,
  Statement,
} from './model.js';

export interface ParseOptions {
  /** `aws` (default) or `ram`; with `auto`, `Version: "1"` selects RAM. */
  dialect?: Dialect | 'auto';
  /** The policy type decides size limits and which elements are allowed (Principal etc.). */
  type?: PolicyType;
}

export type ParseResult = { ok: true; policy: PolicyDocument } | { ok: false; problems: PolicyProblem[] };

/** Parses a policy from JSON text (positions in problems) or an already-parsed value. Never throws. */
export function parsePolicy(input: string | unknown, options: ParseOptions = {}): ParseResult {
  try {
    return new Validator(options).run(input);
  } catch (e) {
    // A bug (or an exotic host object) must not turn into an exception on the IAM write path.
    return {
      ok: false,
      problems: [{ path: '', message: `Policy document could not be validated: ${String(e)}` }],
    };
  }
}

const AWS_VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17'];
const TOP_LEVEL_ELEMENTS = ['Version', 'Id', 'Statement'] as const;
const STATEMENT_ELEMENTS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;
const PRINCIPAL_KINDS: Record<Dialect, readonly PrincipalKind[]> = {
  aws: ['AWS', 'Service', 'Federated', 'CanonicalUser'],
  ram: ['RAM', 'Service', 'Federated'],
};
/** Policy types whose statements name no principal: the principal is whoever holds the policy. */
const PRINCIPAL_FORBIDDEN: ReadonlySet<PolicyType> = new Set(['identity', 'boundary', 'session', 'scp']);
const PRINCIPAL_REQUIRED: ReadonlySet<PolicyType> = new Set(['resource', 'trust', 'rcp']);
/** Actions a role trust policy may allow. */
const TRUST_ACTIONS = [
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
];
const TRUST_ACTIONS_TEXT =
  'sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity or sts:SetContext';

const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/;
const WHITESPACE = /\s/;
const AWS_ACCOUNT = /^\d{12}$/;
const AWS_IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(?:root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;
const AWS_STS_PRINCIPAL =
  /^arn:aws[a-z-]*:sts::\d{12}:(?:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+)$/;
const RAM_ACCOUNT = /^\d+$/;
const RAM_PRINCIPAL = /^acs:ram::[^:\s]+:(?:root|(?:user|role|assumed-role)\/\S+)$/;
const NAME_TOKEN = /^[A-Za-z0-9.-]+$/;
const ALPHANUMERIC = /^[A-Za-z0-9]*$/;

const MAX_QUOTED = 64;

/** A value as it should appear in a message: strings quoted (and shortened), others by kind. */
function show(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= MAX_QUOTED) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_QUOTED))}… (${value.length} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

/** `a string`, `a list`, ... — what a value is, for "not X" messages. */
function kindOf(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function get(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Human list: `A, B or C`. */
function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/** A hint for a misspelt element name: wrong case, or a stray plural `s`. */
function suggest(name: string, known: readonly string[]): string {
  const lower = name.toLowerCase();
  const match =
    known.find((k) => k.toLowerCase() === lower) ??
    (lower.endsWith('s') ? known.find((k) => k.toLowerCase() === lower.slice(0, -1)) : undefined);
  if (match === undefined) return '';
  return match.toLowerCase() === lower
    ? ` (names are case-sensitive: did you mean "${match}"?)`
    : ` (did you mean "${match}"?)`;
}

type Anchor = 'value' | 'key';

class Validator {
  private readonly problems: PolicyProblem[] = [];
  private json: ParsedJson | undefined;
  private positions = false;
  private dialect: Dialect = 'aws';
  private readonly type: PolicyType | undefined;

  constructor(private readonly options: ParseOptions) {
    this.type = options.type;
  }

  run(input: unknown): ParseResult {
    const json = this.load(input);
    if (!json) return { ok: false, problems: this.problems };
    this.json = json.parsed;
    for (const d of json.parsed.duplicates) {
      this.problems.push(
        this.withSpan(d.span, { path: d.path, message: this.at(d.path, `duplicate key ${show(d.key)}`) }),
      );
    }
    const root = json.parsed.value;
    if (!isObject(root)) {
      this.report('', `must be a JSON object, not ${kindOf(root)}`);
      return this.finish(undefined);
    }
    this.dialect = this.pickDialect(root);
    const sizeProblem = checkPolicySize(json.text, this.dialect, this.type, json.whitespace);
    if (sizeProblem !== undefined) {
      this.problems.push(this.withSpan(this.span(''), { path: '', message: sizeProblem }));
    }
    for (const key of Object.keys(root)) {
      if (!(TOP_LEVEL_ELEMENTS as readonly string[]).includes(key)) {
        this.report(
          childPath('', key),
          `unknown policy element ${show(key)}; expected ${orList(TOP_LEVEL_ELEMENTS)}${suggest(key, TOP_LEVEL_ELEMENTS)}`,
          'key',
        );
      }
    }
    const version = this.parseVersion(root);
    const id = get(root, 'Id');
    if (id !== undefined && typeof id !== 'string') this.report('Id', `${show(id)} is not a string`);
    const statements = this.parseStatements(root);
    const policy: PolicyDocument = { dialect: this.dialect, version, statements };
    if (typeof id === 'string') policy.id = id;
    return this.finish(policy);
  }

  private finish(policy: PolicyDocument | undefined): ParseResult {
    if (this.problems.length > 0 || !policy) {
      if (this.positions) {
        // Reading order helps people and keeps output stable; sort is stable for ties.
        this.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      }
      return { ok: false, problems: this.problems };
    }
    return { ok: true, policy };
  }

  /** Turns the input into parsed JSON plus the text its size is measured on. */
  private load(input: unknown): { parsed: ParsedJson; text: string; whitespace: number } | undefined {
    if (typeof input === 'string') {
      const result = parseJsonSource(input);
      if (!result.ok) {
        const { message, line, column } = result.error;
        this.problems.push({ path: '', message, line, column });
        return undefined;
      }
      this.positions = true;
      const text = result.json.bom ? input.slice(1) : input;
      return { parsed: result.json, text, whitespace: result.json.whitespace };
    }
    // A value: serialise it (drops undefined/functions, applies toJSON, rejects cycles and BigInt)
    // and re-read it, so validation only ever sees plain JSON of bounded depth.
    let text: string | undefined;
    try {
      text = JSON.stringify(input) as string | undefined;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.report('', `must be plain JSON data (${reason})`);
      return undefined;
    }
    if (text === undefined) {
      this.report('', `must be a JSON object, not ${input === undefined ? 'undefined' : typeof input}`);
      return undefined;
    }
    const result = parseJsonSource(text, { positions: false });
    if (!result.ok) {
      this.report('', result.error.message.replace(/ at line \d+, column \d+/, ''));
      return undefined;
    }
    return { parsed: result.json, text, whitespace: 0 };
  }

  private pickDialect(root: JsonObject): Dialect {
    const requested = this.options.dialect ?? 'aws';
    if (requested !== 'auto') return requested;
    return get(root, 'Version') === '1' ? 'ram' : 'aws';
  }

  private parseVersion(root: JsonObject): PolicyVersion {
    const version = get(root, 'Version');
    if (this.dialect === 'ram') {
      if (version === '1') return '1';
      if (version === undefined) this.report('', 'missing Version; a RAM policy must have "Version": "1"');
      else this.report('Version', `${show(version)} is not a valid RAM policy version; use "1"`);
      return '1';
    }
    if (version === undefined) return '2008-10-17'; // what AWS assumes when Version is absent
    if (typeof version === 'string' && AWS_VERSIONS.includes(version)) return version as PolicyVersion;
    const hint =
      version === '1' ? ' ("1" is the Alibaba RAM version; use the ram dialect for RAM policies)' : '';
    this.report(
      'Version',
      `${show(version)} is not a valid policy version; use "2012-10-17" or "2008-10-17"${hint}`,
    );
    return '2012-10-17';
  }

  private parseStatements(root: JsonObject): Statement[] {
    const raw = get(root, 'Statement');
    if (raw === undefined) {
      this.report('', 'missing Statement');
      return [];
    }
    const entries: { value: JsonValue; path: string }[] = [];
    if (Array.isArray(raw)) {
      raw.forEach((value, i) => entries.push({ value, path: childPath('Statement', i) }));
    } else if (isObject(raw)) {
      entries.push({ value: raw, path: 'Statement' });
    } else {
      this.report('Statement', `must be a statement object or a list of statements, not ${kindOf(raw)}`);
      return [];
    }
    const out: Statement[] = [];
    const sids = new Map<string, string>();
    entries.forEach(({ value, path }, index) => {
      const statement = this.parseStatement(value, path, index);
      if (!statement) return;
      out.push(statement);
      if (statement.sid !== undefined && statement.sid !== '') {
        const first = sids.get(statement.sid);
        if (first !== undefined) {
          this.report(
            childPath(path, 'Sid'),
            `duplicate Sid ${show(statement.sid)} (already used by ${first})`,
          );
        } else {
          sids.set(statement.sid, path);
        }
      }
    });
    return out;
  }

  private parseStatement(raw: JsonValue, path: string, index: number): Statement | undefined {
    if (!isObject(raw)) {
      this.report(path, `a statement must be an object, not ${kindOf(raw)}`);
      return undefined;
    }
    for (const key of Object.keys(raw)) {
      if (!(STATEMENT_ELEMENTS as readonly string[]).includes(key)) {
        this.report(
          childPath(path, key),
          `unknown statement element ${show(key)}; expected ${orList(STATEMENT_ELEMENTS)}${suggest(key, STATEMENT_ELEMENTS)}`,
          'key',
        );
      }
    }
    const statement: Statement = { index, effect: 'Deny', conditions: [], loc: this.loc(path) };
    const sid = this.parseSid(raw, path);
    if (sid !== undefined) statement.sid = sid;
    const effect = this.parseEffect(raw, path);
    if (effect) statement.effect = effect;
    this.parseActions(raw, path, statement);
    this.parseResources(raw, path, statement);
    this.parsePrincipals(raw, path, statement);
    const condition = get(raw, 'Condition');
    if (condition !== undefined)
      statement.conditions = this.parseCondition(condition, childPath(path, 'Condition'));
    return statement;
  }

  private parseSid(raw: JsonObject, path: string): string | undefined {
    const sid = get(raw, 'Sid');
    if (sid === undefined) return undefined;
    const sidPath = childPath(path, 'Sid');
    if (typeof sid !== 'string') {
      this.report(sidPath, `${show(sid)} is not a string`);
      return undefined;
    }
    // IAM (CreatePolicy, also used for boundaries) accepts only letters and digits in a Sid.
    if (
      this.dialect === 'aws' &&
      (this.type === 'identity' || this.type === 'boundary') &&
      !ALPHANUMERIC.test(sid)
    ) {
      this.report(
        sidPath,
        `${show(sid)} may contain only letters and digits (A-Z, a-z, 0-9) in ${describePolicyType(this.type)}`,
      );
    }
    return sid;
  }

  private parseEffect(raw: JsonObject, path: string): Effect | undefined {
    const effect = get(raw, 'Effect');
    if (effect === undefined) {
      this.report(path, 'missing Effect; use "Allow" or "Deny"');
      return undefined;
    }
    const effectPath = childPath(path, 'Effect');
    if (effect !== 'Allow' && effect !== 'Deny') {
      this.report(effectPath, `${show(effect)} is not Allow or Deny`);
      return undefined;
    }
    if (this.type === 'rcp' && effect === 'Allow') {
      this.report(
        effectPath,
        '"Allow" is not allowed in a resource control policy; customer RCPs can only deny',
      );
    }
    return effect;
  }

  /** Exactly one of two sibling elements (Action/NotAction ...); returns the one present. */
  private oneOf(raw: JsonObject, path: string, a: string, b: string, required: boolean): string | undefined {
    const hasA = Object.hasOwn(raw, a);
    const hasB = Object.hasOwn(raw, b);
    if (hasA && hasB) {
      this.report(childPath(path, b), `a statement cannot have both ${a} and ${b}; use one of them`, 'key');
      return undefined;
    }
    if (hasA) return a;
    if (hasB) return b;
    if (required) this.report(path, `missing ${a} or ${b}`);
    return undefined;
  }

  private parseActions(raw: JsonObject, path: string, statement: Statement): void {
    const which = this.oneOf(raw, path, 'Action', 'NotAction', true);
    if (!which) return;
    const listPath = childPath(path, which);
    const list = this.stringList(get(raw, which), listPath);
    if (!list) return;
    list.values.forEach((action, i) => {
      const actionPath = list.paths[i] ?? listPath;
      if (!this.checkAction(action, actionPath)) return;
      if (this.type === 'trust' && which === 'Action' && !isTrustAction(action)) {
        this.report(
          actionPath,
          `${show(action)} is not allowed in a role trust policy; use ${TRUST_ACTIONS_TEXT}`,
        );
      }
    });
    if (which === 'Action') statement.action = list.values;
    else statement.notAction = list.values;
  }

  private checkAction(action: string, path: string): boolean {
    if (action === '*') return true;
    if (WHITESPACE.test(action)) {
      this.report(path, `${show(action)} contains whitespace; an action cannot contain spaces`);
      return false;
    }
    if (!action.includes(':')) {
      this.report(
        path,
        `${show(action)} has no service prefix; Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.`,
      );
      return false;
    }
    if (!ACTION.test(action)) {
      this.report(
        path,
        `${show(action)} is not a valid action; use "service:ActionName" (letters, digits, "-", "_" and the wildcards "*" and "?")`,
      );
      return false;
    }
    return true;
  }

  private parseResources(raw: JsonObject, path: string, statement: Statement): void {
    if (this.type === 'trust') {
      for (const name of ['Resource', 'NotResource']) {
        if (Object.hasOwn(raw, name))
          this.report(childPath(path, name), `a role trust policy must not specify ${name}`);
      }
      return;
    }
    // Without a type, a statement naming a principal may be a trust policy statement: Resource optional.
    const required =
      this.type !== undefined || !(Object.hasOwn(raw, 'Principal') || Object.hasOwn(raw, 'NotPrincipal'));
    const which = this.oneOf(raw, path, 'Resource', 'NotResource', required);
    if (!which) return;
    const listPath = childPath(path, which);
    const list = this.stringList(get(raw, which), listPath);
    if (!list) return;
    list.values.forEach((resource, i) => this.checkResource(resource, list.paths[i] ?? listPath));
    if (which === 'Resource') statement.resource = list.values;
    else statement.notResource = list.values;
  }

  private checkResource(resource: string, path: string): void {
    if (resource === '*') return;
    if (this.dialect === 'aws') {
      if (resource.startsWith('arn:') && hasSegments(resource, 6)) return;
      const hint = resource.startsWith('acs:') ? ' ("acs:" ARNs belong to the RAM dialect)' : '';
      this.report(
        path,
        `${show(resource)} must be in ARN format (arn:partition:service:region:account:resource) or "*"${hint}`,
      );
      return;
    }
    if (resource.startsWith('acs:') && hasSegments(resource, 5)) return;
    const hint = resource.startsWith('arn:') ? ' ("arn:" ARNs belong to the AWS dialect)' : '';
    this.report(
      path,
      `${show(resource)} must be in ARN format (acs:service:region:account:resource) or "*"${hint}`,
    );
  }

  private parsePrincipals(raw: JsonObject, path: string, statement: Statement): void {
    const type = this.type;
    const present = Object.hasOwn(raw, 'Principal') || Object.hasOwn(raw, 'NotPrincipal');
    if (type !== undefined && PRINCIPAL_FORBIDDEN.has(type)) {
      for (const name of ['Principal', 'NotPrincipal']) {
        if (Object.hasOwn(raw, name)) {
          this.report(childPath(path, name), `${describePolicyType(type)} must not specify a principal`);
        }
      }
      return;
    }
    if (type === 'rcp') {
      this.parseRcpPrincipal(raw, path, statement);
      return;
    }
    if (!present) {
      if (type !== undefined && PRINCIPAL_REQUIRED.has(type)) {
        this.report(
          path,
          `missing Principal; ${describePolicyType(type)} must name a Principal or NotPrincipal`,
        );
      }
      return;
    }
    const which = this.oneOf(raw, path, 'Principal', 'NotPrincipal', false);
    if (!which) return;
    const spec = this.parsePrincipal(get(raw, which), childPath(path, which));
    if (!spec) return;
    if (which === 'Principal') statement.principal = spec;
    else statement.notPrincipal = spec;
  }

  private parseRcpPrincipal(raw: JsonObject, path: string, statement: Statement): void {
    if (Object.hasOwn(raw, 'NotPrincipal')) {
      this.report(
        childPath(path, 'NotPrincipal'),
        'a resource control policy cannot use NotPrincipal; use "Principal": "*"',
      );
    }
    const principal = get(raw, 'Principal');
    if (principal === undefined) {
      this.report(path, 'missing Principal; a resource control policy must use "Principal": "*"');
    } else if (principal !== '*') {
      this.report(
        childPath(path, 'Principal'),
        `${show(principal)} is not allowed in a resource control policy; use "Principal": "*"`,
      );
    } else {
      statement.principal = '*';
    }
  }

  private parsePrincipal(value: JsonValue | undefined, path: string): PrincipalSpec | undefined {
    if (value === '*') return '*';
    const kinds = PRINCIPAL_KINDS[this.dialect];
    if (this.dialect === 'ram' && (typeof value === 'string' || Array.isArray(value))) {
      // OSS bucket policies list principals directly: "Principal": ["20214760404935xxxx"].
      const list = this.stringList(value, path);
      if (!list) return undefined;
      list.values.forEach((v, i) => this.checkPrincipalValue('RAM', v, list.paths[i] ?? path));
      return { RAM: list.values };
    }
    if (!isObject(value)) {
      this.report(
        path,
        `${show(value)} is not a valid principal; use "*" or an object such as {"${kinds[0] ?? 'AWS'}": [...]}`,
      );
      return undefined;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) {
      this.report(path, `must name at least one principal (${orList(kinds)})`);
      return undefined;
    }
    const spec: Partial<Record<PrincipalKind, string[]>> = {};
    let ok = true;
    for (const key of keys) {
      const keyPath = childPath(path, key);
      if (!(kinds as readonly string[]).includes(key)) {
        this.report(
          keyPath,
          `unknown principal type ${show(key)}; use ${orList(kinds)}${suggest(key, kinds)}`,
          'key',
        );
        ok = false;
        continue;
      }
      const kind = key as PrincipalKind;
      const list = this.stringList(get(value, key), keyPath);
      if (!list) {
        ok = false;
        continue;
      }
      list.values.forEach((v, i) => {
        if (!this.checkPrincipalValue(kind, v, list.paths[i] ?? keyPath)) ok = false;
      });
      spec[kind] = list.values;
    }
    return ok ? spec : undefined;
  }

  private checkPrincipalValue(kind: PrincipalKind, value: string, path: string): boolean {
    if (value === '') {
      this.report(path, 'a principal must not be empty');
      return false;
    }
    switch (kind) {
      case 'AWS': {
        if (
          value === '*' ||
          AWS_ACCOUNT.test(value) ||
          AWS_IAM_PRINCIPAL.test(value) ||
          AWS_STS_PRINCIPAL.test(value)
        ) {
          return true;
        }
        const hint =
          value.includes('*') || value.includes('?')
            ? '; wildcards are not allowed in principal ARNs (use "*" with an aws:PrincipalArn condition)'
            : '';
        this.report(
          path,
          `${show(value)} is not a valid AWS principal; use "*", a 12-digit account ID, or an IAM root, user, role, assumed-role or federated-user ARN${hint}`,
        );
        return false;
      }
      case 'RAM':
        if (value === '*' || RAM_ACCOUNT.test(value) || RAM_PRINCIPAL.test(value)) return true;
        this.report(
          path,
          `${show(value)} is not a valid RAM principal; use "*", an account or user ID, or an acs:ram::ACCOUNT:root|user/...|role/... ARN`,
        );
        return false;
      default:
        if (NAME_TOKEN.test(value) || (kind !== 'Service' && !WHITESPACE.test(value))) return true;
        this.report(path, `${show(value)} is not a valid ${kind} principal`);
        return false;
    }
  }

  private parseCondition(value: JsonValue, path: string): ConditionClause[] {
    if (!isObject(value)) {
      this.report(
        path,
        `must be an object of operators, each an object of condition keys and values, not ${kindOf(value)}`,
      );
      return [];
    }
    const clauses: ConditionClause[] = [];
    for (const operator of Object.keys(value)) {
      const opPath = childPath(path, operator);
      const block = get(value, operator);
      const parsed = this.parseOperator(operator, opPath);
      if (!isObject(block)) {
        this.report(opPath, `must be an object of condition keys and values, not ${kindOf(block ?? null)}`);
        continue;
      }
      for (const key of Object.keys(block)) {
        const keyPath = childPath(opPath, key);
        if (key === '') this.report(keyPath, 'a condition key must not be empty', 'key');
        const values = this.conditionValues(get(block, key) ?? null, keyPath);
        if (!parsed || !values) continue;
        const clause: ConditionClause = {
          operator,
          baseOperator: parsed.baseOperator,
          ifExists: parsed.ifExists,
          key,
          values,
          loc: this.loc(keyPath),
        };
        if (parsed.qualifier) clause.qualifier = parsed.qualifier;
        clauses.push(clause);
      }
    }
    return clauses;
  }

  private parseOperator(
    operator: string,
    path: string,
  ): { baseOperator: string; qualifier?: SetQualifier; ifExists: boolean } | undefined {
    let rest = operator;
    let qualifier: SetQualifier | undefined;
    const colon = operator.indexOf(':');
    if (colon >= 0) {
      const prefix = operator.slice(0, colon);
      if (prefix !== 'ForAllValues' && prefix !== 'ForAnyValue') {
        const hint = suggest(prefix, ['ForAllValues', 'ForAnyValue']);
        this.report(
          path,
          `unknown set qualifier ${show(prefix)}; use ForAllValues or ForAnyValue${hint}`,
          'key',
        );
        return undefined;
      }
      qualifier = prefix;
      rest = operator.slice(colon + 1);
    }
    const ifExists = rest.endsWith('IfExists') && rest.length > 'IfExists'.length;
    const baseOperator = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
    if (!isKnownOperator(baseOperator)) {
      this.report(path, `unknown condition operator ${show(operator)}`, 'key');
      return undefined;
    }
    if (ifExists && baseOperator === 'Null') {
      this.report(
        path,
        'Null cannot be combined with IfExists (Null already tests whether the key exists)',
        'key',
      );
      return undefined;
    }
    return qualifier ? { baseOperator, qualifier, ifExists } : { baseOperator, ifExists };
  }

  private conditionValues(value: JsonValue, path: string): string[] | undefined {
    const scalar = (v: JsonValue, p: string): string | undefined => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      this.report(p, `${show(v)} is not a valid condition value; use a string, number or boolean`);
      return undefined;
    };
    if (!Array.isArray(value)) {
      const one = scalar(value, path);
      return one === undefined ? undefined : [one];
    }
    if (value.length === 0) {
      this.report(path, 'an empty list is not allowed; give at least one value');
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    value.forEach((v, i) => {
      const s = scalar(v, childPath(path, i));
      if (s === undefined) ok = false;
      else out.push(s);
    });
    return ok ? out : undefined;
  }

  /** A string or a non-empty list of strings; also returns each value's path for messages. */
  private stringList(
    value: JsonValue | undefined,
    path: string,
  ): { values: string[]; paths: string[] } | undefined {
    if (typeof value === 'string') return { values: [value], paths: [path] };
    if (!Array.isArray(value)) {
      this.report(path, `must be a string or a list of strings, not ${kindOf(value ?? null)}`);
      return undefined;
    }
    if (value.length === 0) {
      this.report(path, 'an empty list is not allowed; give at least one value');
      return undefined;
    }
    const values: string[] = [];
    const paths: string[] = [];
    let ok = true;
    value.forEach((v, i) => {
      const p = childPath(path, i);
      if (typeof v === 'string') {
        values.push(v);
        paths.push(p);
      } else {
        this.report(p, `${show(v)} is not a string`);
        ok = false;
      }
    });
    return ok ? { values, paths } : undefined;
  }

  private span(path: string, anchor: Anchor = 'value'): SourceSpan | undefined {
    if (!this.positions || !this.json) return undefined;
    return anchor === 'key'
      ? (this.json.keys.get(path) ?? this.json.values.get(path))
      : this.json.values.get(path);
  }

  private loc(path: string): Location {
    const span = this.span(path);
    return span ? { path, start: span.start, end: span.end } : { path };
  }

  private withSpan(span: SourceSpan | undefined, problem: PolicyProblem): PolicyProblem {
    if (span) {
      problem.line = span.start.line;
      problem.column = span.start.column;
    }
    return problem;
  }

  /** `Statement[1].Effect: text`; the whole document is called "Policy document". */
  private at(path: string, text: string): string {
    return `${path === '' ? 'Policy document' : path}: ${text}`;
  }

  private report(path: string, text: string, anchor: Anchor = 'value'): void {
    this.problems.push(this.withSpan(this.span(path, anchor), { path, message: this.at(path, text) }));
  }
}

/** Has at least `count` colon-separated segments (without splitting: this runs for every resource). */
function hasSegments(arn: string, count: number): boolean {
  let from = 0;
  for (let seen = 1; seen < count; seen++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return false;
    from = colon + 1;
  }
  return true;
}

function isTrustAction(action: string): boolean {
  if (action === '*') return true;
  const pattern = compileActionPattern(action);
  return TRUST_ACTIONS.some((a) => pattern.test(a));
}
