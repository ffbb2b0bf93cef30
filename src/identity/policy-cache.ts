// Compiled policies and per-principal policy sets, so no request parses a policy.
//
// - Compiled documents are keyed by a hash of (policy type, text): the same text attached to many
//   principals compiles once; each holder gets a cheap view carrying its own id (`user/bob/inline/
//   Read`, a managed policy ARN, ...). Session policies from tokens have an LRU of their own.
// - Everything derived from the IAM store is memoized with the store generation it was loaded at.
//   Every IAM write bumps the generation, so an entry older than the generation a request reads is
//   reloaded: a change is in force for the very next request (immediate consistency).
// - The generation itself is read once per request, coalesced: concurrent requests share a read
//   that started after they arrived, so none of them can miss a write that committed before it.
import { createHash } from 'node:crypto';
import { compilePolicyText, type CompiledPolicy } from '../policy/compile.js';
import type { PolicyProblem, PolicyType } from '../policy/model.js';
import { IamError } from './model.js';

/** A Map in least-recently-used order with a fixed capacity. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error('an LRU needs a capacity of at least 1');
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

export interface PolicyCacheOptions {
  /** Distinct compiled documents kept (default 10 000). */
  readonly maxCompiled?: number;
  /** Distinct session policy texts kept (default 2 048). */
  readonly maxSessionPolicies?: number;
  /** Memoized principals, keys and accounts (default 10 000). */
  readonly maxEntries?: number;
  /** Told when a stored document no longer compiles (it is then replaced by a deny-all stand-in). */
  readonly onInvalidStoredPolicy?: (id: string, problems: readonly PolicyProblem[]) => void;
}

export interface PolicyCacheStats {
  compiled: number;
  compileHits: number;
  compileMisses: number;
  memoHits: number;
  memoLoads: number;
}

interface MemoEntry {
  readonly generation: number;
  readonly value: unknown;
}

/** What a memo loader returns: the value and the generation its data reflects. */
export interface Loaded<T> {
  readonly generation: number;
  readonly value: T;
}

export class PolicyCache {
  private readonly compiled: Lru<string, CompiledPolicy>;
  private readonly sessions: Lru<string, CompiledPolicy>;
  private readonly entries: Lru<string, MemoEntry>;
  private readonly loading = new Map<string, Promise<MemoEntry>>();
  private readonly onInvalid: PolicyCacheOptions['onInvalidStoredPolicy'];
  private readonly counters: PolicyCacheStats = {
    compiled: 0,
    compileHits: 0,
    compileMisses: 0,
    memoHits: 0,
    memoLoads: 0,
  };

  constructor(options: PolicyCacheOptions = {}) {
    this.compiled = new Lru(options.maxCompiled ?? 10_000);
    this.sessions = new Lru(options.maxSessionPolicies ?? 2048);
    this.entries = new Lru(options.maxEntries ?? 10_000);
    this.onInvalid = options.onInvalidStoredPolicy;
  }

  // ---------------------------------------------------------------- documents

  /** Parses and compiles `text` as `type` (memoized by content); problems when it is invalid. */
  private base(text: string, type: PolicyType): { policy: CompiledPolicy } | { problems: PolicyProblem[] } {
    const key = contentKey(type, text);
    const hit = this.compiled.get(key);
    if (hit !== undefined) {
      this.counters.compileHits++;
      return { policy: hit };
    }
    this.counters.compileMisses++;
    // `auto`: Version "1" selects the Alibaba RAM dialect, for OSS-style deployments.
    const result = compilePolicyText(text, { id: '', type }, { dialect: 'auto' });
    if (!result.ok) return { problems: result.problems };
    this.compiled.set(key, result.policy);
    this.counters.compiled = this.compiled.size;
    return { policy: result.policy };
  }

  /** The problems of `text` used as `type`; empty when it is valid (and then it is cached compiled). */
  check(text: string, type: PolicyType): PolicyProblem[] {
    const r = this.base(text, type);
    return 'problems' in r ? r.problems : [];
  }

  /** The compiled policy, or MalformedPolicyDocument naming every problem (for the write path). */
  compile(text: string, id: string, type: PolicyType): CompiledPolicy {
    const r = this.base(text, type);
    if ('problems' in r)
      throw new IamError('MalformedPolicyDocument', r.problems.map((p) => p.message).join('; '));
    return withId(r.policy, id);
  }

  /**
   * A document read back from the store. It was validated when written; if it no longer compiles
   * (a stricter parser after an upgrade), fail closed: a stand-in that denies everything, under
   * the same id, so explain points at the broken policy instead of access silently widening.
   */
  compileStored(text: string, id: string, type: PolicyType): CompiledPolicy {
    const r = this.base(text, type);
    if ('policy' in r) return withId(r.policy, id);
    this.onInvalid?.(id, r.problems);
    return withId(this.denyAll(type), `${id} (invalid stored document: denies everything)`);
  }

