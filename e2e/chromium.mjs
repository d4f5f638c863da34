// Starts Debian's Chromium for the end-to-end tests, headless and without any of the
// background traffic (updates, sync, field trials) that a closed network would refuse.
import { chromium } from 'playwright-core';
import { startServer } from '../tools/serve.mjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches the system Chromium (`CHROMIUM` overrides its path). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * Collects into `problems` what must not happen on a page: an uncaught error, a console error
 * and, unless `requests` is false, a request leaving 127.0.0.1 (data: and blob: URLs are the
 * page's own) or failing.
 */
export function watchPage(page, problems, { requests = true } = {}) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  if (requests) {
    page.on('request', (r) => {
      const url = new URL(r.url());
      const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1';
      if (!local) problems.push(`request to another origin: ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  }
  return problems;
}

/** Serves `dir` (the release build) on 127.0.0.1 and starts Chromium: `{ server, baseUrl, browser }`. */
export async function serveAndLaunch(dir) {
  const { server, url } = await startServer(dir);
  return { server, baseUrl: url, browser: await launchChromium() };
}
