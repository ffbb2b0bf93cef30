// sts:DecodeAuthorizationMessage: the JSON behind an encoded authorization message, for callers
// allowed sts:DecodeAuthorizationMessage.
import { authorizeQuery } from '../query/authorize.js';
import type { QueryCall } from '../query/call.js';
import { QueryError } from '../query/errors.js';
import type { XmlTree } from '../query/xml.js';
import { decodeAuthorizationMessage, MAX_ENCODED_MESSAGE } from './authorization-message.js';
import { stsDepsOf } from './deps.js';

export function decodeMessage(call: QueryCall): Promise<XmlTree> {
  const deps = stsDepsOf(call);
  const encoded = call.params.requiredString('EncodedMessage', 1, MAX_ENCODED_MESSAGE);
  authorizeQuery(call, 'sts:DecodeAuthorizationMessage', '*');
  const decoded = decodeAuthorizationMessage(deps.messages, encoded);
  if (decoded === undefined) {
    throw new QueryError(
      'InvalidAuthorizationMessageException',
      'The encoded authorization message is invalid.',
    );
  }
  return Promise.resolve({ DecodedMessage: decoded });
}
