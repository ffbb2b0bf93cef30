// Validation of the STS request parameters shared by several actions: durations, names, tags,
// external ids and source identities, worded as AWS words its validation errors.
import { badLength, badPattern, QueryError } from '../query/errors.js';
import type { QueryParams } from '../query/params.js';

const NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_SESSION_TAGS = 50;

/** A name like RoleSessionName or SourceIdentity: 2–64 of `[\w+=,.@-]`. */
export function sessionName(params: QueryParams, name: string, required: boolean): string | undefined {
  const v = required ? params.requiredString(name, 2, 64) : params.string(name, 2, 64);
  if (v !== undefined && !NAME.test(v)) throw badPattern(name, v, '[\\w+=,.@-]*');
  return v;
}

export function externalId(params: QueryParams): string | undefined {
  const v = params.string('ExternalId', 2, 1224);
  if (v !== undefined && !EXTERNAL_ID.test(v)) throw badPattern('ExternalId', v, '[\\w+=,.@:\\/-]*');
  return v;
}

export interface SessionTags {
  readonly tags: Readonly<Record<string, string>>;
  readonly transitiveTagKeys: readonly string[];
}

/** Tags.member.N.Key/Value and TransitiveTagKeys.member.N (each a key of the session tags). */
export function sessionTags(params: QueryParams): SessionTags {
  const tags = params.tags('Tags') ?? {};
  const keys = Object.keys(tags);
  if (keys.length > MAX_SESSION_TAGS) {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`,
    );
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const value = tags[key] as string;
    if (key.length < 1 || key.length > 128) throw badLength('tags.member.key', key, 1, 128);
    if (!TAG_KEY.test(key)) throw badPattern('tags.member.key', key, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    if (value.length > 256) throw badLength('tags.member.value', value, 0, 256);
    if (!TAG_VALUE.test(value))
      throw badPattern('tags.member.value', value, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    // Session tag keys are case-insensitive.
    if (seen.has(key.toLowerCase())) {
      throw new QueryError(
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    seen.add(key.toLowerCase());
  }
  const transitiveTagKeys = params.list('TransitiveTagKeys');
  if (transitiveTagKeys.length > MAX_SESSION_TAGS) {
    throw new QueryError(
      'ValidationError',
      `1 validation error detected: Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`,
    );
  }
  for (const k of transitiveTagKeys) {
    if (!seen.has(k.toLowerCase())) {
      throw new QueryError(
        'InvalidParameterValue',
        'The specified transitive tag key must be included in the requested tags.',
      );
    }
  }
  return { tags, transitiveTagKeys };
}

/** `2026-01-02T03:04:05Z`: seconds, as the sealed token keeps them. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
