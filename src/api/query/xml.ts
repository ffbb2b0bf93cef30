// Query protocol response documents: `<{Action}Response>` with its Result and ResponseMetadata,
// and `<ErrorResponse>`. Built on the server's escaping XML serialiser.
import { buildXml, type XmlTree, type XmlValue } from '../../server/xml.js';
import type { QueryError } from './errors.js';
import type { QueryServiceName } from './registry.js';

export type { XmlTree, XmlValue };

export const QUERY_XMLNS: Readonly<Record<QueryServiceName, string>> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** A Query list: `<member>` elements (empty lists are written as an empty element). */
export function members(items: readonly XmlValue[]): XmlTree {
  return items.length === 0 ? {} : { member: items };
}

export function resultXml(
  service: QueryServiceName,
  action: string,
  result: XmlTree | undefined,
  requestId: string,
): string {
  const tree: Record<string, XmlValue> = {};
  // Actions without output (DeleteUser...) answer with ResponseMetadata only, as AWS does.
  if (result !== undefined) tree[`${action}Result`] = result;
  tree['ResponseMetadata'] = { RequestId: requestId };
  return buildXml(`${action}Response`, tree, QUERY_XMLNS[service]);
}

export function errorXml(service: QueryServiceName, error: QueryError, requestId: string): string {
  return buildXml(
    'ErrorResponse',
    { Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId },
    QUERY_XMLNS[service],
  );
}
