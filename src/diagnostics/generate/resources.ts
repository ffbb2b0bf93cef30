// ARN pieces the generator needs: the object key of an S3 object ARN, and keys written into an
// ARN literally (a key may hold `*` or `?`, which a Resource would read as wildcards).

const S3_ARN = 'arn:aws:s3:::';

/** `arn:aws:s3:::bucket/key` → its bucket ARN and key; undefined for any other ARN. */
export function splitObjectArn(arn: string): { bucketArn: string; key: string } | undefined {
  if (!arn.startsWith(S3_ARN)) return undefined;
  const slash = arn.indexOf('/', S3_ARN.length);
  if (slash <= S3_ARN.length) return undefined;
  return { bucketArn: arn.slice(0, slash), key: arn.slice(slash + 1) };
}

/** Is this an S3 bucket ARN (`arn:aws:s3:::bucket`)? */
export function isBucketArn(arn: string): boolean {
  return arn.startsWith(S3_ARN) && arn.length > S3_ARN.length && !arn.includes('/');
}

/**
 * `text` as it must appear in a Resource to match only itself: `*`, `?` and `$` become the
 * policy-language escapes `${*}`, `${?}`, `${$}` (Version 2012-10-17).
 */
export function literalInArn(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}
