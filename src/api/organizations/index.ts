// The AWS Organizations API (JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.*) on the S3 port:
// the organization, its OUs and the SCPs/RCPs attached per level, managed by the root user of the
// management account (registered in src/server/fronts.ts before the Query front).
export { organizationsFront, ORGANIZATIONS_TARGET_PREFIX, MAX_ORGANIZATIONS_BODY } from './front.js';
export { ORGANIZATIONS_OPERATIONS, type OrgCall, type OrgOperation } from './operations.js';
export { OrgError } from './errors.js';
