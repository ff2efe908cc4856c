// The main journeys, walked as people walk them: the first page is opened by its address,
// everything after that by clicking links and buttons. Each step asserts what the person
// sees. Every walk runs with JavaScript and without, in German and in English, and the
// resident's also on a 375 px phone. No response may be a 5xx (support.js fails the file
// when one was seen) and no console error may occur.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, launchBrowser, newPage, startServer, startSmtpSink, waitForHydration,
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

/** What people read, in each language. */
const TEXT = {
  de: {
    locale: 'de-DE',
    procedure: 'Radverkehrskonzept 2030',
    proposals: 'Vorschläge',
    loginToVote: 'Zum Abstimmen anmelden',
    login: 'Anmelden',
    register: 'Registrieren',
    support: 'Unterstützen',
    voteSaved: 'Ihre Stimme ist gezählt.',
    youSupport: 'Sie unterstützen diesen Vorschlag.',
    postComment: 'Kommentieren',
    commentAdded: 'Ihr Kommentar ist veröffentlicht.',
    reply: 'Antworten',
    sendReply: 'Antwort senden',
    report: 'Melden',
    offTopic: 'Nicht zum Thema',
    sendReport: 'Meldung absenden',
    reported: 'Danke für Ihre Meldung',
    requestFailed: 'Die Anfrage konnte nicht verarbeitet werden',
    moderation: 'Moderation',
    hide: 'Ausblenden',
    decisionSaved: 'Die Entscheidung ist gespeichert',
    newProcedure: 'Neues Verfahren',
    manage: 'Verfahren verwalten',
    saved: 'Das Verfahren ist gespeichert',
    publish: 'Veröffentlichen',
    published: 'Das Verfahren ist veröffentlicht.',
    results: 'Ergebnisse',
    saveOutcome: 'Beschluss speichern',
    outcomeSaved: 'Der Beschluss ist gespeichert',
    importOnsite: 'Vor-Ort-Beiträge importieren',
    check: 'Prüfen',
    rowsOk: 'Alle 2 Zeilen sind in Ordnung.',
    rowProblem: '1 von 2 Zeilen hat einen Fehler.',
    importTwo: '2 Vorschläge importieren',
    importedTwo: '2 Vorschläge sind importiert.',
    toProposals: 'Zu den Vorschlägen',
    onsite: 'Vor Ort',
    createAccount: 'Konto anlegen',
    almostDone: 'Fast geschafft',
    confirmNow: 'Jetzt bestätigen',
    confirmed: 'Ihre E-Mail-Adresse ist bestätigt',
    backToParticipation: 'Zurück zur Beteiligung',
    proposalsUntil: 'Vorschläge bis',
    months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  },
  en: {
    locale: 'en-GB',
    procedure: 'Radverkehrskonzept 2030',
    proposals: 'Proposals',
    loginToVote: 'Log in to vote',
    login: 'Log in',
    register: 'Register',
    support: 'Support',
    voteSaved: 'Your vote has been counted.',
    youSupport: 'You support this proposal.',
    postComment: 'Post comment',
    commentAdded: 'Your comment has been published.',
    reply: 'Reply',
    sendReply: 'Send reply',
    report: 'Report',
    offTopic: 'Off topic',
    sendReport: 'Send report',
    reported: 'Thank you for your report',
    requestFailed: 'The request could not be processed',
    moderation: 'Moderation',
    hide: 'Hide',
    decisionSaved: 'The decision is saved',
    newProcedure: 'New procedure',
    manage: 'Manage procedures',
    saved: 'The procedure has been saved',
    publish: 'Publish',
    published: 'The procedure has been published.',
    results: 'Results',
    saveOutcome: 'Save decision',
    outcomeSaved: 'The decision is saved',
    importOnsite: 'Import on-site contributions',
    check: 'Check',
    rowsOk: 'All 2 rows are fine.',
    rowProblem: '1 of 2 rows has a problem.',
    importTwo: 'Import 2 proposals',
    importedTwo: '2 proposals have been imported.',
    toProposals: 'Go to the proposals',
    onsite: 'On site',
    createAccount: 'Create account',
    almostDone: 'Almost done',
    confirmNow: 'Confirm now',
    confirmed: 'your e-mail address is confirmed',
    backToParticipation: 'Back to the participation',
    proposalsUntil: 'Proposals until',
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  },
};

/** A proposal of the demo nobody has supported yet. */
const TO_SUPPORT = 'Winterdienst auf Radwegen zuerst';
/** A demo proposal with a discussion to reply to and report from. */
const DISCUSSED = 'Geschützter Radweg auf der Ringstraße';

