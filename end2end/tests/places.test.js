// Places in the browser: a resident names the district of a proposal and finds it again
// through the list's district filter; without JavaScript, a resident places a proposal by
// its address and picks what was meant after a typo; a planner opens the districts page from the planners'
// overview and a broken district file is refused feature by feature, changing nothing; a
// planner gives a procedure an area, residents choose among its districts and see the
// place on a map the server draws, and no request leaves the instance.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, launchBrowser, signedIn, startServer, waitForHydration } from './support.js';

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
const TITLE = 'Sitzbänke am Oststadtplatz';

describe('districts', () => {
  test('a resident places a proposal in a district and finds it through the filter', async () => {
    const { context, page, problems } = await loggedIn('bewohnerin@mitreden.test', { bypassCSP: true });
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(page);
    await page.click('a:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/vorschlag-neu$/);
    await page.fill('#field-title', TITLE);
    await page.fill('#field-body', 'Am Oststadtplatz fehlen Bänke im Schatten, auf denen ältere Menschen ausruhen können.');
    await page.selectOption('#field-district', { label: 'Oststadt' });
    await page.click('main button[type="submit"]');
    await page.waitForURL(/\/vorschlaege\/\d+/);
    await waitForHydration(page);
    const facts = page.locator('dl.facts');
    await facts.locator('dt:has-text("Stadtteil")').waitFor();
    await facts.locator('dd:has-text("Oststadt")').waitFor();
    assert.match(await facts.innerText(), /nur der Stadtteil ist angegeben/);
    assert.deepEqual(await axeViolations(page), [], 'the proposal with its district');

    await page.locator('.page-intro .card__kicker a').click();
    await page.waitForURL(/\/verfahren\/radverkehr-2030$/);
    await waitForHydration(page);
    await page.selectOption('#filter-district', { label: 'Oststadt' });
    await page.click('form.filters button:has-text("Anwenden")');
    await page.waitForURL(/district=03/);
    const list = page.locator('.proposal-list');
    await list.locator(`a:has-text("${TITLE}")`).waitFor();
    await list.locator('a:has-text("Grüner Pfeil für Radfahrende")').waitFor();
    assert.equal(await list.locator('a:has-text("Fahrradbügel am Marktplatz")').count(), 0);
    assert.equal(await page.locator('#filter-district').inputValue(), '03');
    assert.match(await list.locator('.proposal-card', { hasText: TITLE }).innerText(), /Oststadt/);
    assert.deepEqual(await axeViolations(page), [], 'the filtered list');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript, a resident gives an address and picks what was meant', async () => {
    const { context, page, problems } = await loggedIn('bewohnerin@mitreden.test', {
      javaScriptEnabled: false, bypassCSP: true,
    });
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await page.click('a:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/vorschlag-neu$/);
    await page.fill('#field-title', 'Radbügel an der Parkstraße');
    await page.fill('#field-body', 'Vor dem Haus Parkstraße 12 stehen die Räder auf dem Gehweg, weil Bügel fehlen.');
    await page.fill('#field-address', 'Parkstrase 12');
    await page.click('main button[type="submit"]');
    const choices = page.locator('fieldset.address-choices');
    await choices.waitFor();
    assert.match(await page.locator('#field-address-error').innerText(), /nicht im Adressverzeichnis/);
    assert.equal(await page.locator('#field-address').inputValue(), 'Parkstrase 12');
    assert.equal(await page.locator('#field-title').inputValue(), 'Radbügel an der Parkstraße');
    const suggestions = page.url();
    await choices.locator('label:has-text("Parkstraße 12, 12342")').click();
    await page.click('main button[type="submit"]');
    await page.waitForURL(/\/vorschlaege\/\d+/);
    const facts = page.locator('dl.facts');
    await facts.locator('dd:has-text("Parkstraße 12, 12342")').waitFor();
    await facts.locator('dd:has-text("Nordstadt")').waitFor();
    assert.equal(await page.locator('img[src^="/karten/vorschlaege/"]').count(), 1, 'the map of the place');
    assert.deepEqual(problems, []);
    // axe runs as a script: both states again in a browser that runs it.
    const checked = await loggedIn('bewohnerin@mitreden.test', { bypassCSP: true });
    for (const [url, state] of [[suggestions, 'the suggestions'], [page.url(), 'the placed proposal']]) {
      await checked.page.goto(url);
      await waitForHydration(checked.page);
      assert.deepEqual(await axeViolations(checked.page), [], state);
    }
    assert.deepEqual(checked.problems, []);
    await checked.context.close();
    await context.close();
  });

  test('a planner opens the districts and a broken file changes nothing', async () => {
    const { context, page, problems } = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    await page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await waitForHydration(page);
    await page.click('main a:has-text("Stadtteile")');
    await page.waitForURL(/\/verwaltung\/stadtteile$/);
    await waitForHydration(page);
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 6);
    await rows.locator('th:has-text("Altstadt")').waitFor();
    await page.locator('text=Für die Demo gezeichnet, keine amtlichen Grenzen').waitFor();
    await page.locator('#adressen >> text=1440 Adressen in 33 Straßen').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the districts page');

    const broken = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { key: '01', name: 'Altstadt' },
          geometry: { type: 'Polygon', coordinates: [[[9.1, 48.7], [9.2, 48.7], [9.2, 48.8], [9.1, 48.7]]] } },
        { type: 'Feature', properties: { key: '02', name: 'Nordstadt' },
          geometry: { type: 'Point', coordinates: [9.1, 48.7] } },
      ],
    };
    await page.setInputFiles('#field-districts', {
      name: 'stadtteile.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(broken)),
    });
    await page.fill('#field-source', 'Eigene Zeichnung');
    await page.click('main button:has-text("Stadtteile importieren")');
    const summary = page.locator('.error-summary');
    await summary.locator('text=Objekt 2: Ein Stadtteil muss eine Fläche sein').waitFor();
    // The refused post comes back as a new document: scan it once it has hydrated.
    await waitForHydration(page);
    assert.equal(await page.locator('#field-source').inputValue(), 'Eigene Zeichnung');
    assert.equal(await rows.count(), 6, 'nothing imported');
    assert.deepEqual(await axeViolations(page), [], 'the refused import');
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
    await context.close();
  });

  test('a planner sets an area; residents choose among its districts and see a map', async () => {
    const loaded = (img) => img.evaluate((el) => el.complete && el.naturalWidth > 0);
    const planner = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    let page = planner.page;
    await page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await waitForHydration(page);
    await page.locator('tr', { hasText: 'Radverkehrskonzept 2030' }).locator('a:text-is("Gebiet")').click();
    await page.waitForURL(/\/verwaltung\/verfahren\/radverkehr-2030\/gebiet$/);
    await waitForHydration(page);
    await page.locator('text=Dieses Verfahren hat kein Gebiet').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the area page without an area');
    await page.check('label:text-is("Altstadt")');
    await page.check('label:text-is("Oststadt")');
    await page.click('main button:has-text("Gebiet aus diesen Stadtteilen festlegen")');
    await page.locator('text=Das Gebiet ist festgelegt.').waitFor();
    // Its label and the districts it covers: here the same names.
    await page.locator('dd:text-is("Altstadt, Oststadt")').nth(1).waitFor();
    const areaMap = page.locator('figure.place-map img');
    await areaMap.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('figure.place-map img')?.naturalWidth > 0);
    assert.ok(await loaded(areaMap), 'the area is drawn');
    assert.deepEqual(await axeViolations(page), [], 'the area page with its area');
    await page.locator('.card__kicker a:has-text("Radverkehrskonzept 2030")').click();
    await page.waitForURL(/\/verfahren\/radverkehr-2030$/);
    await waitForHydration(page);
    await page.locator('dd:text-is("Altstadt, Oststadt")').waitFor();
    assert.deepEqual(planner.problems, []);
    assert.deepEqual(planner.foreignRequests, []);
    await planner.context.close();

    const resident = await loggedIn('bewohnerin@mitreden.test', { bypassCSP: true });
    page = resident.page;
    await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(page);
    await page.click('a:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/vorschlag-neu$/);
    await waitForHydration(page);
    // The form appears once its data has arrived (a navigation in the page, no reload).
    await page.locator('#field-title').waitFor();
    const offered = await page.locator('#field-district option').allInnerTexts();
    assert.deepEqual(offered.slice(1).sort(), ['Altstadt', 'Oststadt'], 'only the area\'s districts');
    await page.fill('#field-title', 'Trinkbrunnen in der Altstadt');
    await page.fill('#field-body', 'Im Sommer fehlt in der Altstadt Trinkwasser für alle, die zu Fuß oder mit dem Rad unterwegs sind.');
    await page.selectOption('#field-district', { label: 'Altstadt' });
    await page.click('main button[type="submit"]');
    await page.waitForURL(/\/vorschlaege\/\d+/);
    await waitForHydration(page);
    const placeMap = page.locator('figure.place-map img');
    await placeMap.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('figure.place-map img')?.naturalWidth > 0);
    assert.ok(await loaded(placeMap), 'the place is drawn');
    assert.deepEqual(await axeViolations(page), [], 'the proposal with its map');
    assert.deepEqual(resident.problems, []);
    assert.deepEqual(resident.foreignRequests, []);
    await resident.context.close();

    // The planner removes the area again, by the page's button.
    const again = await loggedIn('planung@mitreden.test', { bypassCSP: true });
    page = again.page;
    await page.goto(`${server.baseUrl}/verwaltung/verfahren/radverkehr-2030/gebiet`);
    await waitForHydration(page);
    await page.click('main button:has-text("Gebiet entfernen")');
    await page.locator('text=Das Gebiet ist entfernt').waitFor();
    assert.deepEqual(again.problems, []);
    await again.context.close();
  });

  for (const lang of ['de', 'en']) {
    test(`the districts and area pages pass axe (${lang})`, async () => {
      const { context, page } = await loggedIn('planung@mitreden.test', {
        bypassCSP: true,
        locale: lang === 'de' ? 'de-DE' : 'en-GB',
      });
      await page.context().addCookies([{ name: 'mitreden_lang', value: lang, url: server.baseUrl }]);
      for (const address of ['/verwaltung/stadtteile', '/verwaltung/verfahren/radverkehr-2030/gebiet']) {
        await page.goto(`${server.baseUrl}${address}`);
        await waitForHydration(page);
        await page.locator('h1').waitFor();
        assert.deepEqual(await axeViolations(page), [], `${address} (${lang})`);
      }
      await context.close();
    });
  }
});
