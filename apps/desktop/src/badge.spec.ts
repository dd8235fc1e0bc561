import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { badgeLabel, overlayAssetFor, presentBadge, shouldAskForAttention } from './badge';

describe('the unread count on the dock and taskbar', () => {
  test('labels: nothing, the count up to 9, 9+, and @ for a mention', () => {
    assert.equal(badgeLabel({ unread: 0, mentions: 0 }), '');
    assert.equal(badgeLabel({ unread: 3, mentions: 0 }), '3');
    assert.equal(badgeLabel({ unread: 10, mentions: 0 }), '9+');
    assert.equal(badgeLabel({ unread: 10, mentions: 1 }), '@');
  });

  test('each platform gets its own form', () => {
    assert.deepEqual(presentBadge({ unread: 0, mentions: 0 }), { count: 0, dockText: '', overlayAsset: null, description: '' });
    assert.deepEqual(presentBadge({ unread: 4, mentions: 0 }), {
      count: 4,
      dockText: '4',
      overlayAsset: 'badge-4.png',
      description: '4 unread',
    });
    assert.deepEqual(presentBadge({ unread: 120, mentions: 2 }), {
      count: 120,
      dockText: '@99+',
      overlayAsset: 'badge-mention.png',
      description: '120 unread, 2 mentioning you',
    });
  });

  test('every overlay the badge can ask for is a PNG in assets/', () => {
    const assets = path.resolve(__dirname, '..', 'assets');
    const labels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+', '@'];
    for (const label of labels) {
      const file = path.join(assets, overlayAssetFor(label)!);
      assert.ok(existsSync(file), `${file} is missing: run npm run icons -w @qc/desktop`);
      assert.deepEqual([...readFileSync(file).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    assert.equal(overlayAssetFor(''), null);
  });

  test('attention is asked for only when more waits and the window is not in front', () => {
    const none = { unread: 0, mentions: 0 };
    assert.equal(shouldAskForAttention(none, { unread: 1, mentions: 0 }, false), true);
    assert.equal(shouldAskForAttention(none, { unread: 1, mentions: 0 }, true), false);
    assert.equal(shouldAskForAttention({ unread: 5, mentions: 0 }, { unread: 3, mentions: 0 }, false), false);
    assert.equal(shouldAskForAttention({ unread: 5, mentions: 0 }, { unread: 5, mentions: 1 }, false), true);
  });
});
