#!/usr/bin/env node
// `npm run lighthouse`: Google's Lighthouse (mobile emulation, its default) over the sign-in
// page and an open room of a running product, in Debian's Chromium. Prints the four category
// scores and the metrics the issue tracks; the JSON reports go to e2e/lighthouse-reports/
// (gitignored). Not part of CI: scores move with the machine's load.
//
//   npm run build && QC_DATA_DIR=$(mktemp -d) PORT=3240 npm start &   # the product
//   npm run lighthouse                                               # QC_URL to point elsewhere
//   npm run lighthouse -- --runs 5                                   # each page 5 times, and the median
//
// One run moves by ±10 points here (the product, Chromium and Lighthouse share two cores);
// Lighthouse's own advice is the median of five, which is what `--runs` prints last.
//
// The open room needs a signed-in session. Puppeteer (Lighthouse's own driver) signs a
// fresh person up through the api in the same browser, so the refresh cookie is in the
// profile; Lighthouse is then handed that page and told not to clear storage, and the app
// restores the session on load as it does for anyone coming back.
import lighthouse from 'lighthouse';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.env.QC_URL ?? 'http://127.0.0.1:3240').replace(/\/$/, '');
const outDir = path.join(here, 'lighthouse-reports');
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const browser = await puppeteer.launch({
  executablePath: chromePath,
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function api(page, method, route, body, token) {
  return page.evaluate(
    async ({ method, route, body, token }) => {
      const res = await fetch(`/api/v1${route}`, {
        method,
        credentials: 'include',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    { method, route, body, token },
  );
}

/** A person with a channel holding a screenful of messages; returns the room's URL. */
async function prepareRoom(page) {
  await page.goto(`${base}/login`, { waitUntil: 'networkidle0' });
  const username = `lh_${Date.now().toString(36)}`;
  const { accessToken } = await api(page, 'POST', '/auth/register', {
    username,
    displayName: 'Lighthouse Person',
    password: `pw-${username}-secret`,
  });
  const room = await api(page, 'POST', '/rooms', { kind: 'channel', name: username, topic: 'Measured by Lighthouse' }, accessToken);
  const roomId = room.id ?? room.room?.id;
  const url = `${base}/chat?room=${encodeURIComponent(roomId)}`;
  await page.goto(url, { waitUntil: 'networkidle0' });
  const box = await page.waitForSelector('textarea.composer__input', { timeout: 90_000 });
  for (let i = 1; i <= 12; i += 1) {
    await box.type(`Message ${i}: the quick brown fox jumps over the lazy dog, and **again** with \`code\`.`);
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => globalThis.document.querySelectorAll('[data-testid="message"][data-status="sent"]').length >= 12, {
    timeout: 90_000,
  });
  return url;
}

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg === -1 ? 1 : Number(process.argv[runsArg + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of runs, 1 or more (e.g. --runs 5)');

const KIB = 1024;
function summary(name, lhr) {
  const a = lhr.audits;
  const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const ms = (id) => (a[id]?.numericValue === undefined ? 'n/a' : `${Math.round(a[id].numericValue)} ms`);
  const unusedJs = a['unused-javascript']?.details?.overallSavingsBytes ?? 0;
  const items = a['network-requests']?.details?.items ?? [];
  const transfer = (type) => items.filter((r) => !type || r.resourceType === type).reduce((s, r) => s + (r.transferSize ?? 0), 0);
  const lines = [
    `${name}  (${lhr.finalDisplayedUrl})`,
    `  scores: performance ${score('performance')}, accessibility ${score('accessibility')}, best practices ${score('best-practices')}, SEO ${score('seo')}`,
    `  FCP ${ms('first-contentful-paint')}, LCP ${ms('largest-contentful-paint')}, TBT ${ms('total-blocking-time')}, CLS ${a['cumulative-layout-shift']?.numericValue?.toFixed(3) ?? 'n/a'}, SI ${ms('speed-index')}`,
    `  unused JS ${(unusedJs / KIB).toFixed(1)} KiB; transferred: total ${(transfer() / KIB).toFixed(1)} KiB, JS ${(transfer('Script') / KIB).toFixed(1)} KiB, CSS ${(transfer('Stylesheet') / KIB).toFixed(1)} KiB, document ${(transfer('Document') / KIB).toFixed(1)} KiB, fonts ${(transfer('Font') / KIB).toFixed(1)} KiB`,
  ];
  const opportunities = Object.values(a)
    .filter((x) => x.details?.type === 'opportunity' && (x.score ?? 1) < 0.9)
    .sort((x, y) => (y.details.overallSavingsMs ?? 0) - (x.details.overallSavingsMs ?? 0));
  for (const o of opportunities) {
    const kib = o.details.overallSavingsBytes ? `, ${(o.details.overallSavingsBytes / KIB).toFixed(1)} KiB` : '';
    lines.push(`  opportunity: ${o.title} (${Math.round(o.details.overallSavingsMs ?? 0)} ms${kib})`);
  }
  const failed = Object.values(lhr.categories)
    .filter((c) => c.id !== 'performance')
    .flatMap((c) =>
      c.auditRefs.filter((r) => r.weight > 0 && a[r.id]?.score !== null && a[r.id]?.score < 1).map((r) => `${c.id}: ${a[r.id].title}`),
    );
  for (const f of failed) lines.push(`  failed audit: ${f}`);
  return lines.join('\n');
}

/** The run whose performance score is the median, and every run's score, as Lighthouse advises reading several. */
function median(name, lhrs) {
  const byScore = [...lhrs].sort((x, y) => x.categories.performance.score - y.categories.performance.score);
  const mid = byScore[Math.floor((byScore.length - 1) / 2)];
  const scores = lhrs.map((l) => Math.round(l.categories.performance.score * 100)).join(', ');
  return `${summary(`${name}: median of ${lhrs.length} runs (performance ${scores})`, mid)}`;
}

try {
  await mkdir(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const page = await browser.newPage();
  const roomUrl = await prepareRoom(page);
  const targets = [
    // Signed out in a fresh context: the sign-in page as a new visitor gets it.
    { name: 'sign-in', url: `${base}/login`, page: await (await browser.createBrowserContext()).newPage() },
    { name: 'open room', url: roomUrl, page },
  ];
  for (const t of targets) {
    const lhrs = [];
    for (let run = 1; run <= runs; run += 1) {
      // Storage stays (it holds the session) but the HTTP cache goes, so every asset is fetched as on a first visit.
      const cdp = await t.page.createCDPSession();
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
      let result;
      // Lighthouse sometimes fails to record its own trace (NO_NAVSTART, NO_FCP): its report then
      // scores 0, which says nothing about the page. Such a run is done again, at most twice.
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        result = await lighthouse(t.url, { output: 'json', logLevel: 'error', disableStorageReset: true }, undefined, t.page);
        if (!result) throw new Error(`Lighthouse returned nothing for ${t.url}`);
        if (!result.lhr.runtimeError) break;
        console.log(
          `  ${t.name}, run ${run}: Lighthouse could not measure (${result.lhr.runtimeError.code}); ${attempt < 3 ? 'again' : 'giving up'}`,
        );
      }
      if (result.lhr.runtimeError) throw new Error(`Lighthouse failed three times on ${t.url}: ${result.lhr.runtimeError.message}`);
      const file = path.join(outDir, `${stamp}-${t.name.replace(/\s+/g, '-')}${runs > 1 ? `-run${run}` : ''}.json`);
      await writeFile(file, result.report);
      console.log(summary(runs > 1 ? `${t.name}, run ${run} of ${runs}` : t.name, result.lhr));
      console.log(`  report: ${path.relative(process.cwd(), file)}\n`);
      lhrs.push(result.lhr);
    }
    if (runs > 1) console.log(`${median(t.name, lhrs)}\n`);
  }
} finally {
  await browser.close();
}
