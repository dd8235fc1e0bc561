import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reportOutcomeNotice } from './report-outcome';

describe("a reporter's notice", () => {
  test('says a moderator acted or found it within the rules, never what was done to whom', () => {
    assert.match(reportOutcomeNotice({ outcome: 'actioned' }), /took action/);
    assert.match(reportOutcomeNotice({ outcome: 'dismissed' }), /within the rules/);
    assert.match(reportOutcomeNotice({ outcome: 'pending' }), /waiting/);
    for (const outcome of ['actioned', 'dismissed', 'pending'] as const)
      assert.doesNotMatch(reportOutcomeNotice({ outcome }), /mute|ban|remov/i);
  });
});
