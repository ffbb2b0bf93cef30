// Other protocols served on the same port as S3 (CONTRACTS.md "The server"): the IAM and STS
// Query APIs, the OSS dialect, Alibaba STS. Each claims the requests it recognises by their
// shape (signature scheme, credential scope, parameters); whatever no front claims is S3.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alibabaStsFront } from '../api/alibaba-sts/index.js';
import { registerIam } from '../api/iam/index.js';
import { organizationsFront } from '../api/organizations/index.js';
import { queryFront } from '../api/query/front.js';
import { ossFront } from '../oss/front.js';
import type { S3Services } from '../s3/context.js';
import { explainFront } from './admin/explain.js';

export interface ProtocolFront {
  /** For logs: `iam`, `sts`, `oss`... */
  readonly name: string;
  /** Decides from the request line and headers only (the body is still unread). */
  claims(req: IncomingMessage): boolean;
  /** Answers the request completely, errors included, in its own protocol's format. */
  handle(services: S3Services, req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Registered fronts, asked in order. Add one line per protocol. */
registerIam();

// The Query front (IAM/STS) goes after every front whose requests may also be unsigned form POSTs.
export const PROTOCOL_FRONTS: readonly ProtocolFront[] = [
  explainFront,
  ossFront,
  organizationsFront,
  alibabaStsFront,
  queryFront,
];
