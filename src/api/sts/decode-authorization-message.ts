// sts:DecodeAuthorizationMessage: the JSON behind an encoded authorization message, for callers
// allowed sts:DecodeAuthorizationMessage. Messages of denials (`serve --encode-denials`) also
// carry the explain trace, shown as the explain endpoint would show it to this caller: only to
// the accounts that took part, each seeing its own side (src/server/admin/denial-message.ts).
import { decodeDenial } from '../../server/admin/denial-message.js';
import { authorizeQuery } from '../query/authorize.js';
import { MAX_QUERY_BODY } from '../query/front.js';
import type { QueryCall } from '../query/call.js';
import { accessDenied, QueryError } from '../query/errors.js';
import type { XmlTree } from '../query/xml.js';
import { stsDepsOf } from './deps.js';

export function decodeMessage(call: QueryCall): Promise<XmlTree> {
  const deps = stsDepsOf(call);
  // Longer than any message this server issues (AWS's limit): invalid, like a tampered one.
  const encoded = call.params.requiredString('EncodedMessage', 1, MAX_QUERY_BODY);
  authorizeQuery(call, 'sts:DecodeAuthorizationMessage', '*');
  const outcome = decodeDenial(deps.messages, encoded, call.caller.principal, call.services.decisions);
  if (!outcome.ok) {
    if (outcome.reason === 'foreign') throw accessDenied(outcome.message);
    throw new QueryError(
      'InvalidAuthorizationMessageException',
      'The encoded authorization message is invalid.',
    );
  }
  return Promise.resolve({ DecodedMessage: JSON.stringify(outcome.decoded) });
}
