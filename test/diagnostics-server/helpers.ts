// Shared by the diagnostics server tests: IAM users with an inline policy and an access key,
// created through the IAM API as the root user, and the S3/IAM/STS clients that use them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { TestServer } from '../support/server.js';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export class Clients {
  private readonly made: { destroy(): void }[] = [];
  constructor(private readonly server: TestServer) {}

  get root(): Keys {
    return { accessKeyId: this.server.accessKeyId, secretAccessKey: this.server.secretAccessKey };
  }

  s3(credentials: Keys = this.root): S3Client {
    return this.keep(this.server.client({ credentials }));
  }

  iam(credentials: Keys = this.root): IAMClient {
    return this.keep(new IAMClient({ endpoint: this.server.url, region: 'us-east-1', credentials }));
  }

  sts(credentials: Keys = this.root): STSClient {
    return this.keep(new STSClient({ endpoint: this.server.url, region: 'us-east-1', credentials }));
  }

  /** Creates an IAM user with one inline policy (when given) and returns its access key. */
  async user(name: string, statements?: readonly Record<string, unknown>[]): Promise<Keys> {
    const iam = this.iam();
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (statements !== undefined) {
      await iam.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: `${name}-policy`,
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
        }),
      );
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
    assert.ok(key?.AccessKeyId && key.SecretAccessKey);
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  destroy(): void {
    for (const c of this.made) c.destroy();
  }

  private keep<T extends { destroy(): void }>(c: T): T {
    this.made.push(c);
    return c;
  }
}

/** The error a client call fails with (fails the test when it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Error, `an error, got ${String(e)}`);
    return e as Error & Record<string, unknown>;
  }
  assert.fail('expected the call to fail');
}

/** The HTTP status of an SDK error. */
export function statusOf(e: Record<string, unknown>): number | undefined {
  return (e['$metadata'] as { httpStatusCode?: number } | undefined)?.httpStatusCode;
}

const run = promisify(execFile);

/** Runs aws-cli against the server with these keys (no profile, no metadata lookups). */
export async function awsCli(
  server: TestServer,
  keys: Keys,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...(keys.sessionToken !== undefined ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
  };
  return run('aws', ['--endpoint-url', server.url, ...args], { env, timeout: 60_000 });
}

/** aws-cli's stderr when the command fails (fails the test when it succeeds). */
export async function awsCliFailure(
  server: TestServer,
  keys: Keys,
  args: readonly string[],
): Promise<string> {
  return awsCli(server, keys, args).then(
    () => assert.fail(`aws ${args.join(' ')} should have failed`),
    (e: { stderr?: string }) => e.stderr ?? '',
  );
}
