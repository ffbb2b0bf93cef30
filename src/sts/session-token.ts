// Sealed, self-contained session tokens: everything a node needs to authenticate and authorize a
// session (its secret, principal, session policies, tags, expiry) sealed with AES-256-GCM, so any
// node opens it without a lookup (DESIGN.md "Scale-out").
//
// Wire form, base64url without padding:
//   format byte (0x01) | key id byte | 12-byte random IV | ciphertext | 16-byte GCM tag
// The first two bytes are authenticated as additional data. The key id selects the sealing key
// from a key ring, so keys rotate: new tokens are sealed with the ring's first key, and every key
// still on the ring opens the tokens it sealed until it is removed.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import type { Tags } from '../identity/model.js';
import { Secret, type MasterKey } from '../identity/secrets.js';

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2;
const KEY_BYTES = 32;
/** Far above any real token (2 KB session policy, 10 ARNs, 50 tags); bounds work on junk input. */
export const MAX_TOKEN_LENGTH = 16384;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

// ---------------------------------------------------------------- errors

export type SessionTokenErrorCode = 'InvalidToken' | 'ExpiredToken' | 'InvalidClientTokenId';

const MESSAGES: Readonly<Record<SessionTokenErrorCode, string>> = {
  InvalidToken: 'The provided token is malformed or otherwise invalid.',
  ExpiredToken: 'The provided token has expired.',
  InvalidClientTokenId: 'The security token included in the request is invalid.',
};

const STATUS: Readonly<Record<SessionTokenErrorCode, number>> = {
  InvalidToken: 400,
  ExpiredToken: 400,
  InvalidClientTokenId: 403,
};

export class SessionTokenError extends Error {
  override readonly name = 'SessionTokenError';
  readonly httpStatus: number;

  constructor(readonly code: SessionTokenErrorCode) {
    super(MESSAGES[code]);
    this.httpStatus = STATUS[code];
  }
}

// ---------------------------------------------------------------- claims

/** Who the session is. */
export type SessionPrincipal =
  /** sts:AssumeRole (and its SAML/web-identity variants). */
  | {
      readonly type: 'assumed-role';
      readonly roleArn: string;
      readonly roleId: string;
      readonly sessionName: string;
    }
  /** sts:GetFederationToken: `name` is the federated user's name, `userArn`/`userId` the IAM user who federated. */
  | {
      readonly type: 'federated-user';
      readonly name: string;
      readonly userArn: string;
      readonly userId: string;
    }
  /** sts:GetSessionToken: the IAM user (or account root, without `userName`) itself. */
  | {
      readonly type: 'session-token';
      readonly subjectArn: string;
      readonly subjectId: string;
      readonly userName?: string;
    };

export interface SessionClaims {
  /** ASIA... */
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
  readonly account: string;
  readonly principal: SessionPrincipal;
  readonly sourceIdentity?: string;
  /** Inline session policy documents, as passed (text). */
  readonly policies: readonly string[];
  /** Managed session policy ARNs (PolicyArns). */
  readonly policyArns: readonly string[];
  readonly tags: Tags;
  readonly transitiveTagKeys: readonly string[];
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** 0 for a session assumed with long-term credentials; +1 per role chaining hop. */
  readonly chainDepth: number;
}

// Compact wire JSON: short keys, times in epoch seconds.
interface WireClaims {
  v: 1;
  k: string;
  s: string;
  a: string;
  t: 'r' | 'f' | 's';
  ra?: string;
  ri?: string;
  n?: string;
  ua?: string;
  ui?: string;
  un?: string;
  si?: string;
  p?: string[];
  pa?: string[];
  tg?: Record<string, string>;
  tt?: string[];
  i: number;
  e: number;
  d?: number;
}

