// Participation in the browser: a resident proposes, another comments, a third replies,
// a fourth votes with JavaScript (in place, no reload) and a fifth without; the counts
// shown match. Plus the accessibility of every participation page in both languages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, axeViolations, gradientPng, launchBrowser, newPage, signedIn, startServer,
  waitForHydration,
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


const loggedIn = (email, options = {}) => signedIn(browser, server.baseUrl, email, options);

describe('proposing, discussing and voting', () => {
  let proposalUrl;

  test('a resident submits a proposal', async () => {
    const { context, page, problems } = await loggedIn('bewohnerin@mitreden.test');
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(page);
    await page.click('a:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/verfahren\/radverkehr-2030\/vorschlag-neu$/);
    await page.fill('#field-title', 'Fahrradstraße in der Körnerstraße');
    await page.fill('#field-body', 'Die Körnerstraße ist eine ruhige Parallelroute zur Hauptstraße und eignet sich als **Fahrradstraße**.');
    await page.selectOption('#field-category', 'Radwege');
    await page.fill('#field-location', 'Körnerstraße');
    await page.click('main button[type="submit"]');
    await page.waitForURL(/\/vorschlaege\/\d+/);
    await page.locator('text=Ihr Vorschlag ist veröffentlicht').waitFor();
    proposalUrl = page.url().split('?')[0];
    await page.locator('h1:has-text("Fahrradstraße in der Körnerstraße")').waitFor();
    assert.ok(await page.locator('.prose strong:has-text("Fahrradstraße")').count());
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('another resident comments in place and a third replies', async () => {
    assert.ok(proposalUrl, 'the proposal from the first test');
    const jonas = await loggedIn('jonas.keller@mitreden.test');
    await jonas.page.goto(proposalUrl);
    await waitForHydration(jonas.page);
    await jonas.page.evaluate(() => { window.__noReload = true; });
    await jonas.page.fill('#field-body-comment', 'Sehr gute Idee, die Route nutze ich jeden Tag.');
    await jonas.page.click('.comment-form button:has-text("Kommentieren")');
    await jonas.page.locator('.comment:has-text("die Route nutze ich jeden Tag")').waitFor();
    assert.equal(await jonas.page.evaluate(() => window.__noReload), true, 'the page reloaded');
    await jonas.page.locator('#comments-heading:has-text("1 Kommentar")').waitFor();
    assert.deepEqual(jonas.problems, []);
    await jonas.context.close();

    const fatma = await loggedIn('fatma.yilmaz@mitreden.test');
    await fatma.page.goto(proposalUrl);
    await waitForHydration(fatma.page);
    const comment = fatma.page.locator('.comment', { hasText: 'die Route nutze ich jeden Tag' });
    await comment.locator('summary:has-text("Antworten")').click();
    await comment.locator('textarea[name="body"]').fill('Ich auch, vor allem morgens.');
    await comment.locator('button:has-text("Antwort senden")').click();
    await fatma.page.locator('.comment--depth-1:has-text("vor allem morgens")').waitFor();
    await fatma.page.locator('#comments-heading:has-text("2 Kommentare")').waitFor();
    // The page hydrated from data without the comments' HTML (the page carries it once):
    // drawn again with the reply, the thread still shows the first comment's text.
    assert.match(
      await fatma.page.locator('.comment--depth-0 .prose').first().innerText(),
      /die Route nutze ich jeden Tag/,
    );
    assert.deepEqual(fatma.problems, []);
    await fatma.context.close();
  });

  test('a resident votes with JavaScript, in place, and sees the count', async () => {
    const lena = await loggedIn('lena.hoffmann@mitreden.test');
    await lena.page.goto(proposalUrl);
    await waitForHydration(lena.page);
    await lena.page.evaluate(() => { window.__noReload = true; });
    const box = lena.page.locator('#abstimmung');
    await box.locator('.tally__number').filter({ hasText: '0' }).waitFor();
    await box.locator('button:has-text("Unterstützen")').click();
    await box.locator('text=Sie unterstützen diesen Vorschlag.').waitFor();
    assert.equal(await box.locator('.tally__number').innerText(), '1');
    assert.equal(await lena.page.evaluate(() => window.__noReload), true, 'the page reloaded');
    await box.locator('button[aria-pressed="true"]').waitFor();
    assert.match(await lena.page.locator('.comment .prose').first().innerText(), /die Route nutze ich jeden Tag/);
    assert.deepEqual(lena.problems, []);
    await lena.context.close();
  });

  test('without JavaScript a resident votes from the listing and the counts match', async () => {
    const peter = await loggedIn('peter.schulz@mitreden.test', { javaScriptEnabled: false });
    await peter.page.goto(`${server.baseUrl}/verfahren/radverkehr-2030?sort=newest`);
    const card = peter.page.locator('.proposal-card', { hasText: 'Fahrradstraße in der Körnerstraße' });
    await card.locator('button:has-text("Unterstützen")').click();
    await peter.page.locator('text=Ihre Stimme ist gezählt.').waitFor();
    const after = peter.page.locator('.proposal-card', { hasText: 'Fahrradstraße in der Körnerstraße' });
    assert.equal(await after.locator('.tally__number').innerText(), '2');
    assert.match(await after.innerText(), /2 Kommentare/);
    assert.match(await peter.page.locator('.budget').innerText(), /3 von 5 Unterstützungen verwendet/);

    await peter.page.goto(proposalUrl);
    assert.equal(await peter.page.locator('#abstimmung .tally__number').innerText(), '2');
    assert.equal(await peter.page.locator('.comment').count(), 2);
    await peter.context.close();
  });
});

describe('participation pages are accessible', () => {
  for (const lang of ['de', 'en']) {
    test(`listing, proposal and submission pages have no axe violations (${lang})`, async () => {
      const { context, page } = await loggedIn('bewohnerin@mitreden.test', { locale: lang === 'de' ? 'de-DE' : 'en-GB', bypassCSP: true });
      await context.addCookies([{ name: 'mitreden_lang', value: lang, url: server.baseUrl }]);
      for (const path of [
        '/verfahren/radverkehr-2030',
        '/verfahren/marktplatz-neugestaltung',
        '/verfahren/radverkehr-2030/vorschlag-neu',
      ]) {
        await page.goto(`${server.baseUrl}${path}`);
        await waitForHydration(page);
        assert.deepEqual(await axeViolations(page), [], `${path} (${lang})`);
      }
      await page.goto(`${server.baseUrl}/verfahren/marktplatz-neugestaltung`);
      await page.locator('.proposal-card__title a').first().click();
      await page.waitForURL(/\/vorschlaege\/\d+/);
      await page.locator('.comments').waitFor();
      assert.deepEqual(await axeViolations(page), [], `proposal page (${lang})`);
      await context.close();
    });
  }
});

describe('planning', () => {
  test('a planner creates a draft, previews it and publishes it; the pages are accessible', async () => {
    const { context, page, problems } = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    await page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], 'overview');
    await page.click('a:has-text("Neues Verfahren")');
    await page.waitForURL(/\/verwaltung\/verfahren\/neu$/);
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], 'editor');
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#editor-title', 'Lärmaktionsplan 2027');
    await page.fill('#editor-slug', 'laermaktionsplan-2027');
    await page.fill('#editor-department', 'Umweltamt');
    await page.fill('#phase-1-first', day(-1));
    await page.fill('#phase-1-last', day(10));
    await page.fill('#phase-3-first', day(11));
    await page.fill('#phase-3-last', day(30));
    await page.click('form.editor button[type="submit"]');
    await page.waitForURL(/\/verwaltung\/verfahren\?status=saved/);
    const row = page.locator('tr', { hasText: 'Lärmaktionsplan 2027' });
    assert.match(await row.innerText(), /Entwurf/);

    await page.goto(`${server.baseUrl}/verfahren/laermaktionsplan-2027`);
    await page.locator('text=Vorschau eines Entwurfs').waitFor();

    await page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await page.locator('tr', { hasText: 'Lärmaktionsplan 2027' }).locator('button:has-text("Veröffentlichen")').click();
    await page.locator('text=Das Verfahren ist veröffentlicht.').waitFor();
    assert.deepEqual(problems, []);
    await context.close();

    const visitor = await newPage(browser, server.baseUrl);
    await visitor.page.goto(`${server.baseUrl}/verfahren/laermaktionsplan-2027`);
    await visitor.page.locator('h1:has-text("Lärmaktionsplan 2027")').waitFor();
    assert.equal(await visitor.page.locator('text=Vorschau eines Entwurfs').count(), 0);
    await visitor.context.close();
  });

  test('a planner pages through more procedures than a page holds, by clicking', async () => {
    const own = await startServer({ demo: true });
    try {
      const login = await fetch(`${own.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'planung@mitreden.test', password: DEMO_PASSWORD }),
      });
      const { token } = await login.json();
      const at = (days) => new Date(Date.now() + days * 86_400_000).toISOString();
      for (let n = 0; n < 52; n += 1) {
        const created = await fetch(`${own.baseUrl}/api/v1/procedures`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            slug: `archiv-${String(n).padStart(2, '0')}`,
            title: `Archivverfahren ${n}`,
            department: 'Stadtplanungsamt',
            phases: [
              { kind: 'proposals', starts_at: at(30 + n), ends_at: at(40 + n) },
              { kind: 'voting', starts_at: at(40 + n), ends_at: at(50 + n) },
            ],
            vote_rule: { kind: 'support', cap: 5 },
          }),
        });
        assert.equal(created.status, 201, await created.text());
      }
      const { context, page, problems } = await signedIn(browser, own.baseUrl, 'planung@mitreden.test', { bypassCSP: true });
      await page.goto(`${own.baseUrl}/verwaltung/verfahren`);
      await waitForHydration(page);
      const titles = () => page.locator('table tbody tr th').allInnerTexts();
      const first = await titles();
      assert.equal(first.length, 50);
      assert.equal(await page.locator('nav.pager a:has-text("Zur ersten Seite")').count(), 0);

      await page.click('nav.pager a:has-text("Weitere Verfahren")');
      await page.waitForURL(/\/verwaltung\/verfahren\?cursor=/);
      await page.locator('nav.pager a:has-text("Zur ersten Seite")').waitFor();
      const second = await titles();
      assert.ok(second.length > 0);
      const archived = [...first, ...second].filter((title) => title.startsWith('Archivverfahren'));
      assert.equal(new Set(archived).size, 52, 'every procedure once');
      assert.equal(archived.length, 52);
      assert.deepEqual(await axeViolations(page), [], 'overview, second page');

      await page.click('nav.pager a:has-text("Zur ersten Seite")');
      await page.waitForURL(/\/verwaltung\/verfahren$/);
      await page.locator('nav.pager a:has-text("Weitere Verfahren")').waitFor();
      assert.deepEqual(await titles(), first);
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await own.stop();
    }
  });
});

describe('procedure images', () => {
  test('a planner adds an image with a text alternative; visitors see it', async () => {
    const { context, page, problems } = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    const editor = `${server.baseUrl}/verwaltung/verfahren/marktplatz-neugestaltung/bearbeiten`;
    await page.goto(editor);
    await waitForHydration(page);
    await page.setInputFiles('#image-file', { name: 'marktplatz.png', mimeType: 'image/png', buffer: gradientPng(320, 180) });
    await page.fill('#image-alt', 'Skizze des neuen Marktplatzes mit Bäumen am Rand');
    await page.click('button:has-text("Bild speichern")');
    await page.waitForURL(/status=image_saved/);
    await page.locator('text=Das Bild wurde gespeichert.').waitFor();
    // Scanned once live: while a lazy page's code loads, the head is being taken over.
    await waitForHydration(page);
    assert.deepEqual(await axeViolations(page), [], 'editor with an image');
    // The same editor in English, with the image's section in English too.
    await context.addCookies([{ name: 'mitreden_lang', value: 'en', url: server.baseUrl }]);
    await page.goto(editor);
    await waitForHydration(page);
    await page.locator('h2:has-text("Image")').waitFor();
    await page.locator('label:has-text("Text alternative")').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'editor with an image (en)');
    assert.deepEqual(problems, []);
    await context.close();

    for (const javaScriptEnabled of [true, false]) {
      const visitor = await newPage(browser, server.baseUrl, { javaScriptEnabled });
      await visitor.page.goto(`${server.baseUrl}/verfahren/marktplatz-neugestaltung`);
      const image = visitor.page.locator('img.procedure__image');
      await image.waitFor();
      assert.equal(await image.getAttribute('alt'), 'Skizze des neuen Marktplatzes mit Bäumen am Rand');
      // The browser decoded it: the server stored a valid image, not just its name.
      await visitor.page.waitForFunction(() => document.querySelector('img.procedure__image')?.naturalWidth === 320);
      const bytes = await (await visitor.page.request.get(`${server.baseUrl}${await image.getAttribute('src')}`)).body();
      assert.ok(!bytes.includes('Erika'), 'metadata removed');
      await visitor.context.close();
    }
  });
});

describe("the administration's opinion", () => {
  test('a planner asks a unit, enters its answer, and readers find it on the proposal', async () => {
    const planner = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    const { page } = planner;
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(page);
    // The list is in random order while proposals are collected: pick the card by title.
    const card = page.locator('.proposal-card', { hasText: 'Reparaturstationen an den Hauptrouten' });
    const title = (await card.locator('.proposal-card__title a').innerText()).trim();
    await card.locator('.proposal-card__title a').click();
    await page.waitForURL(/\/vorschlaege\/\d+/);
    const proposalUrl = page.url().split('?')[0].split('#')[0];
    await waitForHydration(page);
    await page.locator('#stellungnahme a:has-text("Stellungnahme anfragen")').click();
    await page.waitForURL(/\/verwaltung\/stellungnahmen\/\d+$/);
    await waitForHydration(page);
    await page.locator('h1:has-text("Stellungnahme der Fachverwaltung")').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the opinion page before a request');
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#opinion-unit', 'Amt für Mobilität');
    await page.fill('#opinion-due_on', due);
    await page.click('button:has-text("Anfrage speichern")');
    await page.waitForURL(/status=opinion_requested/);
    await waitForHydration(page);
    await page.locator('text=Die Anfrage ist gespeichert.').waitFor();
    await page.locator('text=um eine Stellungnahme gebeten').waitFor();
    await page.selectOption('#opinion-verdict', 'partly_feasible');
    const text = 'Umsetzbar auf dem Abschnitt bis zur Schillerstraße; danach fehlt der Platz.';
    await page.fill('#opinion-opinion', text);
    await page.click('button:has-text("Stellungnahme veröffentlichen")');
    await page.waitForURL(/status=opinion_answered/);
    await waitForHydration(page);
    await page.locator('text=Die Stellungnahme ist veröffentlicht.').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the opinion page with its answer');

    // The procedure's list, then back to the proposal through its row.
    await page.locator('.card__kicker a').first().click();
    await page.waitForURL(/\/verwaltung\/verfahren\/radverkehr-2030\/stellungnahmen$/);
    await waitForHydration(page);
    const row = page.locator('tr', { hasText: title });
    await row.locator('text=Teilweise umsetzbar').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the list of opinions');
    await row.locator('a').first().click();
    await page.waitForURL(/\/verwaltung\/stellungnahmen\/\d+/);
    await waitForHydration(page);
    await page.locator(`a:has-text("${title}")`).first().click();
    await page.waitForURL((url) => url.href.startsWith(proposalUrl));
    await waitForHydration(page);
    await page.locator(`#stellungnahme:has-text("${text}")`).waitFor();
    assert.deepEqual(planner.problems, []);
    await planner.context.close();

    // Residents read it without JavaScript too.
    for (const javaScriptEnabled of [true, false]) {
      const visitor = await newPage(browser, server.baseUrl, { javaScriptEnabled, bypassCSP: true });
      await visitor.page.goto(proposalUrl);
      const section = visitor.page.locator('#stellungnahme');
      await section.locator('text=Teilweise umsetzbar').waitFor();
      await section.locator('text=Amt für Mobilität, Stellungnahme vom').waitFor();
      assert.equal(await section.locator('a').count(), 0, 'no planner link for residents');
      if (javaScriptEnabled) {
        await waitForHydration(visitor.page);
        assert.deepEqual(await axeViolations(visitor.page), [], 'the proposal with its opinion');
      }
      await visitor.context.close();
    }
  });
});
