// The text report under the policy: evidence and window, denied attempts, warnings about older
// records and OSS requests, and the unused-access sections in each of their forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Evidence } from '../../../src/diagnostics/generate/evidence.js';
import { buildReport, renderReport } from '../../../src/diagnostics/generate/report.js';
import type { GrantUse } from '../../../src/diagnostics/generate/unused.js';

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const window = { since: new Date('2026-11-16T00:00:00.000Z'), until: new Date('2026-11-23T00:00:00.000Z') };
const evidence = (extra: Partial<Evidence> = {}): Evidence => ({
  used: [],
  denied: [],
  requests: 1,
  deniedRequests: 0,
  principals: [ALICE],
  incomplete: 0,
  alibabaRequests: 0,
  first: '2026-11-20T00:00:00.000Z',
  last: '2026-11-20T00:00:00.000Z',
  ...extra,
});
const grant = (action: string, resource: string, usedActions: string[] = []): GrantUse => ({
  policy: 'user alice inline policy p',
  statement: 'S',
  action,
  resource,
  conditional: false,
  usedActions,
});
const unused = (u: GrantUse[], w: GrantUse[], policies = ['user alice inline policy p']) => ({
  principal: ALICE,
  policies,
  unused: u,
  wildcards: w,
  problems: [],
});

describe('renderReport', () => {
  it('evidence, window and warnings', () => {
    const text = renderReport(
      buildReport(evidence({ incomplete: 2, alibabaRequests: 3, requests: 1 }), null, window, null, [
        'a note',
      ]),
    );
    assert.equal(
      text,
      [
        `Evidence: 1 allowed request by ${ALICE}`,
        '  window 2026-11-16T00:00:00.000Z .. 2026-11-23T00:00:00.000Z (first 2026-11-20T00:00:00.000Z, last 2026-11-20T00:00:00.000Z)',
        'Warning: 2 older record(s) name only the deciding authorization of a request that needed several; the policy may miss some of their actions.',
        'Note: 3 Alibaba Cloud (OSS, STS) request(s) are not covered (the policy is in the AWS language).',
        'Note: a note',
        '',
      ].join('\n'),
    );
  });

  it('nothing unused, but a wildcard used in part', () => {
    const text = renderReport(
      buildReport(
        evidence(),
        null,
        window,
        unused([], [grant('s3:*', 'arn:aws:s3:::b/*', ['s3:GetObject'])]),
        [],
      ),
    );
    assert.match(text, /Unused access: none; every statement granted to .* was used in the window\.\n/);
    assert.match(
      text,
      /Wildcards and the only actions used under them \(narrow them to these\):\n {2}user alice inline policy p, statement S:\n {4}s3:\* on arn:aws:s3:::b\/\*: used only s3:GetObject\n/,
    );
  });

  it('unused pairs grouped by statement; a principal without policies says so', () => {
    const text = renderReport(
      buildReport(
        evidence(),
        null,
        window,
        unused([grant('iam:GetUser', '*'), grant('s3:GetObject', '*')], []),
        [],
      ),
    );
    assert.match(
      text,
      /Unused access \(granted to .*, not used in the window\):\n {2}user alice inline policy p, statement S:\n {4}iam:GetUser on \*\n {4}s3:GetObject on \*\n/,
    );
    assert.doesNotMatch(text, /Wildcards/);
    const none = renderReport(buildReport(evidence(), null, window, unused([], [], []), []));
    assert.match(none, /Unused access: arn:aws:iam::111122223333:user\/alice has no identity policies\./);
  });
});