/** One person's walk: the page, what it records, and a step counter for the report. */
async function person({ lang, js, phone = false }) {
  const options = { locale: TEXT[lang].locale, javaScriptEnabled: js };
  if (phone) options.viewport = { width: 375, height: 740 };
  const session = await newPage(browser, server.baseUrl, options);
  session.steps = 0;
  session.t = TEXT[lang];
  session.js = js;
  session.phone = phone;
  return session;
}

/** After each step: hydrated (with JavaScript), no console error, no 5xx, no error
 *  replacing the content, and on a phone no sideways scrolling. */
async function settled(session) {
  const { page, problems, t } = session;
  session.steps += 1;
  if (session.js) await waitForHydration(page);
  assert.equal(await page.locator(`text=${t.requestFailed}`).count(), 0, `step ${session.steps}: an error replaced the content on ${page.url()}`);
  if (session.phone) {
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(sideways <= 0, `step ${session.steps}: ${page.url()} scrolls sideways by ${sideways}px at 375px`);
  }
  assert.deepEqual(problems, [], `step ${session.steps} on ${page.url()}`);
}

/** Clicks and waits for the address to change (a navigation, by script or by the browser). */
async function clickTo(session, locator, url) {
  await locator.click();
  await session.page.waitForURL(url);
  await settled(session);
}

async function signInHere(session, email) {
  const { page } = session;
  await page.fill('#field-email', email);
  await page.fill('#field-password', DEMO_PASSWORD);
  await page.click('main button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/anmelden'));
  await settled(session);
}

/** The tally on a listing card as a number. */
async function tallyOf(card) {
  return Number((await card.locator('.tally__number').innerText()).trim());
}

const walks = [
  { lang: 'de', js: true, email: 'jonas.keller@mitreden.test' },
  { lang: 'de', js: false, email: 'fatma.yilmaz@mitreden.test' },
  { lang: 'en', js: true, email: 'lena.hoffmann@mitreden.test' },
  { lang: 'en', js: false, email: 'peter.schulz@mitreden.test' },
  { lang: 'de', js: true, phone: true, email: 'marie.nguyen@mitreden.test' },
];

const reportedComments = [];

/** Every combination of language and JavaScript, for the walks of the staff and of a new
 *  resident (the residents' walks list theirs, a phone among them). */
const BOTH_WAYS = [['de', true], ['de', false], ['en', true], ['en', false]];

