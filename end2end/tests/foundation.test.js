// The app shell as residents meet it: start page with and without JavaScript, the language
// switch, the 404 page, the legal pages, and an accessibility scan of each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, launchBrowser, newPage, startServer, waitForHydration } from './support.js';

let server;
let emptyServer;
let browser;

before(async () => {
  [server, emptyServer] = await Promise.all([startServer(), startServer({ demo: false })]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), emptyServer?.stop()]);
});

describe('start page without JavaScript', () => {
  test('lists the running procedures, server-rendered', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    const response = await page.goto(server.baseUrl);
    assert.equal(response.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('h1'), 'Beteiligungsverfahren');
    const titles = await page.locator('.procedure-card h2').allTextContents();
    assert.deepEqual(titles.sort(), ['Bürgerbudget 2026', 'Neugestaltung des Marktplatzes', 'Radverkehrskonzept 2030']);
    assert.match(await page.locator('.tabs__tab[aria-current="page"]').textContent(), /Laufend\s*3/);
    await context.close();
  });

  test('filter tabs are plain links that work', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    await page.goto(server.baseUrl);
    await page.click('text=Abgeschlossen');
    await page.waitForURL(/status=finished/);
    const finished = await page.locator('.procedure-card h2').allTextContents();
    assert.deepEqual(finished.sort(), ['Bürgerbudget 2025', 'Spielplätze im Stadtteil Nord']);
    await context.close();
  });

  test('the language switch posts, sets a cookie and comes back in English', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await page.click('.lang-switch button');
    await page.waitForSelector('html[lang="en"]');
    assert.equal(page.url(), `${server.baseUrl}/verfahren/radverkehr-2030`);
    assert.equal(await page.textContent('#schedule-heading'), 'Schedule');
    // The choice sticks for the next page.
    await page.goto(server.baseUrl);
    assert.equal(await page.textContent('h1'), 'Participation procedures');
    await context.close();
  });

  test('an empty instance explains why nothing is listed', async () => {
    const { context, page } = await newPage(browser, emptyServer.baseUrl, { javaScriptEnabled: false });
    await page.goto(emptyServer.baseUrl);
    assert.equal(await page.textContent('.empty-state__title'), 'Zurzeit läuft kein Beteiligungsverfahren.');
    assert.equal(await page.locator('.procedure-card').count(), 0);
    await context.close();
  });
});

describe('start page with JavaScript', () => {
  test('hydrates without console errors and navigates in place', async () => {
    const { context, page, problems, foreignRequests } = await newPage(browser, server.baseUrl);
    await page.goto(server.baseUrl);
    await waitForHydration(page);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.click('text=Demnächst');
    await page.waitForURL(/status=upcoming/);
    await page.locator('.procedure-card h2', { hasText: 'Bürgerhaushalt 2027' }).waitFor();
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded');
    assert.deepEqual(problems, []);
    assert.deepEqual(foreignRequests, []);
    await context.close();
  });

  test('the language switch re-renders in place', async () => {
    const { context, page, problems } = await newPage(browser, server.baseUrl);
    // The browser loads the texts of a language when it first shows it (`i18n::wire`).
    const texts = new Set();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/pkg/texts.')) texts.add(path.replace(/\.[0-9a-f]+\.txt$/, ''));
    });
    await page.goto(server.baseUrl);
    await waitForHydration(page);
    assert.deepEqual([...texts], ['/pkg/texts.de'], 'a German page loads the German texts only');
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.click('.lang-switch button');
    await page.locator('h1', { hasText: 'Participation procedures' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('.lang-switch button'), 'Deutsch');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded');
    assert.deepEqual([...texts].sort(), ['/pkg/texts.de', '/pkg/texts.en']);
    // And back, with the German texts the page already has.
    await page.click('.lang-switch button');
    await page.locator('h1', { hasText: 'Beteiligungsverfahren' }).waitFor();
    assert.equal(await page.textContent('.lang-switch button'), 'English');
    await page.click('.lang-switch button');
    await page.locator('h1', { hasText: 'Participation procedures' }).waitFor();
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was reloaded');
    // The server remembers the choice too.
    await page.reload();
    assert.equal(await page.textContent('h1'), 'Participation procedures');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a browser asking for English gets English', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { locale: 'en-GB' });
    await page.goto(server.baseUrl);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Participation procedures');
    await context.close();
  });
});

describe('the texts of the browser', () => {
  test('a page whose texts do not arrive stays as the server rendered it, and works', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    await page.route('**/pkg/texts.*', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const warned = page.waitForEvent('console', {
      predicate: (message) => message.text().includes('texts not loaded'),
      timeout: 15_000,
    });
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await warned;
    assert.equal(await page.getAttribute('html', 'data-hydrated'), null, 'the page did not hydrate');
    // Its links and forms are plain HTML: the language switch posts and comes back.
    await page.click('.lang-switch button');
    await page.waitForSelector('html[lang="en"]');
    assert.equal(await page.textContent('#schedule-heading'), 'Schedule');
    await context.close();
  });
});

describe('error pages', () => {
  test('an unknown address gets a localized 404 page', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    const response = await page.goto(`${server.baseUrl}/gibt-es-nicht`);
    assert.equal(response.status(), 404);
    assert.equal(await page.textContent('h1'), 'Seite nicht gefunden');
    await context.close();
  });

  test('an unknown procedure is a 404 too', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    const response = await page.goto(`${server.baseUrl}/verfahren/gibt-es-nicht`);
    assert.equal(response.status(), 404);
    assert.equal(await page.textContent('h1'), 'Seite nicht gefunden');
    await context.close();
  });
});

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  const pages = [
    ['start page', '/'],
    ['finished procedures', '/?status=finished'],
    ['procedure page', '/verfahren/radverkehr-2030'],
    ['imprint', '/impressum'],
    ['privacy', '/datenschutz'],
    ['accessibility statement', '/barrierefreiheit'],
    ['404 page', '/gibt-es-nicht'],
  ];
  for (const locale of ['de-DE', 'en-GB']) {
    for (const [name, path] of pages) {
      test(`${name} (${locale}) has no violations`, async () => {
        // axe is injected as a script, which the instance's CSP would (rightly) block.
        const { context, page } = await newPage(browser, server.baseUrl, { locale, bypassCSP: true });
        await page.goto(`${server.baseUrl}${path}`);
        await waitForHydration(page);
        assert.deepEqual(await axeViolations(page), []);
        await context.close();
      });
    }
  }
  test('the empty start page has no violations', async () => {
    const { context, page } = await newPage(browser, emptyServer.baseUrl, { bypassCSP: true });
    await page.goto(emptyServer.baseUrl);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });
  test('the start page reflows at 320 px without horizontal scrolling', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { viewport: { width: 320, height: 640 } });
    await page.goto(server.baseUrl);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
    await context.close();
  });
});

describe('legal pages', () => {
  test('render the instance text from the data directory', async () => {
    const { context, page } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    for (const [path, heading] of [['/impressum', 'Impressum'], ['/datenschutz', 'Datenschutz'], ['/barrierefreiheit', 'Barrierefreiheit']]) {
      const response = await page.goto(`${server.baseUrl}${path}`);
      assert.equal(response.status(), 200, path);
      assert.equal(await page.textContent('h1'), heading);
      assert.ok((await page.locator('.legal h2').count()) > 0, `${path} has no sections`);
      assert.ok(await page.locator(`footer a[href="${path}"]`).count(), `footer lacks ${path}`);
    }
    await context.close();
  });
});
