/**
 * The playground page in a real browser: playwright-core driving Debian's Chromium (/usr/bin/chromium; a browser
 * is never downloaded). The page loads without console errors, shows the demo (events beside conferences, in
 * sync, the homepage card rendered by the runtime, the live log), and a rename made on the page reaches the
 * conference server. PLAYGROUND_SCREENSHOT=<file> also saves a screenshot (how docs/playground.png is made).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator } from 'playwright-core';
import { ConferenceClient } from '../../local/conference-server/client';
import { freshStateDir, interrupt, type Started, startPlayground } from './helpers';

jest.setTimeout(120_000);

let started: Started;
let browser: BrowserContext;

beforeAll(async () => {
  started = await startPlayground(['--port', '0', '--quiet', '--state-dir', freshStateDir()]);
  await started.waitForLine(/^demo: \d+ conferences, all in sync$/, 90_000);
  // A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1500, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (started) {
    interrupt(started);
    await started.exited;
  }
});

it('shows the demo without console errors, and a rename made on the page reaches the conference server', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(started.pageUrl);

  // The demo: alice's renamed design review, its conference beside it, in sync; the series with its overrides.
  const alice = page.locator('.user[data-user="alice@example.com"]');
  const review = alice.locator('tr', { hasText: 'Design review: checkout flow' });
  await review.locator('.conference-title', { hasText: 'Design review: checkout flow' }).waitFor();
  await expectText(review.locator('.badge'), '✓ in sync');
  await alice.locator('tr', { hasText: 'Team sync' }).locator('.exception').first().waitFor();
  expect(await alice.locator('tr.out-of-sync').count()).toBe(0);
  // The homepage card, rendered from the runtime's CardService.
  await expectText(alice.locator('.card-host .card-title'), 'Conference Sync');
  // The live log (server-sent events) replays the demo.
  await page.locator('#log li.log-step', { hasText: 'alice renames it' }).waitFor();

  const conferenceId = (await review.locator('.conference-title + .when').textContent()) as string;
  const title = 'Renamed on the page';
  page.once('dialog', (d) => d.accept(title));
  await review.locator('button.rename').click();

  const conferences = new ConferenceClient({ baseUrl: started.conferenceBaseUrl, apiKey: started.apiKey });
  const deadline = Date.now() + 15_000;
  let seen = '';
  while (Date.now() < deadline && seen !== title) {
    seen = (await conferences.getConference(conferenceId)).title;
    if (seen !== title) await new Promise((r) => setTimeout(r, 200));
  }
  expect(seen).toBe(title);
  // …and the page shows it in sync again.
  const renamed = alice.locator('tr', { hasText: title });
  await renamed.locator('.conference-title', { hasText: title }).waitFor({ timeout: 15_000 });
  await expectText(renamed.locator('.badge'), '✓ in sync');

  if (process.env.PLAYGROUND_SCREENSHOT) {
    // The toast of the rename would hide part of the page.
    await page.locator('#toast').evaluate((t) => {
      t.hidden = true;
    });
    await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT, fullPage: true });
  }
  expect(problems).toEqual([]);
});

it('creates an event with Conference Sync from the form, and fast-forwards the runtime clock by an hour', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(started.pageUrl);
  await page.locator('.user[data-user="alice@example.com"] tr.in-sync').first().waitFor();

  await page.fill('#new-event [name=summary]', 'Made on the page');
  await page.click('#new-event button[type=submit]');
  const row = page.locator('.user[data-user="alice@example.com"] tr', { hasText: 'Made on the page' });
  await row.locator('.conference-title', { hasText: 'Made on the page' }).waitFor({ timeout: 15_000 });
  await expectText(row.locator('.badge'), '✓ in sync');
  // Bob is a guest by default: his copy shows the same conference.
  await page
    .locator('.user[data-user="bob@example.com"] tr', { hasText: 'Made on the page' })
    .locator('.conference-title')
    .waitFor();

  const before = Date.parse(`${await page.locator('#clock').textContent()}`);
  await page.click('#fast-forward');
  await page.locator('#toast', { hasText: 'time-driven trigger run(s)' }).waitFor();
  await page.waitForFunction(
    // Runs in the page, where `document` exists (the test's own types have no DOM).
    (t) =>
      Date.parse(
        (
          globalThis as unknown as {
            document: { querySelector(s: string): { textContent: string | null } | null };
          }
        ).document.querySelector('#clock')?.textContent ?? '',
      ) -
        t >=
      3_600_000,
    before,
  );
  expect(problems).toEqual([]);
});

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
