// The participatory budget in the browser, as residents click it: fill a ballot that saves
// as they go, leave, come back, submit, get the receipt, withdraw and submit again; the same
// without JavaScript; a planner sees the count so far. Plus accessibility in each state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

// `bypassCSP` lets axe-core's script in; the pages' own policy stays as it is otherwise.
const loggedIn = (email, options = {}) => signedIn(browser, server.baseUrl, email, { bypassCSP: true, ...options });

async function assertAccessible(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe-core on ${state}`);
}

/** axe-core runs as a script: a page seen without JavaScript is scanned as the same
 *  person's browser with scripts gets the same address. */
async function assertAccessibleAsServed(page, state) {
  const context = await browser.newContext({
    locale: 'de-DE', bypassCSP: true, storageState: await page.context().storageState(),
  });
  const scan = await context.newPage();
  await scan.goto(page.url());
  await waitForHydration(scan);
  await assertAccessible(scan, state);
  await context.close();
}

/** The note that the last change was saved in the background. */
const autosaved = (page) => page.locator('p[aria-live="polite"]', { hasText: 'Entwurf gespeichert.' });

/** From the start page, by clicks, to a district's ballot. */
async function openBallot(page, district, { hydrated = true } = {}) {
  await page.click('a:has-text("Bürgerbudget 2026")');
  await page.locator('h1:has-text("Bürgerbudget 2026")').waitFor();
  const card = page.locator('.budget-card', { hasText: `Stadtbezirk ${district}` });
  await card.locator('a:has-text("Zum Stimmzettel")').click();
  await page.locator(`h1:has-text("Bürgerbudget Stadtbezirk ${district}")`).waitFor();
  if (hydrated) await waitForHydration(page);
}

const box = (page, title) => page.getByRole('checkbox', { name: title });
const status = (page) => page.locator('#ballot-status');
const summary = (page) => page.locator('.ballot__summary');

describe('a resident votes in the Bürgerbudget', () => {
  test('fills a ballot that saves as she goes, leaves, returns, submits, withdraws, submits again', async () => {
    const resident = await loggedIn('bewohnerin@mitreden.test');
    const { page } = resident;
    await page.goto(`${server.baseUrl}/`);
    await waitForHydration(page);
    await openBallot(page, 'Nord');
    await assert.doesNotReject(status(page).filter({ hasText: 'Entwurf – zählt noch nicht' }).waitFor());
    await page.locator('text=Wählen Sie Projekte, die zusammen höchstens 100.000 € kosten.').waitFor();
    await assertAccessible(page, 'an empty ballot');

    // Each tick is saved in the background; the figures follow at once.
    await box(page, 'Trinkbrunnen am Nordpark').check();
    await summary(page).locator('text=1 Projekt gewählt').waitFor();
    await summary(page).locator('text=Verteilt: 18.000 € – noch verfügbar: 82.000 €').waitFor();
    await autosaved(page).waitFor();
    await box(page, 'Bolzplatz Wiesengrund sanieren').check();
    await box(page, 'Hundewiese auf der Fläche Wiesengrund').check();
    await summary(page).locator('text=schließen einander aus').waitFor();
    await assertAccessible(page, 'a ballot with a problem');
    await box(page, 'Hundewiese auf der Fläche Wiesengrund').uncheck();
    await summary(page).locator('text=Ihr Stimmzettel kann abgegeben werden.').waitFor();
    await summary(page).locator('text=noch verfügbar: 44.000 €').waitFor();
    await autosaved(page).waitFor();

    // Away to the procedure and back: the draft is there, and still does not count.
    await page.click('.page-intro .card__kicker a:has-text("Bürgerbudget 2026")');
    await page.locator('h1:has-text("Bürgerbudget 2026")').waitFor();
    const card = page.locator('.budget-card', { hasText: 'Stadtbezirk Nord' });
    await card.locator('a:has-text("Zum Stimmzettel")').click();
    await page.locator('h1:has-text("Bürgerbudget Stadtbezirk Nord")').waitFor();
    assert.ok(await box(page, 'Trinkbrunnen am Nordpark').isChecked(), 'the draft kept the fountain');
    assert.ok(await box(page, 'Bolzplatz Wiesengrund sanieren').isChecked(), 'the draft kept the pitch');
    assert.ok(!(await box(page, 'Hundewiese auf der Fläche Wiesengrund').isChecked()));
    await status(page).filter({ hasText: 'Entwurf – zählt noch nicht' }).waitFor();

    // Submitted: it counts, the receipt comes by mail.
    await page.click('button:has-text("Stimmzettel abgeben")');
    await page.locator('text=Ihr Stimmzettel ist abgegeben und zählt.').waitFor();
    await status(page).filter({ hasText: /Abgegeben am .* – Ihr Stimmzettel zählt\./ }).waitFor();
    assert.ok(await box(page, 'Trinkbrunnen am Nordpark').isDisabled(), 'a submitted ballot is fixed');
    await assertAccessible(page, 'a submitted ballot');
    const receipt = await sink.waitFor('bewohnerin@mitreden.test', 15_000, 'Bürgerbudget Stadtbezirk Nord');
    assert.match(receipt, /Trinkbrunnen am Nordpark/);
    assert.match(receipt, /Bolzplatz Wiesengrund sanieren/);

    // Withdrawn: a draft again, with the choices kept; then submitted again.
    await page.click('button:has-text("Stimmzettel zurückziehen")');
    await page.locator('text=Ihr Stimmzettel ist zurückgezogen und zählt nicht mehr.').waitFor();
    await status(page).filter({ hasText: 'Entwurf – zählt noch nicht' }).waitFor();
    assert.ok(await box(page, 'Trinkbrunnen am Nordpark').isChecked());
    await box(page, 'Offener Bücherschrank am Bürgerhaus Nord').check();
    await autosaved(page).waitFor();
    await page.click('button:has-text("Stimmzettel abgeben")');
    await status(page).filter({ hasText: 'Ihr Stimmzettel zählt.' }).waitFor();
    assert.ok(await box(page, 'Offener Bücherschrank am Bürgerhaus Nord').isChecked());
    assert.deepEqual(resident.problems, []);
    assert.deepEqual(resident.foreignRequests, []);
    await resident.context.close();
  });

  test('votes without JavaScript: saves a draft, is refused an invalid ballot, submits', async () => {
    const resident = await loggedIn('moderation@mitreden.test', { javaScriptEnabled: false });
    const { page } = resident;
    await page.goto(`${server.baseUrl}/`);
    await openBallot(page, 'Süd', { hydrated: false });
    await page.locator('text=Wählen Sie bis zu 3 Projekte.').waitFor();
    for (const title of ['Sitzgruppen am Südufer', 'Calisthenics-Anlage im Südpark']) {
      await box(page, title).check();
    }
    await page.click('button:has-text("Entwurf speichern")');
    await page.locator('text=Ihr Entwurf ist gespeichert.').waitFor();
    assert.ok(await box(page, 'Sitzgruppen am Südufer').isChecked());
    await status(page).filter({ hasText: 'Entwurf – zählt noch nicht' }).waitFor();
    await assertAccessibleAsServed(page, 'a saved draft without JavaScript');

    // Four projects where three are allowed: refused, and the ballot stays a draft.
    for (const title of ['Querungshilfe vor der Kita Sonnenblume', 'Streuobstwiese am Mühlbach']) {
      await box(page, title).check();
    }
    await page.click('button:has-text("Stimmzettel abgeben")');
    await page.locator('.alert--error:has-text("mehr Projekte gewählt, als die Regel erlaubt")').waitFor();
    await status(page).filter({ hasText: 'Entwurf – zählt noch nicht' }).waitFor();
    await assertAccessibleAsServed(page, 'a refused ballot without JavaScript');

    await box(page, 'Streuobstwiese am Mühlbach').uncheck();
    await page.click('button:has-text("Stimmzettel abgeben")');
    await page.locator('text=Ihr Stimmzettel ist abgegeben und zählt.').waitFor();
    await status(page).filter({ hasText: 'Ihr Stimmzettel zählt.' }).waitFor();
    const receipt = await sink.waitFor('moderation@mitreden.test', 15_000, 'Stadtbezirk Süd');
    assert.match(receipt, /Querungshilfe vor der Kita Sonnenblume/);
    assert.deepEqual(resident.problems, []);
    await resident.context.close();
  });

  test('visitors read the projects and are asked to sign in; a planner sees the count so far', async () => {
    const visitor = await newPage(browser, server.baseUrl, { bypassCSP: true });
    const { page } = visitor;
    await page.goto(`${server.baseUrl}/`);
    await waitForHydration(page);
    await openBallot(page, 'Nord');
    await page.locator('a:has-text("Zum Abstimmen anmelden")').waitFor();
    await page.locator('h3:has-text("Trinkbrunnen am Nordpark")').waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 0, 'no ballot for visitors');
    await assertAccessible(page, 'the budget for a visitor');
    assert.deepEqual(visitor.problems, []);
    await visitor.context.close();

    const planner = await loggedIn('planung@mitreden.test');
    await planner.page.goto(`${server.baseUrl}/`);
    await waitForHydration(planner.page);
    await openBallot(planner.page, 'Süd');
    await planner.page.click('a:has-text("Zum Ergebnis")');
    await planner.page.locator('h1:has-text("Ergebnis: Bürgerbudget Stadtbezirk Süd")').waitFor();
    await planner.page.locator('text=Zwischenstand, nur für die Planung sichtbar').waitFor();
    const rows = planner.page.locator('table.budget-results tbody tr');
    assert.equal(await rows.count(), 6, 'every project on the ballot has a row');
    await planner.page.locator('table.budget-results tr', { hasText: 'Calisthenics-Anlage im Südpark' })
      .locator('text=Gefördert').waitFor();
    await planner.page.locator('code.checksum').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor();
    await assertAccessible(planner.page, 'the results page');
    await planner.page.click('a:has-text("Zurück zum Stimmzettel")');
    await planner.page.locator('h1:has-text("Bürgerbudget Stadtbezirk Süd")').waitFor();
    assert.deepEqual(planner.problems, []);
    await planner.context.close();
  });
});
