// Shared by static.mjs and budget.mjs: a headless-Chromium search page whose
// problems are collected (console errors, page errors, failed or >= 400
// same-origin requests, requests to other origins) and whose responses are
// recorded with their gzip size (node:zlib level 6: what a static server that
// compresses would transfer), plus the in-page time at which each result was
// shown, so a query can be measured from typing to results.

import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const TIMEOUT_MS = 15000;

/** Counts checks, prints one line each and the closing `N passed, M failed` line. */
export function checker() {
  let passed = 0;
  let failed = 0;
  return {
    check(name, ok, detail) {
      if (ok) {
        passed++;
        process.stdout.write(`ok    ${name}\n`);
      } else {
        failed++;
        process.stdout.write(`FAIL  ${name}${detail ? ` — ${detail}` : ''}\n`);
      }
      return ok;
    },
    finish(code) {
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      process.exitCode = code ?? (failed === 0 ? 0 : 1);
    },
  };
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function short(value, max = 300) {
  const s = String(value ?? '');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The origin of a base URL argument, or null. */
export function originOf(arg) {
  try {
    const u = new URL(arg ?? '');
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** A file of the static search bundle (`/search/…​.json`). */
export function isBundleFile(path) {
  return /^\/search\/.+\.(json|bin)$/.test(path);
}

export const kb = (bytes) => (bytes / 1024).toFixed(1);

export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Opens a page that records every response in `responses` ({path, method,
 * status, raw, gz, done}) and every problem in `watch.problems`.
 */
export async function openMeasuredPage(context, origin) {
  const page = await context.newPage();
  const watch = { problems: [] };
  const responses = [];

  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    watch.problems.push(`console error: ${short(msg.text())}${loc && loc.url ? ` (${loc.url})` : ''}`);
  });
  page.on('pageerror', (err) => watch.problems.push(`page error: ${short(err && err.stack ? err.stack : err)}`));
  page.on('request', (req) => {
    const u = req.url();
    if (/^(data|blob|about):/.test(u)) return;
    let o;
    try {
      o = new URL(u).origin;
    } catch {
      return;
    }
    if (o !== origin) watch.problems.push(`request to another origin: ${short(u)}`);
  });
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith(origin + '/')) return;
    const f = req.failure();
    // Abandoned by the browser as the page moved on, not failed by the server.
    if (f && f.errorText === 'net::ERR_ABORTED') return;
    watch.problems.push(`request failed: ${short(req.url())} (${f ? f.errorText : 'unknown'})`);
  });
  page.on('response', (res) => {
    const u = res.url();
    if (!u.startsWith(origin + '/')) return;
    if (res.status() >= 400) watch.problems.push(`HTTP ${res.status()}: ${short(u)}`);
    const rec = { path: new URL(u).pathname, method: res.request().method(), status: res.status(), raw: 0, gz: 0 };
    rec.done = res.body().then(
      (body) => {
        rec.raw = body.length;
        rec.gz = body.length ? gzipSync(body, { level: 6 }).length : 0;
      },
      () => {}, // HEAD, redirects: no body
    );
    responses.push(rec);
  });

  // In the page: keep every resource timing entry, and note when results are shown.
  await page.addInitScript(() => {
    try {
      performance.setResourceTimingBufferSize(1000000);
    } catch {
      /* older engines */
    }
    window.__zkShown = [];
    document.addEventListener('DOMContentLoaded', () => {
      const r = document.getElementById('search-results');
      if (!r) return;
      new MutationObserver(() => {
        const state = r.getAttribute('data-state');
        if (state && state !== 'loading') window.__zkShown.push({ state, url: r.getAttribute('data-url'), t: performance.now() });
      }).observe(r, { attributes: true, attributeFilter: ['data-state', 'data-url'] });
    });
  });

  page.setDefaultTimeout(TIMEOUT_MS);
  page.setDefaultNavigationTimeout(TIMEOUT_MS);
  return { page, watch, responses };
}

