import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmationMatches, fileNameFrom } from './my-data';

describe('fileNameFrom', () => {
  it("takes the server's file name from Content-Disposition", () => {
    assert.equal(fileNameFrom('attachment; filename="quantum-chat-ann-2030-01-02.json"'), 'quantum-chat-ann-2030-01-02.json');
  });

  it('falls back to a plain name when there is none, or it could climb out of the downloads folder', () => {
    for (const header of [null, '', 'attachment', 'attachment; filename="../../etc/passwd"', 'attachment; filename="a b;c.json"']) {
      assert.equal(fileNameFrom(header), 'quantum-chat-export.json', String(header));
    }
  });
});

describe('confirmationMatches', () => {
  it('asks for the username exactly, ignoring spaces around it and letter case', () => {
    assert.equal(confirmationMatches('  Ann.B ', 'ann.b'), true);
    assert.equal(confirmationMatches('ann', 'ann.b'), false);
    assert.equal(confirmationMatches('', 'ann.b'), false);
    assert.equal(confirmationMatches('ann.b.', 'ann.b'), false);
  });
});
