// The shape of an operation handler, and small helpers they share.
import { canonicalUserId } from '../identity/account.js';
import { S3Error } from '../server/errors.js';
import type { Reply } from '../server/reply.js';
import type { XmlTree } from '../server/xml.js';
import type { S3Call } from './context.js';

export interface OperationSpec {
  /**
   * `dispatch` (default): dispatch authorizes the operation's own action on its target before
   * calling the handler. `self`: the handler authorizes (DeleteObjects decides key by key).
   */
  readonly authorization?: 'dispatch' | 'self';
  /** Checks of the request itself that S3 makes before authorization (bucket names, part numbers). */
  validate?(call: S3Call): void;
  handle(call: S3Call): Promise<Reply>;
}

/** The `<Owner>` element S3 lists for an account. */
export function ownerXml(accountId: string): XmlTree {
  return { ID: canonicalUserId(accountId), DisplayName: accountId };
}

/** HTTP-date (RFC 7231) for Last-Modified and friends. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** The ETag without its quotes (clients send both forms in part lists and conditions). */
export function bareEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/** An integer query parameter in [min, max]; `fallback` when absent; InvalidArgument when not an integer. */
export function intParam(call: S3Call, name: string, fallback: number, min: number, message: string): number {
  const raw = call.route.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument(message, name, raw);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw invalidArgument(message, name, raw);
  return n;
}

export function invalidArgument(message: string, name: string, value: string): S3Error {
  return new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}