describe('a resident, from the start page to a vote, a comment, a reply and a report', () => {
  for (const walk of walks) {
    const name = `${walk.lang}, ${walk.js ? 'with' : 'without'} JavaScript${walk.phone ? ', 375 px' : ''}`;
    test(name, async () => {
      const session = await person(walk);
      const { page, t } = session;

      // 1. The start page, by its address: the procedure's card.
      await page.goto(`${server.baseUrl}/`);
      await settled(session);
      const card = page.locator('.procedure-card', { hasText: t.procedure });
      await card.waitFor();

      // 2. A click on the card: the procedure with its proposals (the defect of issue 15).
      await clickTo(session, card.locator('a').first(), /\/verfahren\/radverkehr-2030/);
      await page.locator('h1', { hasText: t.procedure }).waitFor();
      await page.locator('#proposals-heading', { hasText: t.proposals }).waitFor();
      assert.ok(await page.locator('.proposal-card').count() >= 5, 'the proposals are listed');

      // 3. "Log in to vote" on a card: the sign-in page, which leads back here.
      const target = page.locator('.proposal-card', { hasText: TO_SUPPORT });
      await clickTo(session, target.locator(`a:has-text("${t.loginToVote}")`), /\/anmelden\?zurueck=/);
      await signInHere(session, walk.email);
      assert.match(page.url(), /\/verfahren\/radverkehr-2030/, 'back on the procedure after signing in');

      // 4. The vote is one click away, on the card.
      const card2 = page.locator('.proposal-card', { hasText: TO_SUPPORT });
      const before = await tallyOf(card2);
      await card2.locator(`button:has-text("${t.support}")`).click();
      if (!walk.js) await page.locator(`text=${t.voteSaved}`).waitFor();
      await page.locator('.proposal-card', { hasText: TO_SUPPORT }).locator('button[aria-pressed="true"]').waitFor();
      await settled(session);
      assert.equal(await tallyOf(page.locator('.proposal-card', { hasText: TO_SUPPORT })), before + 1);
      assert.ok(await page.locator('.proposal-card').count() >= 5, 'the list stays after voting');

      // 5. The proposal page, by its title: the vote is there too.
      await clickTo(session, page.locator('.proposal-card', { hasText: TO_SUPPORT }).locator(`a:has-text("${TO_SUPPORT}")`).first(), /\/vorschlaege\/\d+/);
      await page.locator('h1', { hasText: TO_SUPPORT }).waitFor();
      await page.locator(`#abstimmung >> text=${t.youSupport}`).waitFor();

      // 6. A comment.
      const said = `Räumen bitte vor sechs Uhr (${walk.lang}${walk.js ? '' : ', ohne JS'}${walk.phone ? ', Telefon' : ''}).`;
      await page.fill('#field-body-comment', said);
      await page.click(`.comment-form button:has-text("${t.postComment}")`);
      const mine = page.locator('.comment', { hasText: said });
      await mine.waitFor();
      await settled(session);
      if (walk.js) {
        assert.equal(await page.inputValue('#field-body-comment'), '', 'the text box is cleared');
        await page.waitForFunction((text) => document.activeElement?.closest('.comment')?.textContent.includes(text), said);
        await page.locator(`[role="status"]:has-text("${t.commentAdded}")`).waitFor({ state: 'attached' });
      } else {
        await page.locator(`text=${t.commentAdded}`).first().waitFor();
      }
      assert.equal(await page.locator('.comment', { hasText: said }).count(), 1, 'posted once');

      // 7. Back to the procedure by its link, to a discussed proposal.
      await clickTo(session, page.locator(`main a:has-text("${t.procedure}")`).first(), /\/verfahren\/radverkehr-2030/);
      await clickTo(session, page.locator('.proposal-card', { hasText: DISCUSSED }).locator(`a:has-text("${DISCUSSED}")`).first(), /\/vorschlaege\/\d+/);

      // 8. A reply to someone else's comment.
      const answer = `Dem stimme ich zu (${walk.lang}${walk.js ? '' : ', ohne JS'}${walk.phone ? ', Telefon' : ''}).`;
      const thread = page.locator('.comment--depth-0').first();
      await thread.locator(`summary:has-text("${t.reply}")`).first().click();
      await thread.locator('textarea[name="body"]').first().fill(answer);
      await thread.locator(`button:has-text("${t.sendReply}")`).first().click();
      await page.locator('.comment--depth-1', { hasText: answer }).waitFor();
      await settled(session);
      if (walk.js) {
        const openReplyForms = await page.locator('details.disclosure[open] textarea[name="body"]').count();
        assert.equal(openReplyForms, 0, 'the reply form closed');
      }

      // 9. A report of another comment that is not reported yet.
      const reportable = page.locator('.comment').filter({ has: page.locator(`summary:has-text("${t.report}")`) });
      let toReport;
      let reportedText;
      for (let index = 0; index < await reportable.count(); index += 1) {
        const candidate = reportable.nth(index);
        const text = (await candidate.locator('.prose').first().innerText()).trim();
        if (!reportedComments.includes(text)) {
          toReport = candidate;
          reportedText = text;
          break;
        }
      }
      assert.ok(toReport, 'a comment left to report');
      reportedComments.push(reportedText);
      await toReport.locator(`summary:has-text("${t.report}")`).first().click();
      await toReport.locator(`label:has-text("${t.offTopic}")`).first().click();
      await toReport.locator(`button:has-text("${t.sendReport}")`).first().click();
      await page.locator(`text=${t.reported}`).first().waitFor();
      await settled(session);

      await session.context.close();
      console.log(`resident walk (${name}): ${session.steps} steps`);
    });
  }
});

