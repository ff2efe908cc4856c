// Moderation in the browser: a resident reports a comment, the moderator hides it from the
// queue with the keyboard, the public page keeps the comment's place with the reason, and
// the author's mail arrives at the SMTP sink. Plus the accessibility of the moderation pages.
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

const COMMENT = 'Wer so etwas vorschlägt, hat keine Ahnung vom Radfahren.';
const REASON = 'Abwertend gegenüber anderen Teilnehmenden';

const loggedIn = (email, options = {}) => signedIn(browser, server.baseUrl, email, options);

describe('reporting, hiding and telling the author', () => {
  let proposalUrl;

  test('a resident comments and another reports the comment', async () => {
    const jonas = await loggedIn('jonas.keller@mitreden.test');
    await jonas.page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(jonas.page);
    await jonas.page.locator('.proposal-card a').first().click();
    await jonas.page.waitForURL(/\/vorschlaege\/\d+/);
    proposalUrl = jonas.page.url().split('?')[0].split('#')[0];
    await waitForHydration(jonas.page);
    await jonas.page.fill('#field-body-comment', COMMENT);
    await jonas.page.click('.comment-form button:has-text("Kommentieren")');
    await jonas.page.locator(`.comment:has-text("${COMMENT}")`).waitFor();
    await jonas.context.close();

    const fatma = await loggedIn('fatma.yilmaz@mitreden.test');
    await fatma.page.goto(proposalUrl);
    await waitForHydration(fatma.page);
    const comment = fatma.page.locator('.comment', { hasText: COMMENT });
    await comment.locator('summary:has-text("Melden")').click();
    await comment.locator('label:has-text("Beleidigung")').click();
    await comment.locator('button:has-text("Meldung absenden")').click();
    await fatma.page.locator('text=Danke für Ihre Meldung').waitFor();
    assert.deepEqual(fatma.problems, []);
    await fatma.context.close();
  });

  test('the moderator hides it from the queue with the keyboard', async () => {
    assert.ok(proposalUrl, 'the proposal from the first test');
    const moderator = await loggedIn('moderation@mitreden.test');
    const { page } = moderator;
    await page.goto(`${server.baseUrl}/moderation`);
    await waitForHydration(page);
    const item = page.locator('.queue-item', { hasText: COMMENT });
    await item.waitFor();
    await item.locator('text=Beleidigung').first().waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('h');
    // The reason the report gave is chosen; the public text field has the focus.
    assert.equal(await item.locator('select[name="form[reason]"]').inputValue(), 'insult');
    await page.keyboard.type(REASON);
    await page.keyboard.press('Enter');
    await page.waitForURL(/status=decided_hide/);
    await page.locator('text=Die Entscheidung ist gespeichert').waitFor();
    assert.equal(await page.locator('.queue-item', { hasText: COMMENT }).count(), 0);
    assert.deepEqual(moderator.problems, []);
    await moderator.context.close();
  });

  test('the public page shows the placeholder with the reason; the author has the mail', async () => {
    const visitor = await newPage(browser, server.baseUrl);
    await visitor.page.goto(proposalUrl);
    await waitForHydration(visitor.page);
    const notice = visitor.page.locator('.comment .moderation-notice');
    await notice.locator('text=Von der Moderation ausgeblendet').waitFor();
    await notice.locator('text=Beleidigung').waitFor();
    await notice.locator(`text=${REASON}`).waitFor();
    assert.equal(await visitor.page.locator(`text=${COMMENT}`).count(), 0);
    await visitor.context.close();

    const mail = await sink.waitFor('jonas.keller@mitreden.test', 15_000, 'Moderation');
    assert.match(mail, /ausgeblendet/);
    assert.match(mail, new RegExp(REASON));
    assert.match(mail, /widersprechen/);
  });

  for (const lang of ['de', 'en']) {
    test(`the queue, ledger and statistics pass axe (${lang})`, async () => {
      const moderator = await loggedIn('moderation@mitreden.test', {
        bypassCSP: true,
        locale: lang === 'de' ? 'de-DE' : 'en-GB',
      });
      const { page } = moderator;
      await page.context().addCookies([{ name: 'mitreden_lang', value: lang, url: server.baseUrl }]);
      for (const path of ['/moderation', '/moderation/protokoll', '/moderation/statistik', '/moderation/einstellungen', proposalUrl.replace(server.baseUrl, '')]) {
        await page.goto(`${server.baseUrl}${path}`);
        await waitForHydration(page);
        assert.deepEqual(await axeViolations(page), [], `${path} (${lang})`);
      }
      await moderator.context.close();
    });
  }
});

