// Alibaba STS (RPC, Version 2015-04-01): AssumeRole and GetCallerIdentity on the S3 port.
export { alibabaStsFront, isAlibabaStsRequest } from './front.js';
export { ALIBABA_STS_VERSION } from './actions.js';
export { candidateStringsToSign, percentEncode, sign, stringToSign } from './signature.js';
