// The parsed, validated form of a policy document. Produced by parse.ts, consumed by compile.ts.
// Every element keeps the JSON path and source position it came from, so a trace or a lint
// finding can point back into the user's file.

export type Dialect = 'aws' | 'ram';

/** Which kind of policy a document is used as: decides size limits and which elements are legal. */
export type PolicyType = 'identity' | 'resource' | 'trust' | 'boundary' | 'session' | 'scp' | 'rcp';

export type PolicyVersion = '2012-10-17' | '2008-10-17' | '1';

export type Effect = 'Allow' | 'Deny';

/** A 1-based line/column in the source text, when the document was parsed from text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A JSON path (`Statement[1].Effect`) and, when known, where it sits in the source text. */
export interface Location {
  path: string;
  start?: SourcePosition;
  end?: SourcePosition;
}

/** The keys of a Principal / NotPrincipal object. */
export type PrincipalKind = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | 'RAM';

/** `"*"` (everyone, including anonymous) or a map of principal kind → values. */
export type PrincipalSpec = '*' | Partial<Record<PrincipalKind, string[]>>;

/** Set qualifier of a condition operator (`ForAllValues:StringLike`). */
export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export interface ConditionClause {
  /** The operator exactly as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** The operator without qualifier and IfExists suffix, e.g. `StringLike`. */
  baseOperator: string;
  qualifier?: SetQualifier;
  ifExists: boolean;
  /** The condition key as written (keys compare case-insensitively). */
  key: string;
  /** Values as strings (booleans and numbers in the JSON are turned into their string form). */
  values: string[];
  loc: Location;
}

export interface Statement {
  /** Position in the Statement array (0-based). */
  index: number;
  sid?: string;
  effect: Effect;
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: ConditionClause[];
  loc: Location;
}

export interface PolicyDocument {
  dialect: Dialect;
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** A structured validation problem. `path` names the JSON path, position the text position. */
export interface PolicyProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}