  /** A policy that allows nothing and denies nothing (e.g. a federated session given no policy). */
  allowNothing(id: string, type: PolicyType): CompiledPolicy {
    return this.compile(ALLOW_NOTHING, id, type);
  }

  private denyAll(type: PolicyType): CompiledPolicy {
    const r = this.base(DENY_ALL[type], type);
    if ('problems' in r) throw new Error(`deny-all stand-in does not compile as ${type}`);
    return r.policy;
  }

  /** A session policy carried in a token: compiled once per distinct text (LRU). */
  session(text: string, id = 'session policy'): CompiledPolicy {
    const key = `${id}\n${text}`;
    let policy = this.sessions.get(key);
    if (policy === undefined) {
      policy = this.compileStored(text, id, 'session');
      this.sessions.set(key, policy);
    }
    return policy;
  }

  // ---------------------------------------------------------------- generation-keyed memo

  /**
   * The value under `key` if it was loaded at `generation` or later, else `load()`ed now.
   * Concurrent callers share one load; a shared load that turns out older than a caller's
   * generation is repeated for that caller.
   */
  async memo<T>(key: string, generation: number, load: () => Promise<Loaded<T>>): Promise<T> {
    for (;;) {
      const hit = this.entries.get(key);
      if (hit !== undefined && hit.generation >= generation) {
        this.counters.memoHits++;
        return hit.value as T;
      }
      let pending = this.loading.get(key);
      if (pending === undefined) {
        this.counters.memoLoads++;
        pending = load().then((loaded) => {
          const entry: MemoEntry = { generation: loaded.generation, value: loaded.value };
          const current = this.entries.get(key);
          if (current === undefined || current.generation <= entry.generation) this.entries.set(key, entry);
          return entry;
        });
        const settle = () => {
          if (this.loading.get(key) === pending) this.loading.delete(key);
        };
        pending.then(settle, settle);
        this.loading.set(key, pending);
      }
      const entry = await pending;
      if (entry.generation >= generation) return entry.value as T;
      // The shared load read an older generation than ours: go round once more.
    }
  }

  /** The last value loaded under `key`, whatever its generation (for synchronous callers). */
  peek<T>(key: string): T | undefined {
    return this.entries.get(key)?.value as T | undefined;
  }

  /** Drops every memoized entry (compiled documents stay: they depend on text only). */
  invalidate(): void {
    this.entries.clear();
  }

  stats(): PolicyCacheStats {
    return { ...this.counters, compiled: this.compiled.size };
  }
}

/**
 * Coalesced reads of a counter that only grows (the store generation). A caller never gets a
 * value read before it called: it joins a read started after its call, or waits for the read in
 * flight to finish and shares the next one. So at most two reads are in flight, however many
 * requests arrive.
 */
export class GenerationReader {
  private current: Promise<number> | undefined;
  private queued: Promise<number> | undefined;

  constructor(private readonly fetch: () => Promise<number>) {}

  read(): Promise<number> {
    if (this.current === undefined) return this.start();
    if (this.queued === undefined) {
      const after = this.current.then(
        () => undefined,
        () => undefined,
      );
      this.queued = after.then(() => {
        this.queued = undefined;
        return this.start();
      });
    }
    return this.queued;
  }

  private start(): Promise<number> {
    const p = this.fetch();
    this.current = p;
    const clear = () => {
      if (this.current === p) this.current = undefined;
    };
    p.then(clear, clear);
    return p;
  }
}

const ALLOW_NOTHING = '{"Version":"2012-10-17","Statement":[]}';
// Deny-all stand-ins, one per type: some types require a Principal, trust policies forbid Resource.
const DENY_EVERYTHING =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
const DENY_EVERYONE =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}';
const DENY_ALL: Readonly<Record<PolicyType, string>> = {
  identity: DENY_EVERYTHING,
  boundary: DENY_EVERYTHING,
  session: DENY_EVERYTHING,
  scp: DENY_EVERYTHING,
  resource: DENY_EVERYONE,
  rcp: DENY_EVERYONE,
  trust: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}',
};

function contentKey(type: PolicyType, text: string): string {
  return createHash('sha256').update(type).update('\n').update(text).digest('base64');
}

/** A view of a compiled policy under another id (shares statements and the action memo). */
function withId(policy: CompiledPolicy, id: string): CompiledPolicy {
  return policy.id === id ? policy : { ...policy, id };
}
