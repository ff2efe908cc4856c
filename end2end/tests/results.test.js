// Results in the browser: a planner downloads the council report from the dashboard and
// records an outcome, and what became of an adopted proposal on the planners' page of its
// implementation; a resident sees the council's outcome on the proposal and the public
// results page with its charts, without JavaScript too. Plus accessibility.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  axeViolations, launchBrowser, newPage, signedIn, startServer, startSmtpSink, waitForHydration,
} from './support.js';

let sink;
let server;
let browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ demo: true, smtpUrl: sink.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

const FINISHED = 'spielplaetze-nord';

const loggedIn = (email, options = {}) => signedIn(browser, server.baseUrl, email, options);

describe('results, the council report and the council outcome', () => {
  test('a planner downloads the report from the dashboard', async () => {
    const planner = await loggedIn('planung@mitreden.test', { acceptDownloads: true });
    const { page } = planner;
    await page.goto(`${server.baseUrl}/verwaltung/verfahren/${FINISHED}/ergebnisse`);
    await waitForHydration(page);
    await page.locator('h1:has-text("Ergebnisse und Ratsbeschlüsse")').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a:has-text("Bericht für den Rat (PDF)")'),
    ]);
    assert.equal(download.suggestedFilename(), `${FINISHED}-report.pdf`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mitreden-report-'));
    const file = path.join(dir, 'report.pdf');
    let text;
    try {
      await download.saveAs(file);
      text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.match(text, /Ergebnisbericht: Spielplätze im Stadtteil Nord/);
    assert.match(text, /Wasserspielplatz am Nordpark/);
    assert.match(text, /Drucksache 0815\/2026/);
    assert.match(text, /SHA-256/);
    assert.deepEqual(planner.problems, []);
    await planner.context.close();
  });

  test('a planner records an outcome; the author is told by mail', async () => {
    const planner = await loggedIn('planung@mitreden.test');
    const { page } = planner;
    await page.goto(`${server.baseUrl}/verwaltung/verfahren/${FINISHED}/ergebnisse`);
    await waitForHydration(page);
    const form = page.locator('form.outcome-form', { hasText: 'Beleuchtung bis Mitternacht' });
    await form.locator('select').selectOption('referred');
    await form.locator('textarea').fill('An den Ausschuss für Jugend verwiesen.');
    await form.locator('button:has-text("Beschluss speichern")').click();
    await page.waitForURL(/status=outcome_saved/);
    await page.locator('text=Der Beschluss ist gespeichert').waitFor();
    await planner.context.close();
    const mail = await sink.waitFor('peter.schulz@mitreden.test', 15_000, 'Beleuchtung');
    assert.match(mail, /verwiesen/);
  });

  test('a resident sees the outcome on the proposal and the results page, also without JavaScript', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const visitor = javaScriptEnabled
        ? await loggedIn('bewohnerin@mitreden.test')
        : await newPage(browser, server.baseUrl, { javaScriptEnabled });
      const { page } = visitor;
      await page.goto(`${server.baseUrl}/verfahren/${FINISHED}/ergebnisse`);
      if (javaScriptEnabled) await waitForHydration(page);
      await page.locator('h1:has-text("Ergebnisse")').waitFor();
      assert.ok(await page.locator('svg.chart__svg').count() >= 2, 'the charts are drawn');
      // Proposals and votes by district, each as a map drawn by the server.
      const maps = page.locator('.map-pair figure.place-map img');
      assert.equal(await maps.count(), 2, 'two district maps');
      await maps.nth(1).scrollIntoViewIfNeeded();
      await page.waitForFunction(() => [...document.querySelectorAll('.map-pair img')]
        .every((img) => img.complete && img.naturalWidth > 0));
      assert.match(await maps.nth(1).getAttribute('alt'), /desto mehr Stimmen/);
      await page.locator('text=Was der Rat entschieden hat').waitFor();
      await page.locator('a:has-text("Wasserspielplatz am Nordpark")').first().click();
      await page.waitForURL(/\/vorschlaege\/\d+/);
      const outcome = page.locator('section.outcome');
      await outcome.locator('text=Beschlossen').waitFor();
      await outcome.locator('text=Wasserspielanlage wird im Frühjahr gebaut').waitFor();
      assert.deepEqual(visitor.problems, []);
      await visitor.context.close();
    }
  });

  test('a planner records what became of an adopted proposal on a page of its own', async () => {
    const planner = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    const { page } = planner;
    await page.goto(`${server.baseUrl}/verfahren/${FINISHED}`);
    await waitForHydration(page);
    await page.locator('.proposal-list a:has-text("Wasserspielplatz am Nordpark")').click();
    await page.waitForURL(/\/vorschlaege\/\d+$/);
    const implementation = page.locator('#umsetzung');
    assert.equal(await implementation.locator('form').count(), 0, 'the proposal page carries no planners\' forms');
    await implementation.locator('a:has-text("Neuen Stand der Umsetzung eintragen")').click();
    await page.waitForURL(/\/verwaltung\/vorschlaege\/\d+\/umsetzung$/);
    await page.locator('h1:has-text("Neuen Stand der Umsetzung eintragen")').waitFor();
    assert.deepEqual(await axeViolations(page), [], "the planners' page of an implementation");
    await page.selectOption('#implementation-status', 'in_progress');
    await page.fill('#implementation-note', 'Die Pumpe ist bestellt, der Bau beginnt im März.');
    await page.click('form.editor button:has-text("Stand veröffentlichen")');
    await page.waitForURL(/status=implementation_recorded/);
    await waitForHydration(page);
    await page.locator('text=Der neue Stand der Umsetzung ist veröffentlicht.').waitFor();
    const entry = page.locator('.implementation-list li', { hasText: 'Die Pumpe ist bestellt' });
    await entry.locator('summary:has-text("Foto zu diesem Eintrag")').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the recorded entry with its photo form');
    await page.locator('main a:has-text("Wasserspielplatz am Nordpark")').click();
    await page.waitForURL(/\/vorschlaege\/\d+#umsetzung$/);
    await implementation.locator('li:has-text("Die Pumpe ist bestellt")').waitFor();
    await implementation.locator('text=In Umsetzung').first().waitFor();
    assert.deepEqual(planner.problems, []);
    await planner.context.close();
  });

  for (const lang of ['de', 'en']) {
    test(`the results page and the dashboard pass axe (${lang})`, async () => {
      const planner = await loggedIn('planung@mitreden.test', {
        bypassCSP: true,
        locale: lang === 'de' ? 'de-DE' : 'en-GB',
      });
      const { page } = planner;
      await page.context().addCookies([{ name: 'mitreden_lang', value: lang, url: server.baseUrl }]);
      for (const target of [`/verfahren/${FINISHED}/ergebnisse`, `/verwaltung/verfahren/${FINISHED}/ergebnisse`]) {
        await page.goto(`${server.baseUrl}${target}`);
        await waitForHydration(page);
        assert.deepEqual(await axeViolations(page), [], `${target} (${lang})`);
      }
      // The API documentation and the printable report are plain pages (no hydration).
      await page.goto(`${server.baseUrl}/api/v1/docs`);
      await page.locator('h1:has-text("Mitreden API v1")').waitFor();
      assert.deepEqual(await axeViolations(page), [], `/api/v1/docs (${lang})`);
      await page.goto(`${server.baseUrl}/api/v1/procedures/${FINISHED}/report.html?lang=${lang}`);
      await page.locator('h1').waitFor();
      assert.deepEqual(await axeViolations(page), [], `report.html (${lang})`);
      await planner.context.close();
    });
  }
});
