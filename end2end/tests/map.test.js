// The map of a procedure's proposals in the browser: a visitor switches from the list to
// the map by its tab, finds the proposals in view listed below it, opens one by keyboard
// (its details load into a popup, Escape returns to the list), zooms out until proposals
// gather into a cluster and opens that, then follows a popup's link to the proposal and
// comes back. A resident proposing sets the place on a map by click, by keyboard and by
// the device's location (asked for only on request). The maps load their code only on
// their pages, ask nothing of another origin, and pass axe in both languages; without
// JavaScript the map view says what it offers instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, launchBrowser, newPage, signedIn, startServer, waitForHydration } from './support.js';

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

const PROCEDURE = '/verfahren/radverkehr-2030';

/** The buttons below the map, once the map has drawn the view. */
async function mapButtons(page) {
  const buttons = page.locator('.proposal-map__list button');
  await buttons.first().waitFor();
  return buttons;
}

/** Clicks a zoom button of the map and waits until the new view is announced. */
async function zoom(page, direction) {
  const status = page.locator('.map__status');
  const before = await status.innerText();
  await page.locator(`.leaflet-control-zoom-${direction}`).click();
  await page.waitForFunction((text) => {
    const now = document.querySelector('.map__status')?.textContent;
    return now && now !== text;
  }, before);
}

