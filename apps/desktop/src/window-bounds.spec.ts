import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIZE, MIN_SIZE, restoreBounds } from './window-bounds';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const monitorRight = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('where the desktop window opens', () => {
  test('first start: centred on the primary screen at the default size', () => {
    assert.deepEqual(restoreBounds(undefined, [laptop], laptop), {
      x: (1440 - DEFAULT_SIZE.width) / 2,
      y: Math.round((875 - DEFAULT_SIZE.height) / 2),
      ...DEFAULT_SIZE,
      maximized: false,
    });
  });

  test('where it was, on the second monitor, while that monitor is there', () => {
    const saved = { x: 2000, y: 100, width: 1000, height: 900, maximized: false };
    assert.deepEqual(restoreBounds(saved, [laptop, monitorRight], laptop), saved);
  });

  test('the second monitor unplugged: back on the laptop screen, still maximized if it was', () => {
    const saved = { x: 2000, y: 100, width: 1000, height: 900, maximized: true };
    const restored = restoreBounds(saved, [laptop], laptop);
    assert.equal(restored.maximized, true);
    assert.ok(restored.x >= 0 && restored.x + restored.width <= 1440);
  });

  test('a title bar pushed above the screen cannot be grabbed: moved back', () => {
    const saved = { x: 100, y: -600, width: 1000, height: 700, maximized: false };
    assert.notEqual(restoreBounds(saved, [laptop], laptop).y, -600);
  });

  test('a window saved smaller than the minimum opens at the minimum', () => {
    const restored = restoreBounds({ x: 0, y: 0, width: 10, height: 10, maximized: false }, [laptop], laptop);
    assert.deepEqual([restored.width, restored.height], [MIN_SIZE.width, MIN_SIZE.height]);
  });

  test('a screen smaller than the default size: the window fits it', () => {
    const small = { x: 0, y: 0, width: 1024, height: 600 };
    const restored = restoreBounds(undefined, [small], small);
    assert.deepEqual([restored.x, restored.y, restored.width, restored.height], [0, 0, 1024, 600]);
  });
});
