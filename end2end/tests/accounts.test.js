// Accounts as a resident meets them: register in the browser, receive the mail through a
// real SMTP server, follow the link, confirm, log in; and the account pages' accessibility.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, launchBrowser, newPage, startServer, startSmtpSink, waitForHydration } from './support.js';

let sink;
let server;
let browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ smtpUrl: sink.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

const PASSWORD = 'Am Marktplatz stehen 3 Linden';

describe('registration', () => {
  test('a resident registers, confirms the link from the mail and is verified', async () => {
    const { context, page, problems } = await newPage(browser, server.baseUrl);
    await page.goto(`${server.baseUrl}/registrieren`);
    await waitForHydration(page);
    await page.fill('#field-email', 'Erika.Muster@example.org');
    await page.fill('#field-display_name', 'Erika Muster');
    await page.fill('#field-password', PASSWORD);
    await page.check('#field-accept_terms');
    await page.click('button[type="submit"]:has-text("Konto anlegen")');
    await page.locator('text=Fast geschafft').waitFor();

    const mail = await sink.waitFor('erika.muster@example.org');
    assert.match(mail, /Bitte bestätigen Sie Ihre E-Mail-Adresse/);
    const link = mail.match(/http:\/\/127\.0\.0\.1:\d+\/bestaetigen\?token=[0-9a-f]{64}/)?.[0];
    assert.ok(link, `no link in:\n${mail}`);
    assert.ok(link.startsWith(server.baseUrl), `${link} does not point at this instance`);

    await page.goto(link);
    await waitForHydration(page);
    await page.click('button:has-text("Jetzt bestätigen")');
    await page.locator('text=Ihre E-Mail-Adresse ist bestätigt').waitFor();

    assert.deepEqual(problems, []);

    // The same link does not work twice.
    await page.goto(link);
    await page.click('button:has-text("Jetzt bestätigen")');
    await page.locator('text=Dieser Link wurde schon benutzt.').waitFor();

    await page.goto(`${server.baseUrl}/anmelden`);
    await waitForHydration(page);
    await page.fill('#field-email', 'erika.muster@example.org');
    await page.fill('#field-password', PASSWORD);
    await page.click('button[type="submit"]:has-text("Anmelden")');
    await page.waitForURL(`${server.baseUrl}/`);
    await page.click('.site-header__account a:has-text("Mein Konto")');
    await page.waitForURL(`${server.baseUrl}/konto`);
    await page.locator('text=erika.muster@example.org').first().waitFor();
    assert.equal(await page.locator('text=noch nicht bestätigt').count(), 0);
    assert.ok(await page.locator('.site-header__account >> text=Mein Konto').count());
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript the whole way works as plain forms', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/registrieren`);
    await page.fill('#field-email', 'ohne.js@example.org');
    await page.fill('#field-display_name', 'Ohne Skript');
    await page.fill('#field-password', PASSWORD);
    await page.check('#field-accept_terms');
    await page.click('main button[type="submit"]');
    await page.locator('text=Fast geschafft').waitFor();
    const mail = await sink.waitFor('ohne.js@example.org');
    const link = mail.match(/http:\/\/[^\s"]+\/bestaetigen\?token=[0-9a-f]{64}/)[0];
    await page.goto(link);
    await page.click('main button[type="submit"]');
    await page.locator('text=Ihre E-Mail-Adresse ist bestätigt').waitFor();

    await page.goto(`${server.baseUrl}/anmelden`);
    await page.fill('#field-email', 'ohne.js@example.org');
    await page.fill('#field-password', 'falsches Passwort hier');
    await page.click('main button[type="submit"]');
    await page.locator('text=E-Mail-Adresse oder Passwort ist falsch.').waitFor();
    await page.fill('#field-email', 'ohne.js@example.org');
    await page.fill('#field-password', PASSWORD);
    await page.click('main button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}/`);
    await page.click('.site-header__account button');
    await page.locator('text=Sie sind abgemeldet.').waitFor();
    await context.close();
  });
});

describe('accessibility of the account pages (axe-core)', () => {
  const pages = ['/registrieren', '/anmelden', '/passwort-vergessen', '/passwort-neu?token=x', '/bestaetigen?token=x', '/konto'];
  for (const locale of ['de-DE', 'en-GB']) {
    for (const path of pages) {
      test(`${path} (${locale}) has no violations`, async () => {
        const { context, page } = await newPage(browser, server.baseUrl, { locale, bypassCSP: true });
        await page.goto(`${server.baseUrl}${path}`);
        await waitForHydration(page);
        assert.deepEqual(await axeViolations(page), []);
        await context.close();
      });
    }
  }

  test('the account page of a signed-in person and the user administration have no violations', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { bypassCSP: true });
    await page.goto(`${server.baseUrl}/anmelden`);
    await page.fill('#field-email', 'admin@mitreden.test');
    await page.fill('#field-password', 'Mitreden-Demo-2026');
    await page.click('main button[type="submit"]');
    await page.waitForURL(`${server.baseUrl}/verwaltung/verfahren`);
    await page.goto(`${server.baseUrl}/konto`);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), []);
    await page.goto(`${server.baseUrl}/verwaltung/benutzer`);
    await waitForHydration(page);
    assert.ok(await page.locator('td', { hasText: 'bewohnerin@mitreden.test' }).count());
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
});
