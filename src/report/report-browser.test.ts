/**
 * report.html as a person sees it: a real campaign's report opened in headless Chromium, offline. The test
 * asserts on what is shown (summary numbers, a finding bucket with its replay command and both sides, the
 * throughput chart, the coverage matrix with never-reached cells highlighted) and leaves a screenshot in
 * reports/report-screenshot.png. Without Chromium it fails and says how to install it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../campaign/run-campaign.ts';
import { testCampaign } from '../campaign/test-options.ts';
import type { CampaignResult } from '../campaign/campaign-options.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// --disable-dev-shm-usage: containers (CI's Debian image) give /dev/shm too little room for Chromium.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = join(import.meta.dirname, '..', '..', 'reports', 'report-screenshot.png');

let browser: Browser;
let campaign: CampaignResult;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the HTML report test needs it. Install it with ` +
        '"apt-get update && apt-get install -y chromium" (CI\'s .ci/run does), or set CHROMIUM_PATH.',
    );
  }
  [browser, campaign] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    runCampaign(testCampaign({ machine: 'broken:large-offset-mask', properties: ['translation', 'faults'], runs: 16, seed: 7, maxFindings: 3, limits: { shrinkEvaluations: 60, shrinkTimeMs: 20_000 } })),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('report.html in a browser', () => {
  it('shows the summary, a bucket, the throughput and the coverage matrix, offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(campaign.out, 'report.html')).href;
    await page.goto(url);

    const r = campaign.report;
    const field = (name: string) => page.locator(`[data-field="${name}"]`).innerText();
    expect(await field('cases')).toBe(String(r.outcome.cases));
    expect(await field('inconclusive')).toBe(String(r.outcome.inconclusiveCases));
    expect(await field('findings')).toBe(String(r.outcome.findings));
    expect(await field('buckets')).toBe(String(r.buckets.length));
    expect(await field('seed')).toBe('7');
    expect(await page.locator('.verdict.fail').innerText()).toMatch(/\d+ finding\(s\) in \d+ bucket\(s\)/);

    const bucket = page.locator('section.bucket').first();
    const first = r.buckets[0]!;
    expect(await bucket.locator('h3').innerText()).toBe(first.signature);
    expect(await bucket.locator('code.replay').innerText()).toMatch(new RegExp(`^npx xlatcheck replay \\S*findings/${first.representative}\\.json$`));
    expect(await bucket.locator('.spec-side, .sides > div').first().innerText()).toContain('Specification');
    expect(await bucket.locator('.sides > div').nth(1).innerText()).toContain('Machine broken:large-offset-mask');
    expect(await bucket.locator('details.shrunk pre').innerText()).toMatch(/^trace \(MAXPHYADDR \d+\)/);
    expect(await bucket.locator('details.shrunk pre').isVisible()).toBe(true);

    expect(await page.locator('#throughput svg').count()).toBe(1);

    const matrix = page.locator('table.coverage[data-matrix="walk"]');
    expect(await matrix.isVisible()).toBe(true);
    const reached = matrix.locator('td.hit').first();
    expect(Number(await reached.innerText())).toBeGreaterThan(0);
    const never = matrix.locator('td.never').first();
    expect(await never.innerText()).toBe('0');
    // Runs in the page; the project's TypeScript has no DOM library, hence the cast.
    type Styles = { getComputedStyle(e: unknown): { backgroundColor: string } };
    const colours = await Promise.all([never, reached].map((cell) => cell.evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).backgroundColor)));
    expect(colours[0]).toBe('rgb(255, 217, 214)');
    expect(colours[0]).not.toBe(colours[1]);

    // Self-contained: nothing but the file itself was requested.
    expect(requests).toEqual([url]);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