/** Waits until the results region shows the search that the address bar names. */
export async function waitForSearch(page) {
  await page.waitForFunction(() => {
    const r = document.getElementById('search-results');
    if (!r) return false;
    const state = r.getAttribute('data-state');
    return !!state && state !== 'loading' &&
      r.getAttribute('data-url') === window.location.pathname + window.location.search;
  });
  return page.evaluate(() => {
    const r = document.getElementById('search-results');
    const status = document.getElementById('search-status');
    const textOf = (el) => {
      const c = el.cloneNode(true);
      c.querySelectorAll('.visually-hidden').forEach((n) => n.remove());
      return c.textContent.trim();
    };
    return {
      state: r.getAttribute('data-state'),
      url: window.location.href,
      status: status ? status.textContent.trim() : '',
      hits: [...document.querySelectorAll('.search-hit')].map((li) => ({
        href: (li.querySelector('.search-hit-title a') || { getAttribute: () => null }).getAttribute('href'),
        kind: (() => {
          const k = li.querySelector('.search-hit-kind');
          return k ? textOf(k) : '';
        })(),
        titleMarks: [...li.querySelectorAll('.search-hit-title mark')].map((m) => m.textContent),
        snippetMarks: [...li.querySelectorAll('.search-hit-snippet mark')].map((m) => m.textContent),
      })),
      pressed: [...document.querySelectorAll('#search-facets [aria-pressed="true"]')].map(textOf),
    };
  });
}

export function totalFromStatus(status) {
  const m = /找到\s*(\d+)\s*篇/.exec(status);
  return m ? Number(m[1]) : null;
}

/**
 * Runs `action` (which starts a search: typing a query, clicking a facet) and
 * measures it: the result, the bundle files fetched (`files`, with gzip
 * sizes), their total `gz` bytes, and `ms` from the last bundle response to
 * the results being shown (from the action itself when nothing was fetched).
 */
export async function measure(page, responses, action) {
  const mark = responses.length;
  const t0 = await page.evaluate(() => performance.now());
  await action();
  const result = await waitForSearch(page);
  // The static search counts tags and regions after showing the results
  // (the panel is busy meanwhile): their files belong to this query too.
  await page.waitForFunction(() => !document.querySelector('#search-facets[aria-busy]'));
  const timing = await page.evaluate((since) => {
    const shown = window.__zkShown.filter((s) => s.t >= since).pop();
    const data = performance.getEntriesByType('resource')
      .filter((e) => e.startTime >= since && /\/search\/.+\.(json|bin)(\?|#|$)/.test(new URL(e.name).pathname));
    const waited = shown ? data.filter((e) => e.responseEnd <= shown.t) : data;
    const last = waited.length ? Math.max(...waited.map((e) => e.responseEnd)) : since;
    return {
      shown: shown ? shown.t : null,
      last,
      requests: data.length,
      beforeResults: waited.map((e) => new URL(e.name).pathname),
    };
  }, t0);
  const fresh = responses.slice(mark);
  await Promise.all(fresh.map((r) => r.done));
  const files = fresh.filter((r) => isBundleFile(r.path));
  const before = new Set(timing.beforeResults);
  return {
    result,
    files,
    other: fresh.filter((r) => !isBundleFile(r.path)),
    gz: files.reduce((n, r) => n + r.gz, 0),
    // What the results waited for; the rest (tag and region counts) came after.
    gzBeforeResults: files.filter((r) => before.has(r.path)).reduce((n, r) => n + r.gz, 0),
    raw: files.reduce((n, r) => n + r.raw, 0),
    // From the last response the results waited for to the results shown.
    ms: timing.shown === null ? NaN : timing.shown - timing.last,
  };
}

/** Types `text` into the search box and submits it. */
export async function typeQuery(page, text) {
  const box = page.locator('#search-q');
  await box.fill(text);
  await box.press('Enter');
}
