// Replay protection: a SignatureNonce is accepted once per access key while its request could still
// pass the timestamp check. Bounded: past `capacity` the oldest nonces are forgotten first (they
// expire first), so a flood costs memory up to the bound and no more.
export class NonceLedger {
  private readonly seen = new Map<string, number>();

  constructor(
    /** How long a nonce is remembered (ms): twice the allowed clock skew covers every valid timestamp. */
    private readonly ttlMs: number,
    private readonly capacity = 100_000,
  ) {}

  /** Records the nonce; false when it was used already (a replay). */
  claim(accessKeyId: string, nonce: string, now: number): boolean {
    this.expire(now);
    const key = `${accessKeyId}\n${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.ttlMs);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    return true;
  }

  /** Insertion order is expiry order (one ttl for all), so expired entries are at the front. */
  private expire(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) return;
      this.seen.delete(key);
    }
  }
}

const LEDGERS = new WeakMap<object, NonceLedger>();

/** The ledger of one server (keyed by its services object), created on first use. */
export function nonceLedgerOf(services: object, ttlMs: number): NonceLedger {
  let ledger = LEDGERS.get(services);
  if (ledger === undefined) {
    ledger = new NonceLedger(ttlMs);
    LEDGERS.set(services, ledger);
  }
  return ledger;
}
