// Compiled bucket policies, so no request parses a policy. Each request still reads the stored
// policy text (one indexed lookup): when it equals the cached text the compiled policy is reused,
// so a change made by any node (shared PostgreSQL) takes effect at the next request with no
// invalidation protocol.
import { compilePolicyText } from '../policy/compile.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { MetadataStore } from '../store/metadata.js';

const MAX_ENTRIES = 10_000;

export function bucketPolicyId(bucket: string): string {
  return `bucket policy of ${bucket}`;
}

export class BucketPolicyCache {
  private readonly entries = new Map<string, { text: string; policy: CompiledPolicy }>();

  constructor(private readonly metadata: MetadataStore) {}

  /** The bucket's compiled policy, or null when it has none. Throws NoSuchBucket. */
  async get(bucket: string): Promise<CompiledPolicy | null> {
    const text = await this.metadata.getBucketConfig(bucket, 'policy');
    if (text === null) {
      this.entries.delete(bucket);
      return null;
    }
    const hit = this.entries.get(bucket);
    if (hit !== undefined && hit.text === text) return hit.policy;
    const policy = compileStored(bucket, text);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(bucket, { text, policy });
    return policy;
  }

  /** Primes the cache with a policy just validated by PutBucketPolicy (saves one compile). */
  remember(bucket: string, text: string, policy: CompiledPolicy): void {
    this.entries.set(bucket, { text, policy });
  }

  forget(bucket: string): void {
    this.entries.delete(bucket);
  }
}

function compileStored(bucket: string, text: string): CompiledPolicy {
  const result = compilePolicyText(
    text,
    { id: bucketPolicyId(bucket), type: 'resource' },
    // OSS stores RAM (`Version "1"`) bucket policies through the same config slot.
    { dialect: 'auto' },
  );
  // Stored policies were validated on the way in; failing now means the engine grew stricter.
  if (!result.ok)
    throw new Error(
      `stored policy of bucket ${bucket} no longer compiles: ${result.problems[0]?.message ?? ''}`,
    );
  return result.policy;
}