describe('the map of the proposals', () => {
  test('a visitor opens the map, a proposal by keyboard and a cluster, and follows a popup', async () => {
    const { context, page, problems, foreignRequests } = await newPage(browser, server.baseUrl, { bypassCSP: true });
    const scripts = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.baseUrl}${PROCEDURE}`);
    await waitForHydration(page);
    assert.equal(scripts.filter((s) => s.startsWith('/map/')).length, 0, 'the list loads no map code');
    await page.locator('nav.tabs a:has-text("Karte")').click();
    await page.waitForURL(/view=map/);
    // The list is drawn anew as the map view (the address changes first).
    await page.locator('nav.tabs a[aria-current="page"]:has-text("Karte")').waitFor();
    await mapButtons(page);
    const status = page.locator('.map__status');
    assert.match(await status.innerText(), /Zoomstufe \d+: .*Vorschl.* im Ausschnitt/);
    assert.ok(scripts.includes('/map/leaflet.js'), 'Leaflet came with the map');
    assert.ok(await page.locator('.proposal-list .proposal-card').count() > 0, 'the list stays beside the map');
    assert.deepEqual(await axeViolations(page), [], 'the map view');

    // By keyboard: a proposal's button opens its popup, with the focus on its link.
    const single = page.locator('.proposal-map__list button', { hasText: /^Vorschlag Nr\. \d+$/ }).first();
    const label = await single.innerText();
    await single.focus();
    await page.keyboard.press('Enter');
    const popup = page.locator('.leaflet-popup');
    const link = popup.locator('.map-popup__title a');
    await link.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.map-popup__title') !== null), true);
    const title = await link.innerText();
    assert.ok(title.length > 3, 'the popup names the proposal');
    await page.keyboard.press('Escape');
    await popup.waitFor({ state: 'detached' });
    // Back on its button (the list may have been drawn anew when the popup moved the map).
    await page.waitForFunction((text) => {
      const active = document.activeElement;
      return active?.closest('.proposal-map__list') && active.textContent === text;
    }, label, { timeout: 5_000 });

    // Zoomed out, nearby proposals gather; opening the cluster zooms in on them.
    const cluster = page.locator('.proposal-map__list button', { hasText: /Vorschläge in der Nähe/ });
    for (let step = 0; step < 12 && (await cluster.count()) === 0; step += 1) await zoom(page, 'out');
    assert.ok(await cluster.count() > 0, 'a cluster when zoomed out');
    const zoomOf = async () => Number((await status.innerText()).match(/Zoomstufe (\d+)/)[1]);
    const far = await zoomOf();
    await cluster.first().click();
    await page.waitForFunction((z) => {
      const match = document.querySelector('.map__status')?.textContent.match(/Zoomstufe (\d+)/);
      return match && Number(match[1]) > z;
    }, far);
    assert.ok(await zoomOf() > far, 'zoomed in on the cluster');

    // A popup's link leads to the proposal; back again, the map is drawn anew.
    const singles = page.locator('.proposal-map__list button', { hasText: /^Vorschlag Nr\. \d+$/ });
    for (let step = 0; step < 6 && (await singles.count()) === 0; step += 1) await zoom(page, 'in');
    await singles.first().click();
    await link.waitFor();
    const name = await link.innerText();
    // By keyboard (the focus is on the link): a click could land where the popup was
    // before it moved the map to fit.
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/vorschlaege\/\d+$/);
    await page.locator(`h1:has-text("${name}")`).waitFor();
    await page.goBack();
    await page.waitForURL(/view=map/);
    await mapButtons(page);
    assert.equal(await page.locator('.leaflet-container').count(), 1, 'one map, drawn anew');

    assert.deepEqual(foreignRequests, [], 'nothing asked of another origin');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a resident sets the place of a new proposal by click, by keyboard and by location', async () => {
    // In the demo city's Oststadt (9.20-9.25 east, 48.78-48.82 north).
    const { context, page, problems, foreignRequests } = await signedIn(browser, server.baseUrl, 'bewohnerin@mitreden.test', {
      bypassCSP: true, geolocation: { latitude: 48.8, longitude: 9.225 }, permissions: ['geolocation'],
    });
    await page.goto(`${server.baseUrl}${PROCEDURE}`);
    await waitForHydration(page);
    await page.click('a:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/vorschlag-neu$/);
    const picker = page.locator('.place-picker');
    const status = picker.locator('.map__status');
    await status.filter({ hasText: 'Kein Ort auf der Karte gesetzt.' }).waitFor();
    const placed = page.locator('.place-picker input[name="geometry"]');
    assert.equal(await placed.count(), 0, 'nothing placed, nothing sent');

    // By click, and taken back.
    await picker.locator('.map__canvas').click({ position: { x: 120, y: 90 } });
    await status.filter({ hasText: /^Ort gesetzt: 48\.\d+ Nord, 9\.\d+ Ost/ }).waitFor();
    const point = JSON.parse(await placed.inputValue());
    assert.equal(point.type, 'Point');
    assert.ok(point.coordinates[0] > 9 && point.coordinates[0] < 9.4, 'longitude first');
    await picker.locator('button:has-text("Ort entfernen")').click();
    await status.filter({ hasText: 'Kein Ort auf der Karte gesetzt.' }).waitFor();
    assert.equal(await placed.count(), 0);

    // By keyboard: Enter sets the point under the cross in the middle.
    await picker.locator('.map__canvas').focus();
    await page.keyboard.press('Enter');
    await status.filter({ hasText: /^Ort gesetzt: 48\.7\d+ Nord, 9\.1\d+ Ost/ }).waitFor();

    // The device's location, when asked for.
    await picker.locator('button:has-text("Meinen Standort verwenden")').click();
    await status.filter({ hasText: /^Ort gesetzt: 48\.80000 Nord, 9\.22500 Ost/ }).waitFor();
    assert.deepEqual(JSON.parse(await placed.inputValue()).coordinates, [9.225, 48.8]);
    assert.deepEqual(await axeViolations(page), [], 'the form with its map');

    await page.fill('#field-title', 'Abstellbügel vor der Oststadt-Bibliothek');
    await page.fill('#field-body', 'Vor der Bibliothek stehen die Räder an den Bäumen; zehn Bügel würden reichen.');
    await page.click('main form button[type="submit"]:has-text("Vorschlag einreichen")');
    await page.waitForURL(/\/vorschlaege\/\d+/);
    const facts = page.locator('dl.facts');
    await facts.locator('dd:has-text("Oststadt")').waitFor();
    assert.equal(await page.locator('img[src^="/karten/vorschlaege/"]').count(), 1, 'the map of the place');
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the map view reads well in English and passes axe', async () => {
    const { context, page, problems, foreignRequests } = await newPage(browser, server.baseUrl, {
      bypassCSP: true, locale: 'en-GB',
    });
    await page.context().addCookies([{ name: 'mitreden_lang', value: 'en', url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}${PROCEDURE}`);
    await waitForHydration(page);
    await page.locator('nav.tabs a:has-text("Map")').click();
    await page.waitForURL(/view=map/);
    await mapButtons(page);
    assert.match(await page.locator('.map__status').innerText(), /Zoom level \d+: .* in view\./);
    assert.match(await page.locator('.map__help').innerText(), /arrow keys/);
    assert.equal(await page.locator('.map__canvas').getAttribute('aria-label'), 'Map of the proposals');
    assert.deepEqual(await axeViolations(page), [], 'the map view (en)');
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without JavaScript the map view says so and keeps the list and its filters', async () => {
    const { context, page, problems } = await newPage(browser, server.baseUrl, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}${PROCEDURE}`);
    await page.locator('nav.tabs a:has-text("Karte")').click();
    await page.waitForURL(/view=map/);
    await page.locator('.proposal-map__fallback:has-text("Die Karte braucht JavaScript")').waitFor();
    assert.ok(await page.locator('.proposal-list .proposal-card').count() > 0);
    // Filtering stays on the map view.
    await page.selectOption('#filter-district', { label: 'Oststadt' });
    await page.click('form.filters button:has-text("Anwenden")');
    await page.waitForURL(/district=03/);
    assert.match(page.url(), /view=map/);
    await page.locator('nav.tabs a:has-text("Liste")').click();
    await page.waitForURL((url) => !url.search.includes('view=map'));
    assert.equal(await page.locator('.proposal-map').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
