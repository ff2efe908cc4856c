// Two `mitreden` processes on different ports sharing one PostgreSQL database, as a city
// runs them behind a load balancer (docs/PERFORMANCE.md): votes cast through both give
// exact tallies, a mail queued by one goes out exactly once, a session from one is accepted
// by the other, a moderation decision taken on one shows on the other at once (also in the
// final results each keeps in memory), and the API rate limit holds per instance, as
// documented. Runs where MITREDEN_E2E_POSTGRES names a server (`make test` does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD, binary, repoRoot, startServer, startSmtpSink } from './support.js';

const pgServer = process.env.MITREDEN_E2E_POSTGRES?.replace(/\/+$/, '');
const skip = !pgServer && 'needs PostgreSQL (MITREDEN_E2E_POSTGRES)';
const secret = 'two-instances-share-this-signing-secret-0123456789';

let sink;
let first;
let second;
let database;
let tokens = [];

async function api(server, method, route, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.baseUrl}/api/v1${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

function psql(sql) {
  execFileSync('psql', [`${pgServer}/postgres`, '-q', '-c', sql], { stdio: 'pipe' });
}

async function login(server, email) {
  const response = await api(server, 'POST', '/auth/login', { body: { email, password: DEMO_PASSWORD } });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.token;
}

before(async () => {
  if (skip) return;
  database = `mitreden_pair_${process.pid}`;
  psql(`CREATE DATABASE ${database}`);
  const databaseUrl = `${pgServer}/${database}`;
  sink = await startSmtpSink();
  const env = { MITREDEN_JWT_SECRET: secret, MITREDEN_RATE_LIMIT_ACCOUNT: '0' };
  first = await startServer({ smtpUrl: sink.url, databaseUrl, env });
  // Residents with sessions, signed by the secret both instances share.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mitreden-pair-'));
  const file = path.join(scratch, 'tokens');
  execFileSync(binary, ['seed', 'scale', '--users', '120', '--proposals', '4', '--votes', '0',
    '--comments', '0', '--tokens', file], {
    cwd: repoRoot,
    stdio: 'pipe',
    env: { ...process.env, DATABASE_URL: databaseUrl, MITREDEN_DATA_DIR: scratch, MITREDEN_JWT_SECRET: secret },
  });
  tokens = readFileSync(file, 'utf8').trim().split('\n');
  rmSync(scratch, { recursive: true, force: true });
  second = await startServer({ demo: false, smtpUrl: sink.url, databaseUrl, env });
});

after(async () => {
  await first?.stop();
  await second?.stop();
  await sink?.stop();
  if (database) psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

test('votes cast through both instances at once give exact tallies', { skip }, async () => {
  const listing = await api(first, 'GET', '/procedures/lasttest/proposals?sort=newest');
  const ids = listing.json.items.map((item) => item.id);
  assert.equal(ids.length, 4);
  const expected = new Map(ids.map((id) => [id, 0]));
  const casts = [];
  tokens.forEach((token, n) => {
    for (const id of [ids[n % 4], ids[(n + 1) % 4]]) {
      casts.push({ token, id, through: (n + casts.length) % 2 ? first : second });
      expected.set(id, expected.get(id) + 1);
    }
  });
  const results = await Promise.all(casts.map(({ token, id, through }) =>
    api(through, 'PUT', `/proposals/${id}/vote`, { token, body: { value: 1 } })));
  assert.deepEqual(results.filter((r) => r.status >= 300), [], 'every vote is taken');
  // Every fifth resident withdraws a vote through the other instance, while the rest vote
  // again through theirs (a repeated vote changes nothing).
  const changes = casts.map(({ token, id, through }, n) => {
    if (n % 5 === 0) {
      expected.set(id, expected.get(id) - 1);
      return api(through === first ? second : first, 'DELETE', `/proposals/${id}/vote`, { token });
    }
    return api(through, 'PUT', `/proposals/${id}/vote`, { token, body: { value: 1 } });
  });
  const changed = await Promise.all(changes);
  assert.deepEqual(changed.filter((r) => r.status >= 300), [], 'every change is taken');
  for (const server of [first, second]) {
    const tallies = await api(server, 'GET', '/procedures/lasttest/proposals?sort=newest');
    for (const item of tallies.json.items) {
      assert.equal(item.votes.support, expected.get(item.id), `proposal ${item.id} on ${server.baseUrl}`);
    }
  }
});

test('a session from one instance is accepted by the other, and signing out ends it on both', { skip }, async () => {
  const token = await login(first, 'bewohnerin@mitreden.test');
  const me = await api(second, 'GET', '/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, 'bewohnerin@mitreden.test');
  assert.equal((await api(second, 'POST', '/auth/logout', { token })).status, 204);
  assert.equal((await api(first, 'GET', '/me', { token })).status, 401);
});

test('a moderation decision on one instance shows on the other at once, and its mail goes out once', { skip }, async () => {
  const moderator = await login(first, 'moderation@mitreden.test');
  // The other instance keeps the final results of a finished procedure in memory.
  const before = await api(second, 'GET', '/procedures/spielplaetze-nord/results');
  assert.equal(before.status, 200);
  const listing = await api(second, 'GET', '/procedures/spielplaetze-nord/proposals?sort=supported');
  const target = listing.json.items[0];
  assert.ok(JSON.stringify(before.json).includes(target.title), 'the results show the proposal');
  const mailsBefore = sink.messages.length;

  const decision = await api(first, 'POST', '/moderation/decisions', {
    token: moderator,
    body: { target: { kind: 'proposal', id: target.id }, action: 'hide', reason: 'off_topic', public_reason: 'Gehört nicht zu diesem Verfahren.' },
  });
  assert.equal(decision.status, 201, JSON.stringify(decision.json));

  const after = await api(second, 'GET', '/procedures/spielplaetze-nord/proposals?sort=supported');
  assert.ok(!after.json.items.some((item) => item.id === target.id), 'the list on the other instance');
  assert.equal(after.json.total, listing.json.total - 1);
  // The kept results go stale through PostgreSQL's NOTIFY: give it a moment, no more.
  let results;
  for (let tries = 0; tries < 20; tries += 1) {
    results = await api(second, 'GET', '/procedures/spielplaetze-nord/results');
    if (!JSON.stringify(results.json).includes(target.title)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(!JSON.stringify(results.json).includes(target.title), 'the results on the other instance');

  // Both instances' mail workers compete for the author's mail: it goes out once.
  const deadline = Date.now() + 20_000;
  while (sink.messages.length === mailsBefore && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3_000));
  const sent = sink.messages.slice(mailsBefore);
  assert.equal(sent.length, 1, `mails: ${sent.map((m) => m.to).join(', ')}`);
});

test('a planner taking a procedure back to draft on one instance stops votes on the other', { skip }, async () => {
  const planner = await login(first, 'planung@mitreden.test');
  const [resident] = tokens;
  const listing = await api(second, 'GET', '/procedures/lasttest/proposals?sort=newest');
  const id = listing.json.items[0].id;
  // The other instance reads (and keeps) the procedure's rule and schedule with this vote.
  const taken = await api(second, 'PUT', `/proposals/${id}/vote`, { token: resident, body: { value: 1 } });
  assert.equal(taken.status, 200, JSON.stringify(taken.json));
  const draft = await api(first, 'PUT', '/procedures/lasttest/publication', { token: planner, body: { published: false } });
  assert.equal(draft.status, 200, JSON.stringify(draft.json));
  try {
    // What it keeps goes stale through PostgreSQL's NOTIFY: a moment, far below the five
    // seconds it would otherwise keep it.
    let refused;
    for (let tries = 0; tries < 20; tries += 1) {
      refused = await api(second, 'DELETE', `/proposals/${id}/vote`, { token: resident });
      if (refused.status === 404) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(refused.status, 404, 'a draft takes no votes on the other instance');
  } finally {
    const published = await api(first, 'PUT', '/procedures/lasttest/publication', { token: planner, body: { published: true } });
    assert.equal(published.status, 200);
  }
  const withdrawn = await api(second, 'DELETE', `/proposals/${id}/vote`, { token: resident });
  assert.equal(withdrawn.status, 200, 'published again: the vote can be withdrawn');
  assert.equal(withdrawn.json.tally.support, taken.json.tally.support - 1);
});

test('the API rate limit holds per instance, as documented', { skip }, async () => {
  const databaseUrl = `${pgServer}/${database}`;
  const env = { MITREDEN_JWT_SECRET: secret, MITREDEN_RATE_LIMIT: '5' };
  const limitedFirst = await startServer({ demo: false, databaseUrl, env });
  const limitedSecond = await startServer({ demo: false, databaseUrl, env });
  try {
    const statuses = async (server, n) => {
      const answers = [];
      for (let i = 0; i < n; i += 1) answers.push((await api(server, 'GET', '/procedures')).status);
      return answers;
    };
    assert.deepEqual(await statuses(limitedFirst, 6), [200, 200, 200, 200, 200, 429]);
    // The other instance counts its own: a client spread over both gets each one's limit.
    assert.deepEqual(await statuses(limitedSecond, 6), [200, 200, 200, 200, 200, 429]);
  } finally {
    await limitedFirst.stop();
    await limitedSecond.stop();
  }
});
