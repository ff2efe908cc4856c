// Refused forms, with and without JavaScript: every value typed stays (never a password),
// the error stands next to its field and is linked to it, a summary above the form links to
// the field, and the page in that state passes axe. Each walk starts on the page before the
// form and reaches the form by clicking.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  axeViolations, launchBrowser, newPage, signedIn, startServer, waitForHydration,
} from './support.js';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function refusedStateIsAccessible(page, field, js) {
  const input = page.locator(`#field-${field}`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  const described = await input.getAttribute('aria-describedby');
  assert.ok(described?.split(' ').includes(`field-${field}-error`), `aria-describedby: ${described}`);
  assert.ok((await page.locator(`#field-${field}-error`).innerText()).trim().length > 0);
  await page.locator(`.error-summary a[href="#field-${field}"]`).waitFor();
  // axe runs as a script: in the walk without JavaScript the same markup is not scanned again.
  if (js) assert.deepEqual(await axeViolations(page), []);
}

describe('a refused registration keeps what was typed', () => {
  for (const js of [true, false]) {
    test(`${js ? 'with' : 'without'} JavaScript`, async () => {
      const { context, page, problems } = await newPage(browser, server.baseUrl, { javaScriptEnabled: js, bypassCSP: true });
      await page.goto(`${server.baseUrl}/`);
      if (js) await waitForHydration(page);
      await page.click('.site-header__account a:has-text("Registrieren")');
      await page.waitForURL(/\/registrieren/);
      if (js) await waitForHydration(page);
      await page.fill('#field-email', 'erika@example.org');
      await page.fill('#field-display_name', 'E');
      await page.fill('#field-password', 'kurz');
      await page.check('#field-accept_terms');
      await page.click('main button[type="submit"]');
      await page.locator('#field-password-error').waitFor();
      if (js) await waitForHydration(page);
      assert.equal(await page.inputValue('#field-email'), 'erika@example.org');
      assert.equal(await page.inputValue('#field-display_name'), 'E');
      assert.equal(await page.inputValue('#field-password'), '', 'never a password back');
      assert.ok(!page.url().includes('kurz'), 'the password is not in the address');
      // Both problems at once, each by its field and in the summary.
      await refusedStateIsAccessible(page, 'display_name', js);
      await refusedStateIsAccessible(page, 'password', js);
      assert.equal(await page.locator('.error-summary li').count(), 2);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

describe('a refused proposal keeps what was typed', () => {
  for (const js of [true, false]) {
    test(`${js ? 'with' : 'without'} JavaScript`, async () => {
      const { context, page, problems } = await signedIn(browser, server.baseUrl, 'bewohnerin@mitreden.test', {
        javaScriptEnabled: js, bypassCSP: true,
      });
      await page.click('.procedure-card a:has-text("Radverkehrskonzept 2030")');
      await page.waitForURL(/\/verfahren\/radverkehr-2030/);
      if (js) await waitForHydration(page);
      await page.click('a:has-text("Vorschlag einreichen")');
      await page.waitForURL(/\/vorschlag-neu$/);
      if (js) await waitForHydration(page);
      const body = 'Zu kurz';
      await page.fill('#field-title', 'Ab');
      await page.fill('#field-body', body);
      await page.fill('#field-location', 'Am Markt');
      await page.click('main button[type="submit"]:has-text("Vorschlag einreichen")');
      await page.locator('#field-title-error').waitFor();
      if (js) await waitForHydration(page);
      assert.equal(await page.inputValue('#field-title'), 'Ab');
      assert.equal(await page.inputValue('#field-body'), body);
      assert.equal(await page.inputValue('#field-location'), 'Am Markt');
      await refusedStateIsAccessible(page, 'title', js);
      await refusedStateIsAccessible(page, 'body', js);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

describe('a refused on-site batch names every row and keeps the event', () => {
  for (const js of [true, false]) {
    test(`${js ? 'with' : 'without'} JavaScript`, async () => {
      const { context, page, problems } = await signedIn(browser, server.baseUrl, 'planung@mitreden.test', {
        javaScriptEnabled: js, bypassCSP: true,
      });
      if (js) await waitForHydration(page);
      await page.locator('tr', { hasText: 'Radverkehrskonzept 2030' }).locator('a:has-text("Vor-Ort-Beiträge importieren")').click();
      await page.waitForURL(/\/vor-ort-import$/);
      if (js) await waitForHydration(page);
      // No file: the problem by the file field, the event typed still there.
      await page.fill('#field-event', `Werkstatt ${js ? 'A' : 'B'}`);
      await page.click('main button:has-text("Prüfen")');
      await page.locator('#field-file-error').waitFor();
      if (js) await waitForHydration(page);
      assert.equal(await page.inputValue('#field-event'), `Werkstatt ${js ? 'A' : 'B'}`);
      assert.equal(await page.locator('#field-file').getAttribute('aria-invalid'), 'true');
      await page.locator('.error-summary a[href="#field-file"]').waitFor();
      if (js) assert.deepEqual(await axeViolations(page), []);
      // A sheet with two bad rows: each named in its row, linked from the summary.
      await page.setInputFiles('#field-file', {
        name: 'werkstatt.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('Titel;Beschreibung;Kategorie\nAb;Zu kurz;Radwege\nGute Idee;Ein Text, der lang genug ist.;Unbekannt\nNoch eine;Auch dieser Text ist lang genug.;Radwege\n'),
      });
      await page.click('main button:has-text("Prüfen")');
      await page.waitForURL(/stapel=\d+/);
      if (js) await waitForHydration(page);
      await page.locator('text=2 von 3 Zeilen haben Fehler.').waitFor();
      for (const line of [2, 3]) {
        await page.locator(`#vorschau a[href="#zeile-${line}"]`).waitFor();
        assert.ok((await page.locator(`#zeile-${line} .import-problems`).innerText()).trim().length > 0);
      }
      assert.equal(await page.locator('#zeile-4 .import-ok').count(), 1);
      assert.equal(await page.locator('button:has-text("Vorschläge importieren")').count(), 0);
      if (js) assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

describe('a refused council outcome keeps what was typed, the error by its field', () => {
  for (const js of [true, false]) {
    test(`${js ? 'with' : 'without'} JavaScript`, async () => {
      const { context, page, problems } = await signedIn(browser, server.baseUrl, 'planung@mitreden.test', {
        javaScriptEnabled: js, bypassCSP: true,
      });
      if (js) await waitForHydration(page);
      await page.locator('tr', { hasText: 'Spielplätze im Stadtteil Nord' }).locator('a:has-text("Ergebnisse")').click();
      await page.waitForURL(/\/ergebnisse/);
      if (js) await waitForHydration(page);
      const form = page.locator('form.outcome-form').first();
      const id = (await form.getAttribute('id')).replace('vorschlag-', '');
      const justification = `Vertagt auf die nächste Sitzung (${js ? 'mit' : 'ohne'} Skript).`;
      await form.locator('select').selectOption('referred');
      await form.locator('input[type="date"]').fill('2099-01-01');
      await form.locator('textarea').fill(justification);
      await form.locator('button[type="submit"]').click();
      await page.locator(`#outcome-${id}-meeting_date-error`).waitFor();
      if (js) await waitForHydration(page);
      const again = page.locator(`#vorschlag-${id}`);
      assert.equal(await again.locator('select').inputValue(), 'referred');
      assert.equal(await again.locator('input[type="date"]').inputValue(), '2099-01-01');
      assert.equal(await again.locator('textarea').inputValue(), justification);
      const date = page.locator(`#outcome-${id}-meeting_date`);
      assert.equal(await date.getAttribute('aria-invalid'), 'true');
      assert.ok((await date.getAttribute('aria-describedby')).includes(`outcome-${id}-meeting_date-error`));
      await page.locator(`.error-summary a[href="#outcome-${id}-meeting_date"]`).waitFor();
      if (js) assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