describe('merging a duplicate', () => {
  test('a resident reports a duplicate; the moderator merges it from its page; both pages link each other', async () => {
    const fatma = await loggedIn('fatma.yilmaz@mitreden.test');
    await fatma.page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
    await waitForHydration(fatma.page);
    // The procedure is collecting proposals, so the list is in random order: pick the two
    // cards by title (neither written by Fatma, who may not report her own).
    const card = (title) => fatma.page.locator('.proposal-card', { hasText: title }).locator('a').first();
    const keptHref = await card('Grüner Pfeil für Radfahrende').getAttribute('href');
    const keptId = keptHref.match(/\/vorschlaege\/(\d+)/)[1];
    const duplicateTitle = 'Fahrradstraße durch die Altstadt';
    await card(duplicateTitle).click();
    await fatma.page.waitForURL(/\/vorschlaege\/\d+/);
    await waitForHydration(fatma.page);
    const duplicateId = fatma.page.url().match(/\/vorschlaege\/(\d+)/)[1];
    const tools = fatma.page.locator('.moderation-tools');
    await tools.locator('summary:has-text("Melden")').click();
    await tools.locator('label:has-text("Doppelter Vorschlag")').click();
    await tools.locator('button:has-text("Meldung absenden")').click();
    await fatma.page.locator('text=Danke für Ihre Meldung').waitFor();
    assert.deepEqual(fatma.problems, []);
    await fatma.context.close();

    const moderator = await loggedIn('moderation@mitreden.test', { bypassCSP: true });
    const { page } = moderator;
    await page.goto(`${server.baseUrl}/moderation`);
    await waitForHydration(page);
    const item = page.locator('.queue-item', { hasText: duplicateTitle });
    await item.locator('text=Doppelter Vorschlag').first().waitFor();
    await item.locator('a:has-text("Beitrag ansehen")').click();
    await page.waitForURL(new RegExp(`/vorschlaege/${duplicateId}`));
    await waitForHydration(page);
    // The proposal's own decision form (each comment has one too).
    const field = (name) => page.locator(`#decide-proposal-${duplicateId}-${name}`);
    const form = page.locator('form.decision-form', { has: field('action') });
    await page.locator('details.decision', { has: field('action') }).locator('summary').click();
    await field('action').selectOption('merge');
    await form.locator('label:has-text("Zusammenführen mit Vorschlag Nr.")').click();
    await page.keyboard.type(keptId);
    await field('public_reason').fill('Gleiches Anliegen wie der andere Vorschlag.');
    await form.locator('button:has-text("Entscheidung speichern")').click();
    await page.waitForURL(/status=decided_merge/);
    await waitForHydration(page);
    const notice = page.locator('.alert', { hasText: 'als doppelter Vorschlag zusammengeführt mit' });
    await notice.locator('text=Gleiches Anliegen wie der andere Vorschlag.').waitFor();
    assert.equal(await page.locator('input[name="form[merge_into]"]').count(), 0);
    assert.deepEqual(await axeViolations(page), [], 'the merged proposal');

    await notice.locator(`a[href="/vorschlaege/${keptId}"]`).click();
    await page.waitForURL(new RegExp(`/vorschlaege/${keptId}$`));
    await waitForHydration(page);
    const from = page.locator('section.merged-from');
    await from.locator('h2:has-text("Zusammengeführt aus")').waitFor();
    await from.locator(`a[href="/vorschlaege/${duplicateId}"]`).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the kept proposal');
    assert.deepEqual(moderator.problems, []);
    await moderator.context.close();
  });
});
