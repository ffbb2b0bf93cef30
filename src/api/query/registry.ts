// Which actions each Query service (IAM, STS) answers, under which API version. Services register
// themselves once at start-up (src/server/fronts.ts); the front looks actions up here.
import type { QueryCall } from './call.js';
import type { XmlTree } from './xml.js';

export type QueryServiceName = 'iam' | 'sts';

/** Returns the contents of `<{Action}Result>`, or undefined for actions without output. */
export type ActionHandler = (call: QueryCall) => Promise<XmlTree | undefined>;

/** An action that callers without credentials may call (AssumeRoleWithWebIdentity...). */
export interface AnonymousAction {
  readonly handler: ActionHandler;
  readonly allowAnonymous: true;
}

export type ActionSpec = ActionHandler | AnonymousAction;

interface Registered {
  readonly version: string;
  readonly actions: Map<string, ActionSpec>;
}

const SERVICES = new Map<QueryServiceName, Registered>();

/** Adds (or extends) a service; registering the same action twice is a bug. */
export function registerQueryService(
  service: QueryServiceName,
  version: string,
  actions: Readonly<Record<string, ActionSpec>>,
): void {
  let entry = SERVICES.get(service);
  if (entry === undefined) {
    entry = { version, actions: new Map() };
    SERVICES.set(service, entry);
  } else if (entry.version !== version) {
    throw new Error(`${service} is registered with version ${entry.version}, not ${version}`);
  }
  for (const [name, spec] of Object.entries(actions)) {
    if (entry.actions.has(name)) throw new Error(`${service}:${name} is registered twice`);
    entry.actions.set(name, spec);
  }
}

export function serviceVersion(service: QueryServiceName): string | undefined {
  return SERVICES.get(service)?.version;
}

/** The service a Version parameter names (for unsigned requests, which have no credential scope). */
export function serviceForVersion(version: string | undefined): QueryServiceName | undefined {
  for (const [name, entry] of SERVICES) if (entry.version === version) return name;
  if (version === '2010-05-08') return 'iam';
  if (version === '2011-06-15') return 'sts';
  return undefined;
}

export function findAction(
  service: QueryServiceName,
  action: string,
): { readonly handler: ActionHandler; readonly allowAnonymous: boolean } | undefined {
  const spec = SERVICES.get(service)?.actions.get(action);
  if (spec === undefined) return undefined;
  return typeof spec === 'function' ? { handler: spec, allowAnonymous: false } : spec;
}