function toWire(c: SessionClaims): WireClaims {
  const w: WireClaims = {
    v: 1,
    k: c.accessKeyId,
    s: c.secretAccessKey.reveal(),
    a: c.account,
    t: 'r',
    i: Math.floor(c.issuedAt.getTime() / 1000),
    e: Math.floor(c.expiresAt.getTime() / 1000),
  };
  const p = c.principal;
  if (p.type === 'assumed-role') {
    w.t = 'r';
    w.ra = p.roleArn;
    w.ri = p.roleId;
    w.n = p.sessionName;
  } else if (p.type === 'federated-user') {
    w.t = 'f';
    w.n = p.name;
    w.ua = p.userArn;
    w.ui = p.userId;
  } else {
    w.t = 's';
    w.ua = p.subjectArn;
    w.ui = p.subjectId;
    if (p.userName !== undefined) w.un = p.userName;
  }
  if (c.sourceIdentity !== undefined) w.si = c.sourceIdentity;
  if (c.policies.length > 0) w.p = [...c.policies];
  if (c.policyArns.length > 0) w.pa = [...c.policyArns];
  if (Object.keys(c.tags).length > 0) w.tg = { ...c.tags };
  if (c.transitiveTagKeys.length > 0) w.tt = [...c.transitiveTagKeys];
  if (c.chainDepth !== 0) w.d = c.chainDepth;
  return w;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);

/** Checks the shape of decrypted claims (a bug or an old format must not crash a request). */
function fromWire(value: unknown): SessionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const w = value as Partial<Record<keyof WireClaims, unknown>>;
  if (w.v !== 1 || !isString(w.k) || !isString(w.s) || !isString(w.a)) return undefined;
  if (!Number.isSafeInteger(w.i) || !Number.isSafeInteger(w.e)) return undefined;
  if (w.p !== undefined && !isStringArray(w.p)) return undefined;
  if (w.pa !== undefined && !isStringArray(w.pa)) return undefined;
  if (w.tt !== undefined && !isStringArray(w.tt)) return undefined;
  if (w.tg !== undefined && !isStringMap(w.tg)) return undefined;
  if (w.si !== undefined && !isString(w.si)) return undefined;
  if (w.d !== undefined && !Number.isSafeInteger(w.d)) return undefined;
  let principal: SessionPrincipal;
  if (w.t === 'r' && isString(w.ra) && isString(w.ri) && isString(w.n)) {
    principal = { type: 'assumed-role', roleArn: w.ra, roleId: w.ri, sessionName: w.n };
  } else if (w.t === 'f' && isString(w.n) && isString(w.ua) && isString(w.ui)) {
    principal = { type: 'federated-user', name: w.n, userArn: w.ua, userId: w.ui };
  } else if (w.t === 's' && isString(w.ua) && isString(w.ui) && (w.un === undefined || isString(w.un))) {
    principal = {
      type: 'session-token',
      subjectArn: w.ua,
      subjectId: w.ui,
      ...(w.un !== undefined ? { userName: w.un } : {}),
    };
  } else {
    return undefined;
  }
  return {
    accessKeyId: w.k,
    secretAccessKey: new Secret(w.s),
    account: w.a,
    principal,
    ...(w.si !== undefined ? { sourceIdentity: w.si } : {}),
    policies: w.p ?? [],
    policyArns: w.pa ?? [],
    tags: w.tg ?? {},
    transitiveTagKeys: w.tt ?? [],
    issuedAt: new Date((w.i as number) * 1000),
    expiresAt: new Date((w.e as number) * 1000),
    chainDepth: (w.d as number | undefined) ?? 0,
  };
}

// ---------------------------------------------------------------- key ring

export interface TokenKey {
  /** 0–255: the byte that names the key inside each token. */
  readonly id: number;
  /** 32 bytes. */
  readonly key: Buffer;
}

export interface OpenOptions {
  /** The access key id the request was signed with: it must be the token's own. */
  readonly accessKeyId?: string;
  /** Epoch milliseconds (default Date.now()). */
  readonly now?: number;
}

/** The token key with id `id` derived from the master key. */
export function deriveTokenKey(master: MasterKey, id: number): TokenKey {
  return { id, key: master.derive(`portcullis/session-token/v1/key-${id}`) };
}

export class TokenKeyRing {
  readonly #keys: ReadonlyMap<number, Buffer>;
  readonly #sealing: TokenKey;

  /** `keys[0]` seals new tokens; all of them open tokens. */
  constructor(keys: readonly TokenKey[]) {
    const first = keys[0];
    if (first === undefined) throw new Error('a token key ring needs at least one key');
    const map = new Map<number, Buffer>();
    for (const { id, key } of keys) {
      if (!Number.isInteger(id) || id < 0 || id > 255) throw new Error(`token key id ${id} is not 0-255`);
      if (key.length !== KEY_BYTES) throw new Error(`token key ${id} must be ${KEY_BYTES} bytes`);
      if (map.has(id)) throw new Error(`token key id ${id} appears twice`);
      map.set(id, Buffer.from(key));
    }
    this.#keys = map;
    this.#sealing = { id: first.id, key: map.get(first.id) as Buffer };
  }

