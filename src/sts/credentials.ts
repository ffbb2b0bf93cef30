// Identifiers and secrets shaped like AWS's: access key ids (AKIA long-term, ASIA temporary),
// 40-character secret access keys, and IAM unique ids (AIDA users, AROA roles, AGPA groups,
// ANPA managed policies). All from node:crypto's CSPRNG.
import { randomBytes } from 'node:crypto';
import { Secret } from '../identity/secrets.js';

// RFC 4648 base32: 32 symbols, so 5 random bits pick one with no modulo bias.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE32[(bytes[i] as number) & 31];
  return out;
}

export type AccessKeyPrefix = 'AKIA' | 'ASIA';
export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA';

/** 20 characters: the prefix and 16 base32 characters (80 random bits). */
export function generateAccessKeyId(prefix: AccessKeyPrefix): string {
  return prefix + base32(16);
}

/** 40 characters of base64 (30 random bytes: 240 bits), like AWS's secrets. */
export function generateSecretAccessKey(): Secret {
  return new Secret(randomBytes(30).toString('base64'));
}

/** 21 characters, the prefix and 17 base32 characters, like AWS's unique ids. */
export function generateUniqueId(prefix: UniqueIdPrefix): string {
  return prefix + base32(17);
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lower-case letters and digits (organization ids: o-, r-, ou-, p-); rejection sampling, no bias. */
export function randomLowerAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252) out += LOWER_ALNUM[b % 36]; // 252 = 7 * 36: accept only the unbiased range
      if (out.length === length) break;
    }
  }
  return out;
}

/** True for ids of temporary credentials (STS sessions): AWS STS's ASIA..., Alibaba STS's STS.... */
export function isTemporaryAccessKeyId(accessKeyId: string): boolean {
  return accessKeyId.startsWith('ASIA') || accessKeyId.startsWith('STS.');
}
