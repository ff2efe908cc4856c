// Photos on proposals, clicked as people do: a resident proposes, goes from her proposal
// to its photos page, adds a photo with its text alternative and sees it on the proposal
// and on its card in the procedure's list;
// a moderator comes from the proposal to the same page and hides the photo with a reason,
// after which visitors no longer see it. Without JavaScript the upload works the same.
// Every page passes axe, nothing is asked of another origin, the console stays clean.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  axeViolations, gradientPng, launchBrowser, newPage, signedIn, startServer, waitForHydration,
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

const ALT = 'Die Einmündung der Parkstraße, an der ein Radweg fehlt';
const PHOTO = { name: 'kreuzung.png', mimeType: 'image/png', buffer: gradientPng(900, 600) };

/** Proposes by clicking from the procedure's page; returns the proposal page's address. */
async function propose(page, title, scripted = true) {
  await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
  if (scripted) await waitForHydration(page);
  await page.click('a:has-text("Vorschlag einreichen")');
  await page.waitForURL(/\/vorschlag-neu$/);
  await page.fill('#field-title', title);
  await page.fill('#field-body', 'An der Einmündung endet der Radweg, und Radfahrende müssen auf die Fahrbahn wechseln.');
  await page.click('main button[type="submit"]');
  await page.waitForURL(/\/vorschlaege\/\d+/);
  return new URL(page.url()).pathname;
}

/** Whether the image has loaded (it has pixels). */
const loaded = (image) => image.evaluate((img) => img.complete && img.naturalWidth > 0);

