import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { applyThemeChoice, readThemeChoice, saveThemeChoice, THEME_BOOT_SCRIPT, THEME_STORAGE_KEY } from './theme';

/* Dark mode: the choice, the script that applies it before the first paint, and the colours themselves. */

const STYLES = path.resolve(__dirname, '../../../app/styles');
const css = (file: string) => readFileSync(path.join(STYLES, file), 'utf8');

/** `--name: value;` declarations of one block's text. */
function tokens(block: string): Map<string, string> {
  return new Map([...block.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim().toLowerCase()]));
}
function blockAfter(text: string, selector: string): string {
  const start = text.indexOf(`${selector} {`);
  assert.ok(start >= 0, `no "${selector} {" block`);
  return text.slice(start, text.indexOf('}', start));
}

const light = tokens(blockAfter(css('base.css'), ':root'));
const theme = css('theme.css');
const darkByAttribute = tokens(blockAfter(theme, ":root[data-theme='dark']"));
const darkBySystem = tokens(blockAfter(theme, ":root:not([data-theme='light'])"));
const dark = new Map([...light, ...darkByAttribute]);

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/.exec(hex);
  assert.ok(m, `not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(m[1]!.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
/** WCAG 2 contrast ratio. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Text token on background token, as the stylesheets pair them. */
const TEXT_PAIRS: [string, string][] = [
  ['--text', '--bg'],
  ['--text', '--bg-soft'],
  ['--text', '--bg-hover'],
  ['--text', '--accent-soft'],
  ['--text-muted', '--bg'],
  ['--text-muted', '--bg-soft'],
  ['--text-muted', '--bg-hover'],
  ['--accent', '--bg'],
  ['--accent', '--bg-soft'],
  ['--accent', '--accent-soft'],
  ['--on-accent', '--accent'],
  ['--on-accent', '--accent-hover'],
  ['--danger', '--bg'],
  ['--danger', '--danger-soft'],
  ['--success', '--bg'],
  ['--badge-text', '--badge-bg'],
  ['--new-line', '--bg'],
  ['--sidebar-text', '--sidebar-bg'],
  ['--sidebar-text', '--sidebar-hover'],
  ['--sidebar-muted', '--sidebar-bg'],
  ['--sidebar-muted', '--sidebar-hover'],
  ['--sidebar-strong', '--sidebar-active'],
  ['--sidebar-strong', '--sidebar-hover'],
  ['--sidebar-error', '--sidebar-bg'],
  ['--banner-text', '--banner-bg'],
  ['--toast-text', '--toast-bg'],
];

describe('colours', () => {
  for (const [name, palette] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    test(`${name}: every text colour is at least 4.5:1 on the backgrounds it is used on (WCAG AA)`, () => {
      const failing = TEXT_PAIRS.map(([fg, bg]) => [fg, bg, contrast(palette.get(fg)!, palette.get(bg)!)] as const).filter(
        ([, , ratio]) => ratio < 4.5,
      );
      assert.deepEqual(
        failing.map(([fg, bg, ratio]) => `${fg} on ${bg}: ${ratio.toFixed(2)}`),
        [],
      );
    });

    test(`${name}: field outlines are at least 3:1 against the page (WCAG non-text contrast)`, () => {
      assert.ok(contrast(palette.get('--input-border')!, palette.get('--bg')!) >= 3);
    });
  }

  test('dark mode by the system and by the settings toggle are the same colours', () => {
    assert.deepEqual([...darkBySystem].sort(), [...darkByAttribute].sort());
  });

  test('dark mode changes every background and text colour of the light theme, and names no token light lacks', () => {
    for (const token of darkByAttribute.keys()) assert.ok(light.has(token), `${token} has no light value in base.css`);
    for (const token of ['--bg', '--bg-soft', '--bg-hover', '--text', '--text-muted', '--border', '--accent', '--accent-soft'])
      assert.notEqual(dark.get(token), light.get(token), token);
    assert.ok(luminance(dark.get('--bg')!) < 0.05, 'a dark background');
    assert.ok(luminance(light.get('--bg')!) > 0.9, 'a light background');
  });
});

/** A page as the boot script sees it: <html>'s attributes, localStorage, storage events. */
function page(stored: string | null | 'throws') {
  const attributes = new Map<string, string>();
  const listeners: ((e: { key: string | null }) => void)[] = [];
  let value = stored;
  const context = {
    document: {
      documentElement: {
        setAttribute: (k: string, v: string) => attributes.set(k, v),
        removeAttribute: (k: string) => attributes.delete(k),
      },
    },
    localStorage: {
      getItem: (key: string) => {
        if (value === 'throws') throw new Error('SecurityError');
        return key === THEME_STORAGE_KEY ? value : null;
      },
    },
    addEventListener: (type: string, fn: (e: { key: string | null }) => void) => type === 'storage' && listeners.push(fn),
  };
  runInNewContext(THEME_BOOT_SCRIPT, context);
  return {
    theme: () => attributes.get('data-theme'),
    otherTabSets(next: string | null) {
      value = next;
      for (const fn of listeners) fn({ key: THEME_STORAGE_KEY });
    },
  };
}

describe('the boot script', () => {
  test('shows a remembered Light or Dark before anything renders', () => {
    assert.equal(page('dark').theme(), 'dark');
    assert.equal(page('light').theme(), 'light');
  });

  test("leaves the system's setting in charge with no choice, a stray value, or no storage at all", () => {
    assert.equal(page(null).theme(), undefined);
    assert.equal(page('purple').theme(), undefined);
    assert.equal(page('throws').theme(), undefined);
  });

  test('follows a choice made in another tab', () => {
    const p = page('light');
    p.otherTabSets('dark');
    assert.equal(p.theme(), 'dark');
    p.otherTabSets(null);
    assert.equal(p.theme(), undefined);
  });
});

describe('the choice', () => {
  function memoryStorage() {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
  }

  test('is System until Light or Dark is saved; saving System forgets the choice', () => {
    const store = memoryStorage();
    assert.equal(readThemeChoice(store), 'system');
    saveThemeChoice('dark', store);
    assert.equal(readThemeChoice(store), 'dark');
    saveThemeChoice('system', store);
    assert.equal(store.data.size, 0);
    store.data.set(THEME_STORAGE_KEY, 'sepia');
    assert.equal(readThemeChoice(store), 'system');
  });

  test('is shown as data-theme on <html>, and none for System', () => {
    const attrs = new Map<string, string>();
    const root = { setAttribute: (k: string, v: string) => void attrs.set(k, v), removeAttribute: (k: string) => void attrs.delete(k) };
    applyThemeChoice('light', root);
    assert.equal(attrs.get('data-theme'), 'light');
    applyThemeChoice('system', root);
    assert.equal(attrs.has('data-theme'), false);
  });
});
