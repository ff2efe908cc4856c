// Hostile input in a real browser: every string of the shared corpora (the Big List of
// Naughty Strings and the XSS payloads) goes through the text fields people fill in, and
// every page that shows them is walked, page after page, by each role that sees it. On
// every page: hydration completes and the app still answers clicks (client-side navigation
// keeps the document), nothing executes (no dialog, no CSP violation, no inline handler or
// script element appears), nothing is fetched from another origin, and the text people
// typed is shown as the text they typed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD, launchBrowser, newPage, repoRoot, signedIn, startServer, startSmtpSink, waitForHydration,
} from './support.js';

const SLUG = 'radverkehr-2030';
/** Proposals that carry the comments (fifty each). */
const PER_CARRIER = 50;

/** Both corpora, without empty strings and NUL (which no text field takes). */
function corpus() {
  const data = path.join(repoRoot, '..', 'shared', 'data');
  const blns = JSON.parse(readFileSync(path.join(data, 'blns.json'), 'utf8'));
  const xss = readFileSync(path.join(data, 'xss-payloads.txt'), 'utf8').split('\n');
  return [...blns, ...xss].filter((s) => s.trim() !== '' && !s.includes('\0'));
}

let sink;
let server;
let browser;
const strings = corpus();
/** What the server kept, per field: the stored text of each accepted string. */
const stored = { name: [], title: [], location: [], note: [], reason: [], comment: [] };
/** Strings a field refused (with a 4xx naming the field); none may be a 5xx. */
const refused = { name: 0, title: 0, body: 0, location: 0, comment: 0, note: 0, reason: 0 };
const carriers = [];
/** Payload renderings seen in the browser, per field and role, for the figures. */
const rendered = {};

function count(field, role, n) {
  rendered[`${field} × ${role}`] = (rendered[`${field} × ${role}`] ?? 0) + n;
}

