// The identity resolver for a server with one account and its root user (no IAM yet).
import { rootPrincipal } from './account.js';
import type { IdentityResolver, ResolvedIdentity } from './resolver.js';
import type { RootCredentials } from './root-credentials.js';

export class DefaultAccountResolver implements IdentityResolver {
  private readonly root: ResolvedIdentity;

  constructor(
    readonly accountId: string,
    credentials: Pick<RootCredentials, 'accessKeyId' | 'secretAccessKey'>,
  ) {
    this.root = Object.freeze({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      principal: rootPrincipal(accountId),
      // The root user has no identity policies: within its account it is allowed unless denied.
      policies: {},
      userId: accountId,
    });
  }

  resolveAccessKey(accessKeyId: string): Promise<ResolvedIdentity | undefined> {
    return Promise.resolve(accessKeyId === this.root.accessKeyId ? this.root : undefined);
  }
}
