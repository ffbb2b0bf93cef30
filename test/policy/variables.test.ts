import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextFrom } from '../../src/policy/request.js';
import {
  describeUnresolved,
  hasVariables,
  parseTemplate,
  resolveTemplate,
  resolveVariable,
  unresolvedVariable,
} from '../../src/policy/variables.js';

describe('parseTemplate', () => {
  const cases: Array<[string, unknown[]]> = [
    ['plain', [{ kind: 'text', text: 'plain' }]],
    ['', []],
    [
      'home/${aws:username}/*',
      [
        { kind: 'text', text: 'home/' },
        {
          kind: 'variable',
          variable: { text: '${aws:username}', key: 'aws:username', lookup: 'aws:username' },
        },
        { kind: 'text', text: '/*' },
      ],
    ],
    [
      '${aws:PrincipalTag/Team}',
      [
        {
          kind: 'variable',
          variable: {
            text: '${aws:PrincipalTag/Team}',
            key: 'aws:PrincipalTag/Team',
            lookup: 'aws:principaltag/team',
          },
        },
      ],
    ],
    [
      "${s3:prefix, 'none'}",
      [
        {
          kind: 'variable',
          variable: {
            text: "${s3:prefix, 'none'}",
            key: 's3:prefix',
            lookup: 's3:prefix',
            defaultValue: 'none',
          },
        },
      ],
    ],
    [
      "${s3:prefix,'a}b'}x",
      [
        {
          kind: 'variable',
          variable: {
            text: "${s3:prefix,'a}b'}",
            key: 's3:prefix',
            lookup: 's3:prefix',
            defaultValue: 'a}b',
          },
        },
        { kind: 'text', text: 'x' },
      ],
    ],
    [
      "${ s3:prefix ,  '' }",
      [
        {
          kind: 'variable',
          variable: { text: "${ s3:prefix ,  '' }", key: 's3:prefix', lookup: 's3:prefix', defaultValue: '' },
        },
      ],
    ],
    [
      'a${*}b${?}c${$}',
      [
        { kind: 'text', text: 'a' },
        { kind: 'literal', text: '*' },
        { kind: 'text', text: 'b' },
        { kind: 'literal', text: '?' },
        { kind: 'text', text: 'c' },
        { kind: 'literal', text: '$' },
      ],
    ],
    ['${}', [{ kind: 'text', text: '${}' }]],
    ['${a b}', [{ kind: 'text', text: '${a b}' }]],
    ['${open', [{ kind: 'text', text: '${open' }]],
    ['${k, unquoted}', [{ kind: 'text', text: '${k, unquoted}' }]],
    [
      '$${k}',
      [
        { kind: 'text', text: '$' },
        { kind: 'variable', variable: { text: '${k}', key: 'k', lookup: 'k' } },
      ],
    ],
  ];
  for (const [source, expected] of cases) {
    it(JSON.stringify(source), () => {
      assert.deepEqual(parseTemplate(source), expected);
    });
  }

  it('hasVariables ignores escapes', () => {
    assert.equal(hasVariables(parseTemplate('a${*}')), false);
    assert.equal(hasVariables(parseTemplate('a${aws:username}')), true);
  });
});

describe('resolveVariable / resolveTemplate', () => {
  const ctx = contextFrom({
    'aws:username': 'alice',
    'one:list': ['x'],
    'empty:list': [],
    'many:list': ['x', 'y'],
  });
  const [v] = parseTemplate("${missing, 'dflt'}");
  const cases: Array<[string, string | undefined]> = [
    ['${aws:username}', 'alice'],
    ['${AWS:USERNAME}', 'alice'],
    ['${missing}', undefined],
    ["${missing, 'dflt'}", 'dflt'],
    ['${one:list}', 'x'],
    ['${empty:list}', undefined],
    ["${empty:list, 'd'}", 'd'],
    ['${many:list}', undefined],
    ["${many:list, 'd'}", undefined], // several values: the default does not apply
    ['home/${aws:username}/${*}', 'home/alice/*'],
    ['home/${missing}/x', undefined],
  ];
  for (const [template, expected] of cases) {
    it(`${template} → ${String(expected)}`, () => {
      assert.equal(resolveTemplate(parseTemplate(template), ctx), expected);
    });
  }

  it('without a context only defaults resolve', () => {
    assert.ok(v?.kind === 'variable');
    assert.equal(resolveVariable(v.variable, undefined), 'dflt');
    assert.equal(resolveTemplate(parseTemplate('${aws:username}'), undefined), undefined);
  });

  it('names the unresolved variable and why', () => {
    const parts = parseTemplate('${aws:username}/${many:list}/${missing}');
    const first = unresolvedVariable(parts, ctx);
    assert.equal(first?.text, '${many:list}');
    assert.equal(
      describeUnresolved(first!, ctx),
      '${many:list} has several values ["x","y"], so the value never matches',
    );
    const missing = unresolvedVariable(parseTemplate('${aws:username}'), contextFrom({}));
    assert.equal(
      describeUnresolved(missing!, contextFrom({})),
      '${aws:username} is missing from the request, so the value never matches',
    );
  });
});
