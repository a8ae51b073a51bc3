/// <reference lib="dom" />
/**
 * The HTML report in a real headless browser (Debian's Chromium, driven by playwright-core): it renders, its
 * summary is visible, a screenshot is not blank, and the page asks the network for nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, createOrganization, freshAccount, motoUrl, noMoto, runCli, workDir } from './support/moto.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const noBrowser = !existsSync(CHROMIUM);
if (noBrowser && process.env.CI === 'true') throw new Error(`CI needs Chromium at ${CHROMIUM} (.ci/run installs the Debian package)`);

describe.skipIf(noMoto || noBrowser)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Flags for a closed network and a root user: no sandbox, no background connections to Google's hosts.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => browser?.close());

  /** Opens the file, records every request beyond the file itself, and looks at the rendered pixels. */
  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const cspViolations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && cspViolations.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const png = await page.screenshot({ fullPage: false });
    // Distinct colours in the screenshot, counted by the browser from the PNG — in a blank page of its own, since
    // the report's CSP rightly forbids even a data: image.
    const probe = await browser.newPage();
    const colours = await probe.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d') as CanvasRenderingContext2D;
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, img.width, img.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 7) seen.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
      return seen.size;
    }, png.toString('base64'));
    await probe.close();
    return { page, requests: requests.filter((u) => u !== pathToFileURL(file).href && !u.startsWith('data:')), colours, cspViolations };
  }

  it('one account: renders, the summary and the failing checks are visible, nothing is fetched', async () => {
    const creds = await freshAccount();
    const file = join(workDir(), 'audit.html');
    const r = await runCli(['audit', '--endpoint-url', motoUrl, '--report', `html=${file}`], { env: cliEnv(creds) });
    expect(r.code).toBe(1);
    const { page, requests, colours, cspViolations } = await open(file);
    expect(await page.title()).toBe(`IAM audit of account ${creds.accountId}`);
    expect(await page.locator('.headline').isVisible()).toBe(true);
    expect(await page.locator('.headline').innerText()).toMatch(/^\d+ pass, \d+ fail, \d+ error, \d+ skip$/);
    expect(await page.locator(`#a${creds.accountId}-account-alias`).isVisible()).toBe(true);
    expect(await page.locator('svg.donut').first().isVisible()).toBe(true);
    expect(requests).toEqual([]);
    expect(cspViolations).toEqual([]);
    // A blank page is one colour; this one has text, badges and the ring in several.
    expect(colours).toBeGreaterThan(20);
    await page.close();
  });

  it('an Organization: the accounts × checks grid, sortable without script, cells linking to their detail', async () => {
    const creds = await freshAccount();
    await createOrganization(creds, ['member-a']);
    const file = join(workDir(), 'org.html');
    const r = await runCli(['audit', '--org', '--check', 'account-alias', '--check', 'password-policy', '--endpoint-url', motoUrl, '--report', `html=${file}`], { env: cliEnv(creds) });
    expect(r.code).toBe(1);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script/i);
    const { page, requests } = await open(file);
    expect(await page.locator('.org h2').innerText()).toBe('Accounts at a glance');
    expect(await page.locator('.grid .row:not(.head)').count()).toBe(2);
    const cell = page.locator(`a.cell[href="#a${creds.accountId}-account-alias"]`);
    expect(await cell.isVisible()).toBe(true);
    await cell.click();
    expect(new URL(page.url()).hash).toBe(`#a${creds.accountId}-account-alias`);
    // Sorting is CSS: each row's order is its rank by failures, and after "By account" its rank by name.
    const ranks = () =>
      page.locator('.grid .row:not(.head)').evaluateAll((rows) =>
        rows.map((row) => ({
          order: getComputedStyle(row).order,
          byFailures: (row as HTMLElement).style.getPropertyValue('--by-failures').trim(),
          byName: (row as HTMLElement).style.getPropertyValue('--by-name').trim(),
        })),
      );
    for (const r of await ranks()) expect(r.order).toBe(r.byFailures);
    await page.locator('label[for="sort-name"]').click();
    const byName = await ranks();
    for (const r of byName) expect(r.order).toBe(r.byName);
    expect(byName.map((r) => r.byName).sort()).toEqual(['0', '1']);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('an Organization on a phone: account names, the account column kept in view, passes folded, accepted findings distinct', async () => {
    const creds = await freshAccount();
    const [memberA = '', memberB = ''] = await createOrganization(creds, ['payments-prod', 'sandbox-7']);
    const dir = workDir();
    const file = join(dir, 'org.html');
    writeFileSync(join(dir, 'accept.yaml'), `- check: account-alias\n  account: "${memberA}"\n  reason: Payments signs in through Identity Center only\n  owner: platform@acme.example\n  expires: ${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}\n`);
    const r = await runCli(['audit', '--org', '--accept', 'accept.yaml', '--endpoint-url', motoUrl, '--report', `html=${file}`], { env: cliEnv(creds), cwd: dir });
    expect(r.code).toBe(1);
    const { page, requests } = await open(file);
    await page.setViewportSize({ width: 390, height: 844 });

    // Names from Organizations next to the ids.
    const accounts = await page.locator('.grid .row:not(.head) .acct').allInnerTexts();
    expect(accounts).toEqual(expect.arrayContaining([`${memberA} (payments-prod)`, `${memberB} (sandbox-7)`]));
    expect(await page.locator(`#a${memberA} h2`).innerText()).toContain('payments-prod');

    // Scrolled sideways, the account column stays where it was; the check cells move.
    const grid = page.locator('.grid');
    expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    const acct = page.locator(`.grid a.acct[href="#a${memberB}"]`);
    const firstCell = page.locator(`.grid a.cell[href="#a${memberB}-root-mfa"]`);
    const [acctBefore, cellBefore] = [await acct.boundingBox(), await firstCell.boundingBox()];
    await grid.evaluate((el) => el.scrollBy({ left: 300 }));
    const [acctAfter, cellAfter] = [await acct.boundingBox(), await firstCell.boundingBox()];
    expect(acctAfter?.x).toBe(acctBefore?.x);
    expect((cellAfter?.x ?? 0) - (cellBefore?.x ?? 0)).toBeLessThan(-200);
    // The sticky column is opaque and as tall as the cells: the cells scrolled under it do not show through.
    expect(await acct.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(acctAfter?.height ?? 0).toBeGreaterThanOrEqual(cellAfter?.height ?? Infinity);

    // Accepted: its own colour in the grid and its own section, with who accepted it, why and until when.
    const acceptedCell = page.locator(`.grid a.cell.accepted[href="#a${memberA}-account-alias"]`);
    const colour = (sel: string) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await acceptedCell.count()).toBe(1);
    const [accepted, fail, pass] = [await colour('.grid a.cell.accepted'), await colour('.grid a.cell.fail'), await colour('.grid a.cell.pass')];
    expect(new Set([accepted, fail, pass]).size).toBe(3);
    const article = page.locator(`#a${memberA}-account-alias`);
    expect(await article.getAttribute('class')).toContain('accepted');
    expect(await article.locator('.badge').innerText()).toBe('◆ accepted');
    expect(await article.locator('.accepted-by').innerText()).toMatch(/by platform@acme\.example \(accept\.yaml#1\): Payments signs in through Identity Center only/);
    // The same check fails, unaccepted, in the other member.
    expect(await page.locator(`#a${memberB}-account-alias`).getAttribute('class')).toContain('fail');

    // Passing checks are folded per account, with their count; one click shows them.
    const folds = page.locator('details.quiet');
    expect(await folds.count()).toBe(3);
    expect(await page.locator('details.quiet[open]').count()).toBe(0);
    const fold = page.locator(`#a${memberB} details.quiet`);
    expect(await fold.locator('summary').innerText()).toMatch(/^\d+ passing/);
    const passLine = fold.locator('li.pass').first();
    expect(await passLine.isVisible()).toBe(false);
    await fold.locator('summary').click();
    expect(await passLine.isVisible()).toBe(true);
    expect(requests).toEqual([]);
    await page.close();
  });
});
