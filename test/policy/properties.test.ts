// Properties of the decision that must hold for every policy set and request (fast-check).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compilePolicyText, type CompiledPolicy } from '../../src/policy/compile.js';
import { decide, type PolicySet } from '../../src/policy/decide.js';
import { explain } from '../../src/policy/explain.js';
import type { PolicyType } from '../../src/policy/model.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { policyArb, requestArb, statementArb } from './support/vocabulary.js';

function compiled(doc: unknown, type: PolicyType, id: string = type): CompiledPolicy {
  const r = compilePolicyText(doc, { id, type });
  if (!r.ok) throw new Error(`generated policy did not compile: ${JSON.stringify(r.problems)}`);
  return r.policy;
}

const policySetArb = fc
  .record({
    identity: fc.array(policyArb(false), { maxLength: 2 }),
    resource: fc.option(policyArb(true), { nil: undefined }),
    boundary: fc.option(policyArb(false), { nil: undefined }),
    session: fc.array(policyArb(false), { maxLength: 2 }),
    scp: fc.option(policyArb(false), { nil: undefined }),
  })
  .map((s): PolicySet => ({
    identity: s.identity.map((d, i) => compiled(d, 'identity', `identity${i}`)),
    resource: s.resource ? compiled(s.resource, 'resource') : null,
    boundary: s.boundary ? compiled(s.boundary, 'boundary') : null,
    session: s.session.map((d, i) => compiled(d, 'session', `session${i}`)),
    scp: s.scp ? [[compiled(s.scp, 'scp')]] : [],
  }));

const RUNS = 3000;

test('adding a Deny statement never widens access', () => {
  fc.assert(
    fc.property(policySetArb, requestArb, statementArb(false, 'Deny'), (set, req, deny) => {
      const before = decide(req, set);
      const denyPolicy = compiled({ Version: '2012-10-17', Statement: [deny] }, 'identity', 'extra-deny');
      const after = decide(req, { ...set, identity: [...(set.identity ?? []), denyPolicy] });
      if (after.decision === 'Allowed') assert.equal(before.decision, 'Allowed');
      if (before.decision !== 'Allowed') assert.notEqual(after.decision, 'Allowed');
    }),
    { numRuns: RUNS },
  );
});

test('adding a Deny to a resource policy never widens access', () => {
  fc.assert(
    fc.property(policySetArb, requestArb, statementArb(true, 'Deny'), (set, req, deny) => {
      const before = decide(req, set);
      const statements = [...(set.resource?.document ? rawStatements(set.resource) : []), deny];
      const after = decide(req, {
        ...set,
        resource: compiled({ Version: '2012-10-17', Statement: statements }, 'resource'),
      });
      if (after.decision === 'Allowed') assert.equal(before.decision, 'Allowed');
    }),
    { numRuns: RUNS },
  );
});

test("a session policy never widens a role session's access", () => {
  fc.assert(
    fc.property(policySetArb, requestArb, policyArb(false), (set, req, sessionDoc) => {
      const without = decide(req, { ...set, session: [] });
      const withSession = decide(req, { ...set, session: [compiled(sessionDoc, 'session')] });
      if (withSession.decision === 'Allowed') assert.equal(without.decision, 'Allowed');
    }),
    { numRuns: RUNS },
  );
});

test('the explaining path always reaches the same decision as the fast path', () => {
  fc.assert(
    fc.property(policySetArb, requestArb, (set, req) => {
      const fast = decide(req, set);
      const slow = explain(req, set);
      assert.deepEqual(
        {
          d: slow.decision,
          by: slow.deniedBy,
          x: slow.explicit,
          p: slow.policyId,
          s: slow.statement,
          r: slow.rule,
        },
        {
          d: fast.decision,
          by: fast.deniedBy,
          x: fast.explicit,
          p: fast.policyId,
          s: fast.statement,
          r: fast.rule,
        },
      );
    }),
    { numRuns: RUNS },
  );
});

// Mutations that make a valid document invalid; each must be rejected, never silently accepted.
const BREAKERS: { name: string; apply(doc: { Statement: Record<string, unknown>[] }): void }[] = [
  { name: 'lower-case effect', apply: (d) => void (d.Statement[0]!.Effect = 'allow') },
  { name: 'effect with a trailing space', apply: (d) => void (d.Statement[0]!.Effect = 'Allow ') },
  { name: 'action with a space', apply: (d) => void (d.Statement[0]!.Action = ['Oss: GetObject']) },
  { name: 'action without vendor', apply: (d) => void (d.Statement[0]!.Action = ['GetObject']) },
  { name: 'no action', apply: (d) => void delete d.Statement[0]!.Action },
  { name: 'both Action and NotAction', apply: (d) => void (d.Statement[0]!.NotAction = 's3:GetObject') },
  { name: 'no resource', apply: (d) => void delete d.Statement[0]!.Resource },
  { name: 'resource not an ARN', apply: (d) => void (d.Statement[0]!.Resource = 'bucket/key') },
  { name: 'principal in an identity policy', apply: (d) => void (d.Statement[0]!.Principal = '*') },
  { name: 'unknown element', apply: (d) => void (d.Statement[0]!.Effects = 'Allow') },
  {
    name: 'unknown operator',
    apply: (d) => void (d.Statement[0]!.Condition = { StringEqual: { 'aws:username': 'a' } }),
  },
  {
    name: 'NullIfExists',
    apply: (d) => void (d.Statement[0]!.Condition = { NullIfExists: { 'aws:username': 'true' } }),
  },
  { name: 'empty action list', apply: (d) => void (d.Statement[0]!.Action = []) },
  { name: 'number as effect', apply: (d) => void (d.Statement[0]!.Effect = 1) },
];

test('a policy that does not parse is never silently accepted', () => {
  fc.assert(
    fc.property(policyArb(false), fc.constantFrom(...BREAKERS), fc.boolean(), (doc, breaker, asText) => {
      const broken = structuredClone(doc) as unknown as { Statement: Record<string, unknown>[] };
      breaker.apply(broken);
      const result = parsePolicy(asText ? JSON.stringify(broken, null, 2) : broken, { type: 'identity' });
      assert.equal(result.ok, false, `accepted a policy with ${breaker.name}`);
      if (!result.ok) {
        assert.ok(result.problems.length > 0);
        for (const p of result.problems) assert.match(p.message, /\S/);
        if (asText)
          assert.ok(
            result.problems.some((p) => p.line !== undefined),
            'text input problems carry a line',
          );
      }
    }),
    { numRuns: RUNS },
  );
});

test('every generated valid policy is accepted (the generator and the parser agree)', () => {
  fc.assert(
    fc.property(policyArb(false), (doc) => {
      const result = parsePolicy(doc, { type: 'identity' });
      assert.equal(result.ok, true, JSON.stringify(!result.ok && result.problems));
    }),
    { numRuns: 500 },
  );
});

function rawStatements(p: CompiledPolicy): unknown[] {
  // Rebuild the JSON statements of a generated resource policy from its parsed form.
  return p.document.statements.map((s) => ({
    Effect: s.effect,
    ...(s.principal !== undefined ? { Principal: s.principal } : {}),
    Action: s.action,
    Resource: s.resource,
    ...(s.conditions.length > 0
      ? {
          Condition: Object.fromEntries(s.conditions.map((c) => [c.operator, { [c.key]: c.values }])),
        }
      : {}),
  }));
}