  /** One key derived from the master key (id 1): the default when nothing is configured. */
  static fromMasterKey(master: MasterKey, ids: readonly number[] = [1]): TokenKeyRing {
    return new TokenKeyRing(ids.map((id) => deriveTokenKey(master, id)));
  }

  /**
   * PORTCULLIS_TOKEN_KEYS: a comma-separated list, the first entry seals. Each entry is `ID:BASE64`
   * (an explicit 32-byte key) or a bare `ID` (the key derived from the master key under that id),
   * e.g. `2,1` rotates from derived key 1 to derived key 2. Unset: the derived key 1.
   */
  static fromEnv(master: MasterKey, env: NodeJS.ProcessEnv = process.env): TokenKeyRing {
    const spec = env['PORTCULLIS_TOKEN_KEYS'];
    if (spec === undefined || spec.trim() === '') return TokenKeyRing.fromMasterKey(master);
    const keys: TokenKey[] = [];
    for (const raw of spec.split(',')) {
      const entry = raw.trim();
      const m = /^(\d{1,3})(?::([A-Za-z0-9+/]+={0,2}))?$/.exec(entry);
      const id = m ? Number(m[1]) : NaN;
      if (m === null || id > 255) {
        throw new Error(`PORTCULLIS_TOKEN_KEYS: ${JSON.stringify(entry)} is not ID or ID:BASE64 (ID 0-255)`);
      }
      if (m[2] === undefined) {
        keys.push(deriveTokenKey(master, id));
      } else {
        const key = Buffer.from(m[2], 'base64');
        if (key.length !== KEY_BYTES)
          throw new Error(`PORTCULLIS_TOKEN_KEYS: key ${id} is not ${KEY_BYTES} bytes of base64`);
        keys.push({ id, key });
      }
    }
    return new TokenKeyRing(keys);
  }

  get sealingKeyId(): number {
    return this.#sealing.id;
  }

  seal(claims: SessionClaims): string {
    const header = Buffer.from([FORMAT_V1, this.#sealing.id]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#sealing.key, iv);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(JSON.stringify(toWire(claims)), 'utf8'), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * Opens a token. Throws SessionTokenError: InvalidToken when it is malformed, altered or sealed
   * by a key no longer on the ring; InvalidClientTokenId when it belongs to another access key id;
   * ExpiredToken once it has expired.
   */
  open(token: string, options: OpenOptions = {}): SessionClaims {
    const claims = this.unseal(token);
    checkClaims(claims, options);
    return claims;
  }

  private unseal(token: string): SessionClaims {
    if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token))
      throw new SessionTokenError('InvalidToken');
    const bytes = Buffer.from(token, 'base64url');
    // Canonical encoding only: one token, one string (base64url decoding is lenient about tails).
    if (bytes.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || bytes.toString('base64url') !== token) {
      throw new SessionTokenError('InvalidToken');
    }
    const key = this.#keys.get(bytes[1] as number);
    if (bytes[0] !== FORMAT_V1 || key === undefined) throw new SessionTokenError('InvalidToken');
    const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const body = bytes.subarray(HEADER_BYTES + IV_BYTES, bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(bytes.subarray(0, HEADER_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new SessionTokenError('InvalidToken');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain.toString('utf8'));
    } catch {
      throw new SessionTokenError('InvalidToken');
    }
    const claims = fromWire(parsed);
    if (claims === undefined) throw new SessionTokenError('InvalidToken');
    return claims;
  }

  toJSON(): string {
    return `TokenKeyRing(sealing key ${this.#sealing.id}, ${this.#keys.size} keys)`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

/**
 * The checks every use of opened claims needs, also when they come from a cache: the token
 * belongs to the request's access key id (InvalidClientTokenId) and has not expired (ExpiredToken).
 */
export function checkClaims(claims: SessionClaims, options: OpenOptions = {}): void {
  if (options.accessKeyId !== undefined && !sameId(claims.accessKeyId, options.accessKeyId)) {
    throw new SessionTokenError('InvalidClientTokenId');
  }
  if ((options.now ?? Date.now()) >= claims.expiresAt.getTime()) throw new SessionTokenError('ExpiredToken');
}

/** Constant-time id comparison (ids are not secret, but the habit costs nothing here). */
function sameId(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
