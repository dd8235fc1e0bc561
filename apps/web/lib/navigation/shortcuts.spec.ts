import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApplePlatform, leavesAltArrowsToField, shortcutOf, type KeyPress } from './shortcuts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe('shortcutOf', () => {
  it('Ctrl+K opens the switcher, ⌘K on Apple devices', () => {
    assert.equal(shortcutOf(press('k', { ctrlKey: true }), false), 'switcher');
    assert.equal(shortcutOf(press('K', { ctrlKey: true }), false), 'switcher', 'with Caps Lock on');
    assert.equal(shortcutOf(press('k', { metaKey: true }), true), 'switcher');
    assert.equal(shortcutOf(press('k', { ctrlKey: true }), true), null, "Ctrl+K is the Mac text field's kill-line");
    assert.equal(shortcutOf(press('k', { metaKey: true }), false), null);
    assert.equal(shortcutOf(press('k', { ctrlKey: true, shiftKey: true }), false), null);
    assert.equal(shortcutOf(press('k'), false), null);
  });

  it('Alt+arrows move between rooms, with Shift between unread rooms', () => {
    assert.equal(shortcutOf(press('ArrowUp', { altKey: true }), false), 'room-up');
    assert.equal(shortcutOf(press('ArrowDown', { altKey: true }), true), 'room-down');
    assert.equal(shortcutOf(press('ArrowUp', { altKey: true, shiftKey: true }), false), 'unread-up');
    assert.equal(shortcutOf(press('ArrowDown', { altKey: true, shiftKey: true }), false), 'unread-down');
    assert.equal(shortcutOf(press('ArrowDown'), false), null);
    assert.equal(shortcutOf(press('ArrowDown', { altKey: true, ctrlKey: true }), false), null);
    assert.equal(shortcutOf(press('ArrowLeft', { altKey: true }), false), null, 'Alt+← is the browser going back');
  });

  it('does nothing while an input method is composing', () => {
    assert.equal(shortcutOf(press('ArrowDown', { altKey: true, isComposing: true }), false), null);
    assert.equal(shortcutOf(press('k', { ctrlKey: true, isComposing: true }), false), null);
    assert.equal(shortcutOf(press('Process', { altKey: true, keyCode: 229 }), false), null);
    assert.equal(shortcutOf(press('ArrowDown', { altKey: true, keyCode: 229 }), false), null);
  });
});

describe('leavesAltArrowsToField', () => {
  const field = (text: string, popupOpen = false) => ({ editable: true, text, popupOpen });

  it('leaves the arrows to an open suggestion list, everywhere', () => {
    assert.equal(leavesAltArrowsToField(field('@bo', true), false), true);
    assert.equal(leavesAltArrowsToField(field('@bo', true), true), true);
  });

  it('on a Mac, leaves ⌥↑/↓ to a draft of several lines (paragraph moves), not to a one-line one', () => {
    assert.equal(leavesAltArrowsToField(field('first\nsecond'), true), true);
    assert.equal(leavesAltArrowsToField(field('one line'), true), false);
    assert.equal(leavesAltArrowsToField(field(''), true), false);
  });

  it('elsewhere, Alt+arrows in a text field move between rooms', () => {
    assert.equal(leavesAltArrowsToField(field('first\nsecond'), false), false);
    assert.equal(leavesAltArrowsToField({ editable: false, text: '', popupOpen: false }, true), false);
    assert.equal(leavesAltArrowsToField(null, true), false);
  });
});

describe('isApplePlatform', () => {
  it('tells Apple devices from others', () => {
    assert.equal(isApplePlatform({ platform: 'MacIntel' }), true);
    assert.equal(isApplePlatform({ platform: '', userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)' }), true);
    assert.equal(isApplePlatform({ platform: 'Win32' }), false);
    assert.equal(isApplePlatform({ platform: 'Linux x86_64' }), false);
    assert.equal(isApplePlatform(undefined), false);
  });
});