async function api(method, route, body, token) {
  const response = await fetch(`${server.baseUrl}/api/v1${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.status < 500, `${method} ${route}: ${response.status} ${text}`);
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: response.status, body: json };
}

/** The fields a 422 names. */
const refusedFields = (response) => new Set((response.body?.errors ?? []).map((e) => e.field));

async function login(email, password = DEMO_PASSWORD) {
  const response = await api('POST', '/auth/login', { email, password });
  assert.equal(response.status, 200, `login ${email}`);
  return response.body.token;
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel(items, width, work) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  }));
}

before(async () => {
  // A few accounts write hundreds of items a minute here: the per-account request limit
  // would count that as abuse (this file runs in a process of its own).
  process.env.MITREDEN_RATE_LIMIT_ACCOUNT = '0';
  sink = await startSmtpSink();
  server = await startServer({ demo: true, smtpUrl: sink.url });
  browser = await launchBrowser();

  const jonas = await login('jonas.keller@mitreden.test');
  const fatma = await login('fatma.yilmaz@mitreden.test');
  const lena = await login('lena.hoffmann@mitreden.test');
  const moderator = await login('moderation@mitreden.test');

  // Accounts named by the corpus: all registered first (two at a time: each hashes a
  // password, one hash per core), then each confirmed by its mailed link and signed in.
  const authors = new Array(strings.length).fill(jonas);
  const registered = [];
  await inParallel(strings, 2, async (s, i) => {
    const email = `feind${i}@hostile.test`;
    const password = `Feindlich-${i}-Passwort`;
    const answer = await api('POST', '/auth/register', { email, password, display_name: s, accept_terms: true });
    if (answer.status === 201) {
      registered.push({ i, email, password });
      return;
    }
    assert.equal(answer.status, 422, `registration of ${JSON.stringify(s)}`);
    assert.ok(refusedFields(answer).has('display_name'), JSON.stringify(answer.body));
    refused.name += 1;
  });
  await inParallel(registered, 2, async ({ i, email, password }) => {
    const mail = await sink.waitFor(email, 60_000);
    const token = mail.match(/bestaetigen\?token=([0-9a-f]{64})/)?.[1];
    assert.ok(token, `verification link for ${email}`);
    assert.equal((await api('POST', '/auth/verify', { token })).status, 200);
    authors[i] = await login(email, password);
    const me = await api('GET', '/me', undefined, authors[i]);
    stored.name.push(me.body.display_name);
  });

  // One proposal per string: its title, its description and its place (the place is shown
  // on pages this file does not walk; it is stored and refused like the others).
  await inParallel(strings, 4, async (s, i) => {
    let input = { title: s, body: `${s}\n\nEintrag ${i}`, location: s };
    for (let attempt = 0; ; attempt += 1) {
      const created = await api('POST', `/procedures/${SLUG}/proposals`, input, authors[i]);
      if (created.status === 201) {
        if (input.title === s) stored.title.push(created.body.title);
        if (input.location === s) stored.location.push(s.trim());
        // A report naming the proposal, with the string as its note.
        const id = created.body.id;
        const report = await api('POST', '/reports', { target: { kind: 'proposal', id }, reason: 'insult', note: s }, fatma);
        if (report.status === 201) stored.note.push(s.trim());
        else {
          assert.equal(report.status, 422, JSON.stringify(report.body));
          refused.note += 1;
        }
        return;
      }
      assert.equal(created.status, 422, `${JSON.stringify(s)}: ${JSON.stringify(created.body)}`);
      assert.ok(attempt < 3, `${JSON.stringify(s)} refused three times: ${JSON.stringify(created.body)}`);
      const fields = refusedFields(created);
      if (fields.has('title')) { refused.title += 1; input = { ...input, title: `Titel ${i}` }; }
      if (fields.has('body')) { refused.body += 1; input = { ...input, body: `Beschreibung Nummer ${i}` }; }
      if (fields.has('location')) { refused.location += 1; input = { ...input, location: undefined }; }
    }
  });

  // Carriers for the comments, fifty strings each, and as many hidden comments whose
  // public reason is the string.
  for (let k = 0; k * PER_CARRIER < strings.length; k += 1) {
    const created = await api('POST', `/procedures/${SLUG}/proposals`, {
      title: `Sammelvorschlag ${k + 1}`, body: 'Hier sammeln sich Kommentare.',
    }, jonas);
    assert.equal(created.status, 201);
    carriers.push(created.body.id);
  }
  await inParallel(strings, 4, async (s, i) => {
    const carrier = carriers[Math.floor(i / PER_CARRIER)];
    const comment = await api('POST', `/proposals/${carrier}/comments`, { body: s }, fatma);
    if (comment.status === 201) stored.comment.push(s);
    else {
      assert.equal(comment.status, 422, JSON.stringify(comment.body));
      refused.comment += 1;
    }
    const hidden = await api('POST', `/proposals/${carrier}/comments`, { body: `Hinweis Nummer ${i}` }, lena);
    assert.equal(hidden.status, 201, JSON.stringify(hidden.body));
    const decision = await api('POST', '/moderation/decisions', {
      target: { kind: 'comment', id: hidden.body.id }, action: 'hide', reason: 'insult', public_reason: s,
    }, moderator);
    if (decision.status === 201) stored.reason.push(s.trim());
    else {
      assert.equal(decision.status, 422, JSON.stringify(decision.body));
      refused.reason += 1;
    }
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
  const figures = Object.entries(rendered).map(([k, n]) => `  ${k}: ${n}`).join('\n');
  console.log(`hostile corpora: ${strings.length} strings; refused by field: ${JSON.stringify(refused)}\nrendered in Chromium:\n${figures}`);
});

const ROLES = [
  { role: 'anonymous' },
  { role: 'resident', email: 'oskar.brandt@mitreden.test' },
  { role: 'moderator', email: 'moderation@mitreden.test' },
  { role: 'planner', email: 'planung@mitreden.test' },
];

/** A page for a role, recording what would show that a string executed. */
async function sessionAs({ email }) {
  const session = email ? await signedIn(browser, server.baseUrl, email) : await newPage(browser, server.baseUrl);
  await session.page.addInitScript(() => {
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
      window[name] = () => console.error(`executed: ${name}()`);
    }
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return session;
}

/** Nothing on the page is active markup that came from text: no handler attributes, no
 *  elements that run or embed, no script links; the document is hydrated and clean. */
async function assertInert(session, where) {
  const { page, problems, foreignRequests } = session;
  await waitForHydration(page);
  const active = await page.evaluate(() => {
    const found = [];
    for (const element of document.querySelectorAll('body *')) {
      for (const attribute of element.attributes) {
        if (/^on/i.test(attribute.name)) found.push(`${element.tagName} ${attribute.name}`);
        if (/^\s*(javascript|vbscript|data):/i.test(attribute.value) && /^(href|src|action|formaction|xlink:href)$/i.test(attribute.name)) {
          found.push(`${element.tagName} ${attribute.name}=${attribute.value.slice(0, 40)}`);
        }
      }
    }
    for (const element of document.querySelectorAll('main script, iframe, frame, object, embed, base, meta[http-equiv], main style, main link, main svg, main math')) {
      found.push(element.tagName);
    }
    return found;
  });
  assert.deepEqual(active, [], `active markup on ${where}`);
  assert.deepEqual(problems, [], `console or server errors on ${where}`);
  assert.deepEqual(foreignRequests, [], `requests to other origins from ${where}`);
}

/** Opens `url`, then follows the "next page" link until there is none, checking each page
 *  and handing it to `read`. Each step is a click handled by the hydrated app: the
 *  document stays the same one (a marker set on the first page survives). */
async function walkPages(session, url, nextLink, firstItem, read) {
  const { page } = session;
  await page.goto(url);
  await waitForHydration(page);
  await page.evaluate(() => { window.hostileWalk = true; });
  let pages = 0;
  for (;;) {
    pages += 1;
    await assertInert(session, page.url());
    await read(page);
    const next = page.locator(nextLink).first();
    if (await next.count() === 0) break;
    const before = await page.locator(firstItem).first().textContent();
    const address = page.url();
    await next.click();
    await page.waitForURL((u) => u.href !== address);
    await page.waitForFunction(([selector, text]) => {
      const first = document.querySelector(selector);
      return first !== null && first.textContent !== text;
    }, [firstItem, before]);
    assert.equal(await page.evaluate(() => window.hostileWalk), true, `${page.url()} was reached by a reload, not by the app`);
  }
  return pages;
}

const texts = (page, selector) => page.locator(selector).evaluateAll((nodes) => nodes.map((n) => n.textContent));

describe('hostile strings stay inert text on every page, for every role', () => {
  for (const who of ROLES) {
    test(`the proposal list, every page, as ${who.role}`, async () => {
      const session = await sessionAs(who);
      const titles = new Set();
      const bylines = [];
      const pages = await walkPages(session, `${server.baseUrl}/verfahren/${SLUG}`, 'a[rel="next"]', '.proposal-card__title', async (page) => {
        for (const t of await texts(page, '.proposal-card__title')) titles.add(t);
        bylines.push(...await texts(page, '.proposal-card__meta'));
      });
      const bylineText = bylines.join('\n');
      for (const title of stored.title) assert.ok(titles.has(title), `title ${JSON.stringify(title)} not shown as text`);
      for (const name of stored.name) assert.ok(bylineText.includes(name), `name ${JSON.stringify(name)} not shown as text`);
      assert.ok(pages > strings.length / 20, `${pages} pages`);
      count('proposal title and description excerpt', who.role, stored.title.length);
      count('display name', who.role, stored.name.length);
      await session.context.close();
    });

    test(`the comment threads and hidden comments' reasons, as ${who.role}`, async () => {
      const session = await sessionAs(who);
      const { page } = session;
      // From the list, by search, into each carrier; back by the browser's back button.
      await page.goto(`${server.baseUrl}/verfahren/${SLUG}`);
      await waitForHydration(page);
      await page.fill('#filter-q', 'Sammelvorschlag');
      await page.click('form.filters button[type="submit"]');
      await page.waitForURL(/q=Sammelvorschlag/);
      await page.locator('.proposal-card__title', { hasText: `Sammelvorschlag ${carriers.length}` }).waitFor();
      await waitForHydration(page);
      await page.evaluate(() => { window.hostileWalk = true; });
      let comments = 0;
      const bodies = [];
      for (let k = 1; k <= carriers.length; k += 1) {
        await page.locator('.proposal-card__title a', { hasText: new RegExp(`^Sammelvorschlag ${k}$`) }).click();
        await page.waitForURL(/\/vorschlaege\/\d+/);
        await page.locator('h1', { hasText: `Sammelvorschlag ${k}` }).waitFor();
        await assertInert(session, page.url());
        assert.equal(await page.evaluate(() => window.hostileWalk), true, 'the carrier was reached by the app');
        // A long discussion comes in parts: on to the next by its link, to the end.
        let parts = 0;
        for (;;) {
          const shown = await texts(page, '.comment');
          comments += shown.length;
          bodies.push(...shown);
          const next = page.locator('.comments a[rel="next"]');
          if (await next.count() === 0) break;
          const before = page.url();
          const first = await page.locator('.comment').first().getAttribute('id');
          await next.click();
          await page.waitForURL((url) => url.href !== before);
          await page.waitForFunction((id) => document.querySelector('.comment')?.id !== id, first);
          parts += 1;
        }
        for (let back = 0; back <= parts; back += 1) await page.goBack();
        await page.waitForURL(/q=Sammelvorschlag/);
        await page.locator('.proposal-card__title', { hasText: new RegExp(`^Sammelvorschlag ${k}$`) }).waitFor();
      }
      const all = bodies.join('\n');
      for (const reason of stored.reason) assert.ok(all.includes(reason), `reason ${JSON.stringify(reason)} not shown as text`);
      assert.ok(comments >= strings.length, `${comments} comments shown`);
      count('comment', who.role, strings.length - refused.comment);
      count('moderation reason (on the thread)', who.role, stored.reason.length);
      await session.context.close();
    });
  }

  for (const who of [ROLES[0], ROLES[2]]) {
    test(`the public moderation ledger, every page, as ${who.role}`, async () => {
      const session = await sessionAs(who);
      const cells = [];
      await walkPages(session, `${server.baseUrl}/moderation/protokoll`, 'main a[href*="cursor="]', 'table.ledger tbody tr', async (page) => {
        cells.push(...await texts(page, 'table.ledger tbody td'));
      });
      const all = cells.join('\n');
      for (const reason of stored.reason) assert.ok(all.includes(reason), `reason ${JSON.stringify(reason)} not in the ledger`);
      count('moderation reason (ledger)', who.role, stored.reason.length);
      await session.context.close();
    });
  }

  test('the moderation queue, every page: the reported proposals and the report notes', async () => {
    const session = await sessionAs(ROLES[2]);
    const items = [];
    await walkPages(session, `${server.baseUrl}/moderation?kind=proposal`, 'main a[href*="cursor="]', '.queue-item', async (page) => {
      items.push(...await texts(page, '.queue-item'));
    });
    const all = items.join('\n');
    for (const note of stored.note) assert.ok(all.includes(note), `report note ${JSON.stringify(note)} not in the queue`);
    count('report note with the proposal (queue)', 'moderator', stored.note.length);
    await session.context.close();
  });

  test('the procedure description, written in the editor, on the editor and the public page', async () => {
    const session = await sessionAs(ROLES[3]);
    const { page } = session;
    // Every multi-line text the server takes (those a comment took), as descriptions, in
    // as few saves as their length allows.
    const chunks = [];
    let current = '';
    for (const s of stored.comment) {
      if (current.length + s.length + 2 > 45_000) { chunks.push(current); current = ''; }
      current += `${s}\n\n`;
    }
    chunks.push(current);
    for (const chunk of chunks) {
      await page.goto(`${server.baseUrl}/verwaltung/verfahren/${SLUG}/bearbeiten`);
      await assertInert(session, page.url());
      await page.locator('#editor-description').fill(chunk);
      await page.locator('form.editor button[type="submit"]').click();
      const refusal = page.locator('form.editor .field__error, main [role="alert"]').first();
      const saved = await Promise.race([
        page.waitForURL(/\/verwaltung\/verfahren\?status=saved/).then(() => true),
        refusal.waitFor().then(() => false),
      ]);
      assert.ok(saved, `the editor refused the description: ${saved ? '' : await refusal.innerText()}`);
      await assertInert(session, page.url());
      await page.goto(`${server.baseUrl}/verwaltung/verfahren/${SLUG}/bearbeiten`);
      await assertInert(session, page.url());
      assert.equal((await page.locator('#editor-description').inputValue()).trim(), chunk.trim(), 'the editor shows the saved description');
      const visitor = await sessionAs(ROLES[0]);
      await visitor.page.goto(`${server.baseUrl}/verfahren/${SLUG}`);
      await assertInert(visitor, `/verfahren/${SLUG}`);
      await visitor.context.close();
    }
    count('procedure description', 'planner', stored.comment.length);
    count('procedure description', 'anonymous', stored.comment.length);
    await session.context.close();
  });
});
