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