describe('a new resident, from registration through the mailed link to a vote', () => {
  for (const [lang, js] of BOTH_WAYS) {
    test(`${lang}, ${js ? 'with' : 'without'} JavaScript`, async () => {
      const session = await person({ lang, js });
      const { page, t } = session;
      const email = `neu.${lang}.${js ? 'js' : 'nojs'}@example.org`;

      await page.goto(`${server.baseUrl}/verfahren/radverkehr-2030`);
      await settled(session);
      // Signing in from the header keeps the way back; registration from there too.
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.login}")`), /\/anmelden\?zurueck=/);
      await clickTo(session, page.locator(`main a:has-text("${t.register}")`), /\/registrieren\?zurueck=/);
      await page.fill('#field-email', email);
      await page.fill('#field-display_name', 'Neu Hier');
      await page.fill('#field-password', 'Lindenallee-Radweg-2026');
      await page.check('#field-accept_terms');
      await page.click(`main button:has-text("${t.createAccount}")`);
      await page.locator(`text=${t.almostDone}`).waitFor();
      await settled(session);

      const mail = await sink.waitFor(email);
      const link = mail.match(/http:\/\/127\.0\.0\.1:\d+\/bestaetigen\?token=[0-9a-f]{64}&zurueck=[^\s"<]+/)?.[0];
      assert.ok(link, `no link with the way back in:\n${mail}`);
      // The mailed link is the one address a person opens by hand.
      await page.goto(link);
      await settled(session);
      await page.click(`main button:has-text("${t.confirmNow}")`);
      await page.locator(`text=${t.confirmed}`).waitFor();
      await settled(session);
      // Confirming signed the person in: the way back leads to the procedure and a vote.
      await clickTo(session, page.locator(`main a:has-text("${t.backToParticipation}")`), /\/verfahren\/radverkehr-2030/);
      const card = page.locator('.proposal-card', { hasText: TO_SUPPORT });
      const before = await tallyOf(card);
      await card.locator(`button:has-text("${t.support}")`).click();
      await page.locator('.proposal-card', { hasText: TO_SUPPORT }).locator('button[aria-pressed="true"]').waitFor();
      await settled(session);
      assert.equal(await tallyOf(page.locator('.proposal-card', { hasText: TO_SUPPORT })), before + 1);
      await session.context.close();
      console.log(`registration walk (${lang}, js ${js}): ${session.steps} steps`);
    });
  }
});

describe('a moderator, from sign-in through the header link to a decision', () => {
  for (const [lang, js] of BOTH_WAYS) {
    test(`${lang}, ${js ? 'with' : 'without'} JavaScript`, async () => {
      assert.ok(reportedComments.length >= BOTH_WAYS.length, 'the residents reported comments');
      const session = await person({ lang, js });
      const { page, t } = session;
      await page.goto(`${server.baseUrl}/`);
      await settled(session);
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.login}")`), /\/anmelden/);
      await signInHere(session, 'moderation@mitreden.test');
      assert.match(page.url(), /\/moderation$/, 'a moderator lands on the queue');
      // Away and back through the header link (client-side navigation with JavaScript).
      await clickTo(session, page.locator(`.site-nav a`).first(), (url) => url.pathname === '/');
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.moderation}")`), /\/moderation$/);
      const mine = reportedComments[BOTH_WAYS.findIndex(([l, j]) => l === lang && j === js)];
      const item = page.locator('.queue-item', { hasText: mine });
      await item.waitFor();
      await item.locator(`summary:has-text("${t.hide}")`).click();
      await item.locator('select[name="form[reason]"]').selectOption('off_topic');
      await item.locator('input[name="form[public_reason]"]').fill('Gehört nicht zu diesem Vorschlag.');
      await item.locator(`form button:has-text("${t.hide}")`).click();
      await page.waitForURL(/status=decided_hide/);
      await page.locator(`text=${t.decisionSaved}`).waitFor();
      await settled(session);
      assert.equal(await page.locator('.queue-item', { hasText: mine }).count(), 0);
      await session.context.close();
      console.log(`moderator walk (${lang}, js ${js}): ${session.steps} steps`);
    });
  }
});

