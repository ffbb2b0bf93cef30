// The parameters of a Query request (form body and URL query merged), with the helpers every
// action needs: required values in AWS's wording, `.member.N` lists, tag lists, numbers, flags.
import { badLength, badPattern, missingParameter, QueryError, memberName } from './errors.js';

export class QueryParams {
  private readonly values = new Map<string, string>();

  /** Later sources do not override earlier ones: the URL query first, then the body. */
  constructor(...sources: readonly URLSearchParams[]) {
    for (const source of sources) {
      for (const [k, v] of source) if (!this.values.has(k)) this.values.set(k, v);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A required value: ValidationError "Value null at 'userName'" when absent. */
  required(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw missingParameter(name);
    return v;
  }

  /** A string with length bounds (when present), and the parameter's pattern when it has one. */
  string(name: string, min: number, max: number): string | undefined {
    const v = this.values.get(name);
    if (v !== undefined) checkString(name, v, min, max);
    return v;
  }

  requiredString(name: string, min: number, max: number): string {
    const v = this.required(name);
    checkString(name, v, min, max);
    return v;
  }

  /** An integer within bounds, or undefined when absent. */
  int(name: string, min: number, max: number): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) {
      throw new QueryError(
        'ValidationError',
        `Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must be an integer`,
      );
    }
    if (n < min || n > max) {
      throw new QueryError(
        'ValidationError',
        `1 validation error detected: Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must have value ${
          n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`
        }`,
      );
    }
    return n;
  }

  /** `true`/`false` (any case), or undefined when absent. */
  bool(name: string): boolean | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw new QueryError(
      'ValidationError',
      `Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must be a boolean`,
    );
  }

  /** `Name.member.1`, `Name.member.2`...: in index order, stopping at the first gap. */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; ; i++) {
      const v = this.values.get(`${name}.member.${i}`);
      if (v === undefined) return out;
      out.push(v);
    }
  }

  /** Structures in a list: `Tags.member.1.Key`, `Tags.member.1.Value`... */
  structList<F extends string>(name: string, fields: readonly F[]): Record<F, string | undefined>[] {
    const out: Record<F, string | undefined>[] = [];
    for (let i = 1; ; i++) {
      const prefix = `${name}.member.${i}.`;
      const item = {} as Record<F, string | undefined>;
      let any = false;
      for (const f of fields) {
        const v = this.values.get(prefix + f);
        item[f] = v;
        if (v !== undefined) any = true;
      }
      if (!any) return out;
      out.push(item);
    }
  }

  /** `Tags.member.N.Key/Value` as an object; a key without a value is a ValidationError. */
  tags(name = 'Tags'): Record<string, string> | undefined {
    const items = this.structList(name, ['Key', 'Value'] as const);
    if (items.length === 0) return undefined;
    const out: Record<string, string> = {};
    items.forEach((t, i) => {
      if (t.Key === undefined) throw missingParameter(`${memberName(name)}.${i + 1}.member.key`);
      if (t.Value === undefined) throw missingParameter(`${memberName(name)}.${i + 1}.member.value`);
      out[t.Key] = t.Value;
    });
    return out;
  }
}

// Patterns of IAM parameters as botocore's iam model declares them (userNameType, pathType ...):
// AWS checks them before the action runs and answers ValidationError.
const ENTITY_NAME = { regex: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' };
const PARAMETER_PATTERNS: Readonly<Record<string, { regex: RegExp; text: string }>> = {
  UserName: ENTITY_NAME,
  NewUserName: ENTITY_NAME,
  GroupName: ENTITY_NAME,
  NewGroupName: ENTITY_NAME,
  RoleName: ENTITY_NAME,
  PolicyName: ENTITY_NAME,
  Path: { regex: /^(\/|\/[\u0021-\u007E]+\/)$/, text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' },
  PathPrefix: { regex: /^\/[\u0021-\u007F]*$/, text: '\\u002F[\\u0021-\\u007F]*' },
};

function checkString(name: string, value: string, min: number, max: number): void {
  if (value.length < min || value.length > max) throw badLength(name, value, min, max);
  const pattern = PARAMETER_PATTERNS[name];
  if (pattern !== undefined && !pattern.regex.test(value)) throw badPattern(name, value, pattern.text);
}
