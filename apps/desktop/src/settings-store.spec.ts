import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSettings, writeSettings } from './settings-store';

const folder = () => mkdtempSync(path.join(tmpdir(), 'qc-desktop-'));

describe("the desktop shell's settings file", () => {
  test('missing: empty settings, no complaint', () => {
    assert.deepEqual(readSettings(path.join(folder(), 'settings.json')), { settings: {}, problem: null });
  });

  test('written and read back; the folder is made; nothing temporary is left; only the owner can read it', () => {
    const file = path.join(folder(), 'nested', 'settings.json');
    const settings = { url: 'https://chat.example', window: { x: 10, y: 20, width: 900, height: 700, maximized: true } };
    writeSettings(file, settings);
    assert.deepEqual(readSettings(file), { settings, problem: null });
    assert.deepEqual(readdirSync(path.dirname(file)), ['settings.json']);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('not JSON: the defaults, and a message saying to fix or delete it', () => {
    const file = path.join(folder(), 'settings.json');
    writeFileSync(file, '{"url": ');
    const { settings, problem } = readSettings(file);
    assert.deepEqual(settings, {});
    assert.match(problem ?? '', /is not JSON; using the defaults\. Fix or delete it\./);
  });

  test('the wrong shape: the defaults, and the field named', () => {
    const file = path.join(folder(), 'settings.json');
    writeFileSync(file, JSON.stringify({ window: { x: 1, y: 2, width: -5, height: 3 } }));
    const { settings, problem } = readSettings(file);
    assert.deepEqual(settings, {});
    assert.match(problem ?? '', /window\.width/);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).window.width, -5, 'a bad file is reported, not overwritten');
  });
});