describe('photos', () => {
  test('a resident adds a photo and a moderator hides it with a reason', async () => {
    const resident = await signedIn(browser, server.baseUrl, 'bewohnerin@mitreden.test', { bypassCSP: true });
    const { page } = resident;
    const proposal = await propose(page, 'Radweg an der Parkstraße durchziehen');
    await waitForHydration(page);
    const section = page.locator('section.proposal-photos');
    await section.locator('h2:has-text("Fotos")').waitFor();

    await section.locator('a:has-text("Fotos hinzufügen oder entfernen")').click();
    await page.waitForURL(/\/fotos$/);
    await page.locator('h1:has-text("Fotos des Vorschlags")').waitFor();
    assert.match(await page.locator('main').innerText(), /Noch keine Fotos/);
    assert.deepEqual(await axeViolations(page), [], 'the empty photos page');

    // Without a text alternative the browser asks for one; with it, the photo is saved.
    await page.setInputFiles('#photo-file', PHOTO);
    await page.fill('#photo-alt', ALT);
    await page.click('form button:has-text("Foto hinzufügen")');
    await page.waitForURL(/status=image_saved/);
    await waitForHydration(page);
    await page.locator('.alert--success:has-text("Das Bild wurde gespeichert.")').waitFor();
    const thumbnail = page.locator(`.photo-desk img[alt="${ALT}"]`);
    await thumbnail.waitFor();
    assert.ok(await loaded(thumbnail), 'the list size is shown');
    const thumbnailSrc = await thumbnail.getAttribute('src');
    assert.match(thumbnailSrc, /^\/medien\/[0-9a-f]{64}\.jpg$/);
    assert.deepEqual(await axeViolations(page), [], 'the photos page with a photo');
    // The hydrated page stays where the server sent it (it once went on to the proposal).
    assert.equal(new URL(page.url()).pathname, `${proposal}/fotos`);
    assert.equal(new URL(page.url()).search, '?status=image_saved');

    await page.locator('.card__kicker a').click();
    await page.waitForURL((url) => url.pathname === proposal);
    await waitForHydration(page);
    const shown = page.locator(`section.proposal-photos img[alt="${ALT}"]`);
    await shown.waitFor();
    assert.ok(await loaded(shown), 'the page size is shown on the proposal');
    assert.deepEqual(await axeViolations(page), [], 'the proposal with its photo');

    // Back on the procedure, the proposal's card shows the photo in the list size.
    await page.locator('.proposal .card__kicker a').click();
    await page.waitForURL((url) => url.pathname === '/verfahren/radverkehr-2030');
    await waitForHydration(page);
    const card = page.locator(`.proposal-card img.proposal-card__photo[alt="${ALT}"]`);
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    await card.evaluate((img) => img.decode());
    assert.ok(await loaded(card), 'the card shows the list size');
    assert.equal(await card.getAttribute('src'), thumbnailSrc);
    assert.deepEqual(await axeViolations(page), [], 'the listing with a photo');
    assert.deepEqual(resident.problems, []);
    assert.deepEqual(resident.foreignRequests, []);

    // A moderator goes from the proposal to its photos and hides the photo.
    const moderator = await signedIn(browser, server.baseUrl, 'moderation@mitreden.test', { bypassCSP: true });
    const mod = moderator.page;
    await mod.goto(`${server.baseUrl}${proposal}`);
    await waitForHydration(mod);
    await mod.locator('section.proposal-photos a:has-text("Fotos prüfen")').click();
    await mod.waitForURL(/\/fotos$/);
    await mod.locator('.photo-desk summary:has-text("Foto ausblenden")').click();
    await mod.selectOption('.photo-desk select', 'personal_data');
    await mod.fill('.photo-desk input[name="form[public_reason]"]', 'Auf dem Foto ist ein Kennzeichen zu lesen.');
    await mod.click('.photo-desk form button:has-text("Foto ausblenden")');
    await mod.waitForURL(/status=decided_redact/);
    await waitForHydration(mod);
    await mod.locator('.alert--success:has-text("Die Entscheidung ist gespeichert")').waitFor();
    await mod.locator('.photo-desk .moderation-mark:has-text("Von der Moderation ausgeblendet")').waitFor();
    assert.equal(await mod.locator('.photo-desk summary:has-text("Foto ausblenden")').count(), 0);
    assert.deepEqual(await axeViolations(mod), [], 'the photos page after the decision');
    assert.deepEqual(moderator.problems, []);

    // Visitors see the proposal without it.
    const visitor = await newPage(browser, server.baseUrl);
    await visitor.page.goto(`${server.baseUrl}${proposal}`);
    await waitForHydration(visitor.page);
    await visitor.page.locator('.proposal h1').waitFor();
    assert.equal(await visitor.page.locator(`img[alt="${ALT}"]`).count(), 0);
    assert.deepEqual(visitor.problems, []);
    for (const session of [resident, moderator, visitor]) await session.context.close();
  });

  test('without JavaScript, the photo is added by the plain form', async () => {
    const { context, page, problems, foreignRequests } = await signedIn(browser, server.baseUrl, 'bewohnerin@mitreden.test', {
      javaScriptEnabled: false, bypassCSP: true,
    });
    await propose(page, 'Radweg an der Parkstraße ohne Skript', false);
    await page.click('section.proposal-photos a:has-text("Fotos hinzufügen oder entfernen")');
    await page.waitForURL(/\/fotos$/);
    await page.setInputFiles('#photo-file', PHOTO);
    // Too short a text alternative: back with the problem, nothing saved.
    await page.fill('#photo-alt', 'x');
    await page.click('form button:has-text("Foto hinzufügen")');
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.locator('.photo-desk img').count(), 0);
    await page.setInputFiles('#photo-file', PHOTO);
    await page.fill('#photo-alt', ALT);
    await page.click('form button:has-text("Foto hinzufügen")');
    await page.waitForURL(/status=image_saved/);
    await page.locator(`.photo-desk img[alt="${ALT}"]`).waitFor();
    await page.click('.photo-desk button:has-text("Foto entfernen")');
    await page.waitForURL(/status=image_removed/);
    assert.equal(await page.locator('.photo-desk img').count(), 0);
    assert.deepEqual(problems, []);
    assert.deepEqual(foreignRequests, []);
    await context.close();
  });
});
