// What an Alibaba STS action receives: the request, the authenticated caller, its parameters, and
// the STS machinery the AWS STS API uses too (IAM store, policy cache, token key ring, clock).
import type { S3Services } from '../../s3/context.js';
import type { Caller } from '../../server/caller.js';
import type { HttpRequestContext } from '../../server/request-context.js';
import type { StsDeps } from '../sts/deps.js';
import type { RpcParams } from './params.js';

export interface RpcCall {
  readonly ctx: HttpRequestContext;
  readonly services: S3Services;
  readonly caller: Caller;
  readonly params: RpcParams;
  readonly action: string;
  readonly deps: StsDeps;
}