describe('a planner, from sign-in to a published procedure, an on-site batch and a recorded outcome', () => {
  for (const [lang, js] of BOTH_WAYS) {
    test(`${lang}, ${js ? 'with' : 'without'} JavaScript`, async () => {
      const session = await person({ lang, js });
      const { page, t } = session;
      const slug = `laermaktionsplan-${lang}-${js ? 'js' : 'nojs'}`;
      const title = `Lärmaktionsplan ${lang} ${js ? 'mit' : 'ohne'} Skript`;
      const day = (offset) => new Date(Date.now() + offset * 86_400_000);
      const iso = (date) => date.toISOString().slice(0, 10);

      await page.goto(`${server.baseUrl}/`);
      await settled(session);
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.login}")`), /\/anmelden/);
      await signInHere(session, 'planung@mitreden.test');
      assert.match(page.url(), /\/verwaltung\/verfahren$/, 'a planner lands on the procedures');

      await clickTo(session, page.locator(`a:has-text("${t.newProcedure}")`), /\/verwaltung\/verfahren\/neu$/);
      await page.fill('#editor-title', title);
      await page.fill('#editor-slug', slug);
      await page.fill('#editor-department', 'Umweltamt');
      await page.fill('#phase-1-first', iso(day(-1)));
      await page.fill('#phase-1-last', iso(day(10)));
      await page.fill('#phase-3-first', iso(day(11)));
      await page.fill('#phase-3-last', iso(day(30)));
      await page.click('form.editor button[type="submit"]');
      await page.waitForURL(/\/verwaltung\/verfahren\?status=saved/);
      await page.locator(`text=${t.saved}`).waitFor();
      await settled(session);
      const row = page.locator('tr', { hasText: title });
      await row.locator(`button:has-text("${t.publish}")`).click();
      await page.locator(`text=${t.published}`).waitFor();
      await settled(session);

      // The procedure as residents see it: the proposals' deadline is the last day entered.
      await clickTo(session, page.locator('tr', { hasText: title }).locator(`a:has-text("${title}")`), new RegExp(`/verfahren/${slug}$`));
      const last = day(10);
      const lastDay = lang === 'de'
        ? `${last.getUTCDate()}. ${t.months[last.getUTCMonth()]} ${last.getUTCFullYear()}`
        : `${last.getUTCDate()} ${t.months[last.getUTCMonth()]} ${last.getUTCFullYear()}`;
      const facts = page.locator('.facts').first();
      await facts.locator(`dt:has-text("${t.proposalsUntil}")`).waitFor();
      assert.match(await facts.innerText(), new RegExp(lastDay), 'the deadline is the last day entered');

      // An on-site batch for the new procedure: a sheet with a mistake, its preview, the
      // corrected sheet, the import, and the proposals on the procedure's page.
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.manage}")`), /\/verwaltung\/verfahren$/);
      await clickTo(session, page.locator('tr', { hasText: title }).locator(`a:has-text("${t.importOnsite}")`), new RegExp(`/verwaltung/verfahren/${slug}/vor-ort-import$`));
      const sheet = (first) => ({
        name: 'werkstatt.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`Titel;Beschreibung;Ort\n${first};Nachts ist es an der Kreuzung sehr laut.;Ring\nFlüsterasphalt Südallee;Der Belag in der Südallee dröhnt bei jedem Lkw.;Südallee\n`),
      });
      await page.fill('#field-event', `Lärmwerkstatt ${lang}`);
      await page.setInputFiles('#field-file', sheet('Ab'));
      await clickTo(session, page.locator(`button:has-text("${t.check}")`), /stapel=\d+/);
      await page.locator(`text=${t.rowProblem}`).waitFor();
      assert.equal(await page.locator(`button:has-text("${t.importTwo}")`).count(), 0, 'no import while a row has a problem');
      await page.setInputFiles('#field-file', sheet('Nachtruhe am Ring'));
      await clickTo(session, page.locator(`button:has-text("${t.check}")`), /stapel=\d+/);
      await page.locator(`text=${t.rowsOk}`).waitFor();
      await clickTo(session, page.locator(`button:has-text("${t.importTwo}")`), /status=imported/);
      await page.locator(`text=${t.importedTwo}`).waitFor();
      await clickTo(session, page.locator(`a:has-text("${t.toProposals}")`), new RegExp(`/verfahren/${slug}`));
      const imported = page.locator('.proposal-card', { hasText: 'Flüsterasphalt Südallee' });
      await imported.waitFor();
      assert.match(await imported.innerText(), new RegExp(t.onsite), 'the card says it was collected on site');

      // Back to the procedures by the header link; the finished demo procedure's results.
      await clickTo(session, page.locator(`.site-header__account a:has-text("${t.manage}")`), /\/verwaltung\/verfahren$/);
      const finished = page.locator('tr', { hasText: 'Spielplätze im Stadtteil Nord' });
      await clickTo(session, finished.locator(`a:has-text("${t.results}")`), /\/verwaltung\/verfahren\/spielplaetze-nord\/ergebnisse/);
      const form = page.locator('form.outcome-form').last();
      await form.locator('select').selectOption('referred');
      await form.locator('textarea').fill(`An den Ausschuss verwiesen (${lang}, ${js ? 'mit' : 'ohne'} Skript).`);
      await form.locator(`button:has-text("${t.saveOutcome}")`).click();
      await page.waitForURL(/status=outcome_saved/);
      await page.locator(`text=${t.outcomeSaved}`).waitFor();
      await settled(session);
      await session.context.close();
      console.log(`planner walk (${lang}, js ${js}): ${session.steps} steps`);
    });
  }
});
