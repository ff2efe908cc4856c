// The participatory budget in the browser, as residents click it: fill a ballot that saves
// as they go, leave, come back, submit, get the receipt, withdraw and submit again; the same
// without JavaScript; a planner sees the count so far. A planner sets a budget up, the
// schedule locks it, paper ballots are entered and a colleague confirms them. Plus
// accessibility in each state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  axeViolations, gradientPng, launchBrowser, newPage, signedIn, startServer, startSmtpSink,
  waitForHydration,
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
  // Scanned as the person sees it once the page is live (mid-hydration, the head is
  // being taken over).
  await waitForHydration(page);
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

  test('a planner sets a budget up, voting locks it, paper ballots are entered and confirmed', async () => {
    const planner = await loggedIn('planung@mitreden.test');
    const { page } = planner;
    const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await waitForHydration(page);
    await page.click('a:has-text("Neues Verfahren")');
    await page.locator('#editor-title').waitFor();
    await page.fill('#editor-title', 'Bürgerbudget 2027');
    await page.fill('#editor-slug', 'buergerbudget-2027');
    await page.fill('#editor-department', 'Kämmerei');
    await page.fill('#phase-1-first', day(-5));
    await page.fill('#phase-1-last', day(5));
    await page.fill('#phase-3-first', day(6));
    await page.fill('#phase-3-last', day(20));
    await page.click('form.editor button[type="submit"]');
    const row = page.locator('tr', { hasText: 'Bürgerbudget 2027' });
    await row.locator('button:has-text("Veröffentlichen")').click();
    await page.locator('text=Das Verfahren ist veröffentlicht.').waitFor();

    // A budget for the whole city, in euros as people write them.
    await page.locator('tr', { hasText: 'Bürgerbudget 2027' }).getByRole('link', { name: 'Bürgerbudget', exact: true }).click();
    await page.locator('h1:has-text("Bürgerbudget: Bürgerbudget 2027")').waitFor();
    await waitForHydration(page);
    await assertAccessible(page, 'a procedure without budgets');
    await page.fill('#budget-title', 'Ganze Stadt');
    await page.fill('#budget-total', 'viel');
    await page.click('button:has-text("Budget anlegen")');
    await page.locator('.alert--error:has-text("Das ist kein Betrag in Euro.")').waitFor();
    await assertAccessible(page, 'a refused budget');
    await page.fill('#budget-total', '50.000');
    await page.click('button:has-text("Budget anlegen")');
    await page.locator('text=Das Budget ist angelegt.').waitFor();
    await page.locator('h1:has-text("Ganze Stadt")').waitFor();
    await assertAccessible(page, "a new budget's desk");

    // Two projects, reviewed and put on the ballot.
    for (const [title, cost] of [['Sitzbänke am Fluss', '12.000'], ['Trinkbrunnen am Markt', '20.000']]) {
      await page.fill('#project-title', title);
      await page.fill('#project-description', 'Was gebaut wird und wo.');
      await page.fill('#project-cost', cost);
      await page.click('button:has-text("Projekt anlegen")');
      await page.locator('text=Das Projekt ist angelegt.').waitFor();
      await page.locator(`h1:has-text("${title}")`).waitFor();
      await assertAccessible(page, 'a new project');
      await page.check('#project-feasibility-feasible');
      await page.fill('#project-feasibility_reason', 'Das Tiefbauamt hält es für umsetzbar.');
      await page.check('#project-selected');
      await page.click('form.editor button:has-text("Speichern")');
      await page.locator('.alert--success:has-text("Gespeichert.")').waitFor();
      await page.locator(`#projekte tr:has-text("${title}") td:has-text("ja")`).waitFor();
    }

    // Voting starts by the schedule: the budget is locked.
    await page.click('.card__kicker a:has-text("Bürgerbudget: Bürgerbudget 2027")');
    await page.click('.card__kicker a:has-text("Verfahren verwalten")');
    await page.locator('tr', { hasText: 'Bürgerbudget 2027' }).locator('a:has-text("Bearbeiten")').click();
    await page.locator('#phase-1-first').waitFor();
    await page.fill('#phase-1-first', day(-10));
    await page.fill('#phase-1-last', day(-1));
    await page.fill('#phase-3-first', day(0));
    await page.fill('#phase-3-last', day(10));
    await page.click('form.editor button[type="submit"]');
    await page.locator('text=Das Verfahren ist gespeichert.').waitFor();
    await page.locator('tr', { hasText: 'Bürgerbudget 2027' }).getByRole('link', { name: 'Bürgerbudget', exact: true }).click();
    await page.click('a:has-text("Ganze Stadt")');
    await page.locator('text=Die Abstimmung hat begonnen').first().waitFor();
    assert.equal(await page.locator('#budget-total').count(), 0, 'no settings form once locked');

    // A batch of paper ballots, each entered as it is.
    await page.fill('#batch-label', 'Urne Rathaus, Stapel 1');
    await page.click('button:has-text("Stapel beginnen")');
    await page.locator('h1:has-text("Papierstapel „Urne Rathaus, Stapel 1“")').waitFor();
    await assertAccessible(page, 'a new paper batch');
    await page.getByRole('checkbox', { name: 'Sitzbänke am Fluss' }).check();
    await page.click('button:has-text("Stimmzettel erfassen")');
    await page.locator('text=Stimmzettel erfasst.').waitFor();
    await page.getByRole('checkbox', { name: 'Sitzbänke am Fluss' }).check();
    await page.getByRole('checkbox', { name: 'Trinkbrunnen am Markt' }).check();
    await page.click('button:has-text("Stimmzettel erfassen")');
    await page.locator('.facts dd:has-text("2")').first().waitFor();
    await page.locator('text=Bestätigen muss eine zweite Person').waitFor();
    assert.deepEqual(planner.problems, []);
    await planner.context.close();

    // A colleague confirms the batch; its ballots count in the planners' count so far.
    const colleague = await loggedIn('admin@mitreden.test');
    await colleague.page.goto(`${server.baseUrl}/verwaltung/verfahren`);
    await waitForHydration(colleague.page);
    await colleague.page.locator('tr', { hasText: 'Bürgerbudget 2027' }).getByRole('link', { name: 'Bürgerbudget', exact: true }).click();
    await colleague.page.click('a:has-text("Ganze Stadt")');
    await colleague.page.click('a:has-text("Urne Rathaus, Stapel 1")');
    await colleague.page.click('button:has-text("Stapel bestätigen")');
    await colleague.page.locator('text=Der Stapel ist bestätigt.').waitFor();
    await assertAccessible(colleague.page, 'a confirmed batch');
    await colleague.page.click('.card__kicker a:has-text("Ganze Stadt")');
    await colleague.page.locator('#papier tr', { hasText: 'Bestätigt am' }).waitFor();
    await colleague.page.click('a:has-text("Zum Ergebnis")');
    await colleague.page.locator('text=Zwischenstand, nur für die Planung sichtbar').waitFor();
    await colleague.page.locator('table.budget-results tr', { hasText: 'Sitzbänke am Fluss' })
      .locator('td:has-text("2")').first().waitFor();

    // Voting ends early by the schedule; the result is public, and a planner departs from
    // it for one project with a public reason.
    const own = colleague.page;
    await own.click('.site-header a:has-text("Verfahren verwalten")');
    await own.locator('tr', { hasText: 'Bürgerbudget 2027' }).locator('a:has-text("Bearbeiten")').click();
    await own.locator('#phase-1-first').waitFor();
    await own.fill('#phase-1-last', day(-4));
    await own.fill('#phase-3-first', day(-3));
    await own.fill('#phase-3-last', day(-1));
    await own.click('form.editor button[type="submit"]');
    await own.locator('text=Das Verfahren ist gespeichert.').waitFor();
    await own.locator('tr', { hasText: 'Bürgerbudget 2027' }).getByRole('link', { name: 'Bürgerbudget', exact: true }).click();
    await own.click('a:has-text("Ganze Stadt")');
    await own.click('a:has-text("Zum Ergebnis")');
    await own.locator('h2:has-text("Vom berechneten Ergebnis abweichen")').waitFor();
    assert.equal(await own.locator('text=Zwischenstand').count(), 0, 'the result is final');
    await own.selectOption('#decision-project', { label: 'Trinkbrunnen am Markt (Gefördert)' });
    await own.check('#decision-unfund');
    await own.fill('#decision-reason', 'Die Leitungen am Markt werden erst 2029 erneuert.');
    await own.click('button:has-text("Entscheidung veröffentlichen")');
    await own.locator('text=Die Entscheidung ist veröffentlicht:').waitFor();
    await own.locator('#entscheidungen li', { hasText: 'Die Leitungen am Markt werden erst 2029 erneuert.' }).waitFor();
    await own.locator('table.budget-results tr', { hasText: 'Trinkbrunnen am Markt' })
      .locator('text=Nicht gefördert: Entscheidung der Planung').waitFor();
    await assertAccessible(own, 'a result with a decision');
    // The decision stands in the procedure's public moderation ledger too.
    await own.click('#entscheidungen a:has-text("Moderationsprotokoll")');
    const entry = own.locator('tr', { hasText: 'Die Leitungen am Markt werden erst 2029 erneuert.' });
    await entry.locator('text=Projekt abweichend von der Auswertung nicht gefördert').waitFor();
    await entry.locator('a:has-text("Bürgerbudget-Projekt „Trinkbrunnen am Markt“")').click();
    await own.locator('#entscheidungen').waitFor();

    // What becomes of the funded project: recorded on its page, public with the results.
    await own.click('a:has-text("Zurück zum Stimmzettel")');
    await own.click('a:has-text("Budget verwalten")');
    await own.click('#projekte a:has-text("Sitzbänke am Fluss")');
    await own.locator('h2:has-text("Umsetzung")').waitFor();
    await assertAccessible(own, "a funded project's page after the vote");
    await own.selectOption('#implementation-status', 'in_progress');
    await own.fill('#implementation-note', 'Die Bänke sind bestellt und werden im Mai aufgestellt.');
    await own.click('button:has-text("Stand veröffentlichen")');
    await own.locator('text=Der neue Stand der Umsetzung ist veröffentlicht.').waitFor();
    await own.locator('#umsetzung li', { hasText: 'Die Bänke sind bestellt' }).waitFor();
    await assertAccessible(own, 'a recorded implementation');
    // A photo of it, added to the entry by the entry's own form.
    await own.click('#umsetzung summary:has-text("Foto zu diesem Eintrag")');
    await own.setInputFiles('#umsetzung input[type="file"]', { name: 'baenke.png', mimeType: 'image/png', buffer: gradientPng(320, 180) });
    await own.fill('#umsetzung input[name="alt"]', 'Die neuen Sitzbänke am Flussufer');
    await own.click('#umsetzung button:has-text("Bild speichern")');
    await own.locator('text=Das Bild wurde gespeichert.').waitFor();
    await own.locator('#umsetzung img[alt="Die neuen Sitzbänke am Flussufer"]').waitFor();
    await assertAccessible(own, 'an implementation entry with a photo');
    // What the council decided about it: entered on the same page, shown with the results.
    await own.selectOption('#project-outcome-outcome', 'adopted');
    await own.fill('#project-outcome-justification', 'Der Rat bestätigt das Ergebnis des Bürgerbudgets.');
    await own.click('#rat button[type="submit"]');
    await own.locator('text=Der Beschluss des Rats ist gespeichert').waitFor();
    assert.equal(await own.inputValue('#project-outcome-outcome'), 'adopted');
    await assertAccessible(own, "a project's council outcome");
    await own.click('.card__kicker a:has-text("Ganze Stadt")');
    await own.click('a:has-text("Zum Ergebnis")');
    const decided = own.locator('table.budget-results tr', { hasText: 'Sitzbänke am Fluss' });
    await decided.locator('text=Beschlossen').waitFor();
    await decided.locator('text=Der Rat bestätigt das Ergebnis des Bürgerbudgets.').waitFor();
    const implemented = own.locator('#umsetzung article', { hasText: 'Sitzbänke am Fluss' });
    await implemented.locator('.badge:has-text("In Umsetzung")').waitFor();
    await implemented.locator('text=Die Bänke sind bestellt').waitFor();
    await implemented.locator('img[alt="Die neuen Sitzbänke am Flussufer"]').waitFor();
    await assertAccessible(own, "the funded projects' implementation with the results");
    assert.deepEqual(colleague.problems, []);
    await colleague.context.close();
  });
});
