// Shared helpers: start a release server on a free port with its own data directory, launch
// Debian's Chromium, run axe-core. Every server is stopped by the test that started it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = process.env.MITREDEN_BIN ?? path.join(repoRoot, 'target', 'release', 'mitreden');

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

/** Starts `mitreden serve` on a fresh data directory; `demo` seeds the demo content first. */
export async function startServer({ demo = true } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mitreden-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    MITREDEN_DATA_DIR: dataDir,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    RUST_LOG: 'warn',
  };
  // Only the data directory and the address: the binary, started from the repository root,
  // finds the site under target/site by itself.
  for (const name of ['DATABASE_URL', 'LEPTOS_SITE_ROOT', 'MITREDEN_CONFIG']) delete env[name];
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
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
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
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(baseUrl) && !url.startsWith('data:')) foreignRequests.push(url);
  });
  return { context, page, problems, foreignRequests };
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
