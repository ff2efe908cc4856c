// Shared helpers: start a release server on a free port with its own data directory, launch
// Debian's Chromium, run axe-core. Every server is stopped by the test that started it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.MITREDEN_BIN ?? path.join(repoRoot, 'target', 'release', 'mitreden');

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `mitreden serve` on a fresh data directory; `demo` seeds the demo content first;
 *  `smtpUrl` sends its mail to that SMTP server; `databaseUrl` shares a database another
 *  server uses (the caller creates and drops it); `env` adds configuration. */
export async function startServer({ demo = true, smtpUrl, databaseUrl, env: extra = {} } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mitreden-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    MITREDEN_DATA_DIR: dataDir,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    RUST_LOG: 'warn',
    // Every browser of a test run comes from one address: the per-address limit would
    // count a whole suite's clicks as one person's.
    MITREDEN_RATE_LIMIT: process.env.MITREDEN_RATE_LIMIT ?? '0',
  };
  // Only the data directory and the address: the binary, started from the repository root,
  // finds the site under target/site by itself.
  for (const name of ['DATABASE_URL', 'LEPTOS_SITE_ROOT', 'MITREDEN_CONFIG', 'MITREDEN_SMTP_URL']) delete env[name];
  if (smtpUrl) env.MITREDEN_SMTP_URL = smtpUrl;
  Object.assign(env, extra);
  // MITREDEN_E2E_POSTGRES (a server's URL, e.g. postgres://postgres@127.0.0.1:5432): each
  // server gets a database of its own there, dropped when it stops.
  let database;
  if (databaseUrl) {
    env.DATABASE_URL = databaseUrl;
  } else if (process.env.MITREDEN_E2E_POSTGRES) {
    const server = process.env.MITREDEN_E2E_POSTGRES.replace(/\/+$/, '');
    database = `mitreden_e2e_${process.pid}_${port}`;
    execFileSync('psql', [`${server}/postgres`, '-q', '-c', `CREATE DATABASE ${database}`], { stdio: 'pipe' });
    env.DATABASE_URL = `${server}/${database}`;
    database = { server, name: database };
  }
  if (demo) {
    execFileSync(binary, ['seed', 'demo'], { env, cwd: repoRoot, stdio: 'pipe' });
  }
  const child = spawn(binary, ['serve'], { env, cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      if (database) {
        execFileSync('psql', [`${database.server}/postgres`, '-q', '-c', `DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`], { stdio: 'pipe' });
      }
    },
  };
}

/** Every 5xx answer any page of any test saw. No test may see one: closing the browser
 *  (every test file does in its `after`) fails when there was any. */
const serverErrors = [];

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('response', (response) => {
      if (response.status() >= 500) {
        serverErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      }
    });
    return context;
  };
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    const seen = serverErrors.splice(0);
    if (seen.length) throw new Error(`server errors seen by the browser:\n${seen.join('\n')}`);
  };
  return browser;
}

/**
 * A page that records console errors, uncaught exceptions and every request that leaves
 * the instance (there must be none: no third-party requests).
 */
export async function newPage(browser, baseUrl, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'de-DE', ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  const foreignRequests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()}: ${response.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(baseUrl) && !url.startsWith('data:')) foreignRequests.push(url);
  });
  return { context, page, problems, foreignRequests };
}

/** The password of every demo account (`mitreden seed demo`). */
export const DEMO_PASSWORD = 'Mitreden-Demo-2026';

/** A new page (see `newPage`) signed in as a demo account through the login form. */
export async function signedIn(browser, baseUrl, email, contextOptions = {}) {
  const session = await newPage(browser, baseUrl, contextOptions);
  const { page } = session;
  await page.goto(`${baseUrl}/anmelden`);
  if (contextOptions.javaScriptEnabled !== false) await waitForHydration(page);
  await page.fill('#field-email', email);
  await page.fill('#field-password', DEMO_PASSWORD);
  await page.click('main button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/anmelden'));
  return session;
}

/** Waits until the wasm bundle has hydrated the page. */
export async function waitForHydration(page) {
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated'), null, {
    timeout: 15_000,
  });
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) and returns its violations, summarised. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return violations;
}

/** A small SMTP server on 127.0.0.1 that keeps every message it is sent. */
export async function startSmtpSink() {
  const messages = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = '';
    let to = [];
    socket.write('220 sink.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let index;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ to, raw: data });
            to = [];
            data = '';
            socket.write('250 OK queued\r\n');
          } else {
            data += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
          }
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith('EHLO') || upper.startsWith('HELO')) socket.write('250-sink.test\r\n250 8BITMIME\r\n');
        else if (upper.startsWith('MAIL FROM')) socket.write('250 OK\r\n');
        else if (upper.startsWith('RCPT TO')) { to.push(line.slice(8).replace(/[<>:\s]/g, '')); socket.write('250 OK\r\n'); }
        else if (upper === 'DATA') { inData = true; socket.write('354 go ahead\r\n'); }
        else if (upper === 'QUIT') { socket.end('221 bye\r\n'); }
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    /** Waits for a message to an address (containing a text, if given) and returns its
     *  decoded text. */
    async waitFor(address, timeoutMs = 15_000, containing = '') {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = messages
          .filter((m) => m.to.includes(address))
          .map((m) => decodeMime(m.raw))
          .find((text) => text.includes(containing));
        if (message) return message;
        if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The text of every part of a MIME message, transfer encodings undone. */
function decodeMime(raw) {
  const parts = raw.split(/\r\n--[^\r\n]+/);
  return parts.map((part) => {
    const split = part.indexOf('\r\n\r\n');
    const headers = split >= 0 ? part.slice(0, split).toLowerCase() : '';
    const body = split >= 0 ? part.slice(split + 4) : part;
    if (headers.includes('content-transfer-encoding: base64')) {
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    }
    if (headers.includes('content-transfer-encoding: quoted-printable')) {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }).join('\n');
}

/// A real PNG (decodable by the browser): a gradient, with a text chunk naming a person
/// that the server must strip.
export function gradientPng(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([Math.floor((x / width) * 255), 120, Math.floor((y / height) * 255)], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('tEXt', Buffer.from('Author\0Erika Mustermann', 'latin1')),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
