// S3 general purpose bucket naming rules (S3 User Guide, "Bucket naming rules").
const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Null when valid, else why not (for the InvalidBucketName message). */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63)
    return 'Bucket name must be between 3 (min) and 63 (max) characters long';
  if (!SHAPE.test(name)) {
    return 'Bucket name can consist only of lowercase letters, numbers, periods (.), and hyphens (-), and must begin and end with a letter or number';
  }
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods';
  if (name.includes('.-') || name.includes('-.'))
    return 'Bucket name must not contain a period next to a hyphen';
  if (IPV4.test(name)) return 'Bucket name must not be formatted as an IP address';
  for (const p of RESERVED_PREFIXES)
    if (name.startsWith(p)) return `Bucket name must not start with the prefix ${p}`;
  for (const s of RESERVED_SUFFIXES)
    if (name.endsWith(s)) return `Bucket name must not end with the suffix ${s}`;
  return null;
}
