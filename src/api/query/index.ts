// The AWS Query protocol layer shared by IAM and STS. A service plugs in with
// `registerQueryService('sts', '2011-06-15', { AssumeRole: async (call) => ({ ... }) })`
// (registered in src/server/fronts.ts); handlers read `call.params`, authorize with
// `authorizeQuery`, throw QueryError (or IamError / SessionTokenError), and return the contents
// of `<{Action}Result>`. The IAM store reaches handlers through iamStoreOf(call), bound per server
// with bindIamStore(services, store) at start-up.
export { authorizeQuery, checkQuery, queryContext } from './authorize.js';
export { bindIamStore, iamStoreOf, type QueryCall, type QueryServices } from './call.js';
export {
  accessDenied,
  badLength,
  badPattern,
  memberName,
  missingParameter,
  QueryError,
  toQueryError,
  type ErrorType,
} from './errors.js';
export { MAX_QUERY_BODY, queryFront } from './front.js';
export { QueryParams } from './params.js';
export {
  findAction,
  registerQueryService,
  serviceForVersion,
  serviceVersion,
  type ActionHandler,
  type ActionSpec,
  type AnonymousAction,
  type QueryServiceName,
} from './registry.js';
export { errorXml, members, QUERY_XMLNS, resultXml, type XmlTree, type XmlValue } from './xml.js';
