// Headless-Chromium checks of a running zhiku server (the bundled site, with the
// real /api/search).
//
//   cd tests/browser && npm ci
//   node tests/browser/run.mjs http://127.0.0.1:PORT
//
// Every page is watched for console errors, uncaught exceptions, failed
// requests, same-origin responses with status >= 400 and requests to other
// origins; any of these fails the run. Prints one line per check and, last,
// exactly one line "N passed, M failed". Exit code 0 only if nothing failed.

import { TIMEOUT_MS, checker, launch } from './measure.mjs';

const EXPECT = {
  policyHit: '/policies/hongse-wuye-jianshe-yijian-2019/',
  traditionalHit: '/experiences/shiqiao-shequ-zhiyuan-fuwu-tihui-2016/',
};

const { check, finish } = checker();

function short(value, max = 300) {
  const s = String(value ?? '');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---------------------------------------------------------------------------

const baseArg = process.argv[2];
let origin;
try {
  const u = new URL(baseArg ?? '');
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  origin = u.origin;
} catch {
  process.stderr.write('usage: node tests/browser/run.mjs http://127.0.0.1:PORT\n');
  check('base URL given', false, `got ${JSON.stringify(baseArg ?? null)}`);
  finish(2);
  process.exit();
}
const url = (path) => origin + path;

/**
 * Opens a page whose problems (console errors, page errors, failed or >= 400
 * same-origin requests, requests to other origins) are collected in
 * `watch.problems`. `watch.allow404For` names one URL whose main-document 404
 * (and Chromium's single console message about it) is expected.
 */
async function openWatchedPage(context) {
  const page = await context.newPage();
  const watch = { problems: [], allow404For: null, allowed404Logs: 0 };

  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const loc = msg.location();
    if (
      watch.allow404For &&
      watch.allowed404Logs === 0 &&
      text.startsWith('Failed to load resource: the server responded with a status of 404') &&
      loc && loc.url === watch.allow404For
    ) {
      watch.allowed404Logs++;
      return;
    }
    watch.problems.push(`console error: ${short(text)}${loc && loc.url ? ` (${loc.url})` : ''}`);
  });
  page.on('pageerror', (err) => {
    watch.problems.push(`page error: ${short(err && err.stack ? err.stack : err)}`);
  });
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('about:')) return;
    let o;
    try {
      o = new URL(u).origin;
    } catch {
      return;
    }
    if (o !== origin) watch.problems.push(`request to another origin: ${short(u)}`);
  });
  page.on('requestfailed', (req) => {
    const u = req.url();
    if (!u.startsWith(origin + '/')) return;
    const f = req.failure();
    // The browser abandons a request (the favicon, say) when the page moves
    // on; the server did not fail it. Errors of the server show as responses.
    if (f && f.errorText === 'net::ERR_ABORTED') return;
    watch.problems.push(`request failed: ${short(u)} (${f ? f.errorText : 'unknown'})`);
  });
  page.on('response', (res) => {
    const u = res.url();
    if (!u.startsWith(origin + '/') || res.status() < 400) return;
    if (
      res.status() === 404 &&
      watch.allow404For === u &&
      res.request().isNavigationRequest()
    ) {
      return;
    }
    watch.problems.push(`HTTP ${res.status()}: ${short(u)}`);
  });

  page.setDefaultTimeout(TIMEOUT_MS);
  page.setDefaultNavigationTimeout(TIMEOUT_MS);
  return { page, watch };
}

function checkClean(label, watch) {
  check(`${label}: no console errors, page errors or failed requests`, watch.problems.length === 0,
    watch.problems.join('; '));
  watch.problems.length = 0;
}

/** Runs one group of checks; an exception is reported as a failed check. */
async function step(name, fn) {
  try {
    await fn();
  } catch (err) {
    check(`${name}: completed without error`, false, short(err && err.message ? err.message : err, 600));
  }
}

// ----- search page helpers --------------------------------------------------

/** Waits until the results region shows the search that the address bar names. */
async function waitForSearch(page) {
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
      hrefs: [...document.querySelectorAll('.search-hit-title a')].map((a) => a.getAttribute('href')),
      kinds: [...document.querySelectorAll('.search-hit .search-hit-kind')].map(textOf),
      marks: [...document.querySelectorAll('.search-hit-snippet mark')].map((m) => m.textContent),
      pressed: [...document.querySelectorAll('#search-facets [aria-pressed="true"]')].map(textOf),
      emptyHelp: (document.querySelector('.search-empty') || { textContent: '' }).textContent.trim(),
    };
  });
}

function totalFromStatus(status) {
  const m = /找到\s*(\d+)\s*篇/.exec(status);
  return m ? Number(m[1]) : null;
}

async function submitQuery(page, text) {
  const box = page.locator('#search-q');
  await box.fill(text);
  await box.press('Enter');
  return waitForSearch(page);
}

// ---------------------------------------------------------------------------

let browser;
try {
  browser = await launch();
} catch (err) {
  check('launch Chromium', false, short(err && err.message ? err.message : err, 600));
  finish(1);
  process.exit();
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  let policyPath = null;

  await step('home page', async () => {
    const { page, watch } = await openWatchedPage(context);
    const res = await page.goto(url('/'), { waitUntil: 'load' });
    check('home page: status 200', res && res.status() === 200, `status ${res && res.status()}`);
    const hrefs = await page.$$eval('a[href^="/policies/"]', (as) => as.map((a) => a.getAttribute('href')));
    policyPath = hrefs.find((h) => /^\/policies\/[^/]+\/$/.test(h)) || null;
    check('home page: links to a policy document', !!policyPath, `links under /policies/: ${hrefs.join(', ')}`);
    await page.waitForLoadState('networkidle');
    checkClean('home page', watch);
    await page.close();
  });

  await step('policy page', async () => {
    if (!policyPath) {
      check('policy page: visited', false, 'no policy link found on the home page');
      return;
    }
    const { page, watch } = await openWatchedPage(context);
    const res = await page.goto(url(policyPath), { waitUntil: 'load' });
    check(`policy page ${policyPath}: status 200`, res && res.status() === 200, `status ${res && res.status()}`);
    const h1 = (await page.locator('h1').first().textContent()) || '';
    check('policy page: has a title', h1.trim().length > 0);
    await page.waitForLoadState('networkidle');
    checkClean('policy page', watch);
    await page.close();
  });

  await step('study path progress', async () => {
    const { page, watch } = await openWatchedPage(context);
    await page.goto(url('/paths/'), { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const pathHref = await page.locator('.path-card h2 a').first().getAttribute('href');
    check('paths page: lists a study path', !!pathHref, `first path link: ${pathHref}`);
    await page.goto(url(pathHref), { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const steps = await page.$$eval('li.path-step', (lis) => lis.map((li) => li.getAttribute('data-step')));
    const kinds = new Set(steps.map((s) => s.split('/')[1]));
    check('path page: steps mix document kinds', steps.length >= 3 && kinds.size >= 2, steps.join(', '));
    const progressOf = () => page.evaluate(() => {
      const p = document.querySelector('.path-progress progress');
      return p && !p.closest('[hidden]') ? p.value : null;
    });
    check('path page: progress bar shown at 0', (await progressOf()) === 0, String(await progressOf()));

    // Study the second step: its page shows where it is in the path.
    await page.goto(url(steps[1]), { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const head = (await page.locator('.path-nav .path-nav-head').first().textContent()) || '';
    check('step page: shows its place in the path', /第 2 步 \/ 共 \d+ 步/.test(head), head.trim());
    const prev = await page.locator('.path-nav a.lesson-prev').first().getAttribute('href');
    const next = await page.locator('.path-nav a.lesson-next').first().getAttribute('href');
    check('step page: links to the previous and next steps', prev === steps[0] && next === steps[2],
      `prev ${prev}, next ${next}`);
    const markSelector = `.path-nav button[data-path-mark][data-step="${steps[1]}"]`;
    // The script shows the button once it has read the saved progress.
    const pressed = async () => {
      try {
        await page.waitForFunction((sel) => {
          const b = document.querySelector(sel);
          return b && !b.hidden && b.getAttribute('aria-pressed') === 'true';
        }, markSelector, { timeout: 5000 });
        return true;
      } catch (e) {
        return false;
      }
    };
    await page.locator(markSelector).first().click();
    check('step page: marked as studied', await pressed());
    await page.reload({ waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    check('step page: still studied after reload', await pressed(),
      await page.locator(markSelector).first().textContent());

    await page.goto(url(pathHref), { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    check('path page: progress bar at 1 after reload', (await progressOf()) === 1, String(await progressOf()));
    const done = await page.$$eval('li.path-step.is-done', (lis) => lis.map((li) => li.getAttribute('data-step')));
    check('path page: the studied step is ticked', done.length === 1 && done[0] === steps[1], done.join(', '));
    const printed = await page.$$eval('.path-print-step', (a) => a.length);
    check('path page: every step is in the printable text', printed === steps.length, `${printed} of ${steps.length}`);
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => getComputedStyle(document.querySelector('.path-print')).display);
    check('path page: print shows the steps\' text', shown === 'block', shown);
    await page.emulateMedia({ media: 'screen' });
    await page.locator('button[data-path-reset]').click();
    check('path page: reset clears the progress', (await progressOf()) === 0, String(await progressOf()));
    checkClean('study path', watch);
    await page.close();
  });

  await step('404 page', async () => {
    const { page, watch } = await openWatchedPage(context);
    const target = url('/no-such-page/');
    watch.allow404For = target;
    const res = await page.goto(target, { waitUntil: 'load' });
    check('404 page: status 404', res && res.status() === 404, `status ${res && res.status()}`);
    await page.waitForLoadState('networkidle');
    checkClean('404 page', watch);
    await page.close();
  });

  await step('search', async () => {
    const { page, watch } = await openWatchedPage(context);
    const res = await page.goto(url('/search/'), { waitUntil: 'load' });
    check('search page: status 200', res && res.status() === 200, `status ${res && res.status()}`);
    await page.waitForLoadState('networkidle');

    const focusedOnLoad = await page.evaluate(() => (document.activeElement ? document.activeElement.tagName : ''));
    check('search page: focus is not moved on load', focusedOnLoad === 'BODY', `focused: ${focusedOnLoad}`);

    // Keyboard: Tab from the top of the page until the main query box has focus.
    let tabbed = false;
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement && document.activeElement.id === 'search-q')) {
        tabbed = true;
        break;
      }
    }
    if (!tabbed) await page.locator('#search-q').focus();
    check(`search: query box focused (${tabbed ? 'with Tab' : 'Tab did not reach it; used focus()'})`,
      await page.evaluate(() => document.activeElement && document.activeElement.id === 'search-q'));

    await page.keyboard.type('红色物业');
    await page.keyboard.press('Enter');
    const first = await waitForSearch(page);
    check('search 红色物业: at least 2 hits', first.hrefs.length >= 2, `${first.hrefs.length} hits; status: ${first.status}`);
    check(`search 红色物业: a hit links to ${EXPECT.policyHit}`, first.hrefs.includes(EXPECT.policyHit),
      `hits: ${first.hrefs.join(', ')}`);
    const goodMarks = first.marks.filter((m) => m.length > 0 && (m.includes('红色物业') || '红色物业'.includes(m)));
    check('search 红色物业: snippets highlight the query with <mark>', goodMarks.length > 0,
      `marks: ${JSON.stringify(first.marks)}`);
    check('search 红色物业: URL contains q=', /[?&]q=/.test(first.url), first.url);
    check('search 红色物业: result count shown', totalFromStatus(first.status) !== null, first.status);

    // Filter by kind through its facet control, then go back.
    const facet = page.locator('#search-facets .facet-kind').getByRole('button', { name: /^政策文件/ });
    const facetCountText = (await facet.locator('.facet-count').textContent()) || '';
    const facetCount = Number((/\d+/.exec(facetCountText) || ['NaN'])[0]);
    await facet.click();
    const filtered = await waitForSearch(page);
    check('filter 政策文件: every hit is 政策文件',
      filtered.kinds.length > 0 && filtered.kinds.every((k) => k === '政策文件'), `kinds: ${filtered.kinds.join(', ')}`);
    check('filter 政策文件: URL contains kind=policy', /[?&]kind=policy(&|$)/.test(filtered.url), filtered.url);
    check('filter 政策文件: count equals the facet count shown before',
      totalFromStatus(filtered.status) === facetCount, `facet ${facetCountText.trim()}, status: ${filtered.status}`);
    check('filter 政策文件: facet control is pressed', filtered.pressed.some((p) => p.startsWith('政策文件')),
      `pressed: ${filtered.pressed.join(', ')}`);

    await page.goBack();
    const back = await waitForSearch(page);
    check('back: filter removed from URL', !/[?&]kind=/.test(back.url) && /[?&]q=/.test(back.url), back.url);
    check('back: no facet pressed', back.pressed.length === 0, `pressed: ${back.pressed.join(', ')}`);
    // Compare counts and links, not the status line: it includes the time taken.
    check('back: earlier results are back',
      totalFromStatus(back.status) === totalFromStatus(first.status) &&
        JSON.stringify(back.hrefs) === JSON.stringify(first.hrefs),
      `before: ${first.status} [${first.hrefs.join(', ')}]; after: ${back.status} [${back.hrefs.join(', ')}]`);
    check('back: query box restored', (await page.locator('#search-q').inputValue()) === '红色物业');

    // Simplified query finds a document written in Traditional characters.
    const trad = await submitQuery(page, '志愿服务');
    check(`search 志愿服务: finds the Traditional-character document ${EXPECT.traditionalHit}`,
      trad.hrefs.includes(EXPECT.traditionalHit), `hits: ${trad.hrefs.join(', ')}; status: ${trad.status}`);

    // No results: help instead of a blank area.
    const none = await submitQuery(page, '不存在的词语组合');
    check('search 不存在的词语组合: no hits', none.hrefs.length === 0 && none.state === 'empty',
      `${none.hrefs.length} hits, state ${none.state}`);
    check('search 不存在的词语组合: help text shown', none.emptyHelp.includes('错别字'), `help: ${short(none.emptyHelp)}`);

    // Direct, shareable link with a filter.
    const direct = await page.goto(url('/search/?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A&kind=policy'), { waitUntil: 'load' });
    check('shared link /search/?q=红色物业&kind=policy: status 200', direct && direct.status() === 200);
    const shared = await waitForSearch(page);
    check('shared link: filtered results shown',
      shared.kinds.length > 0 && shared.kinds.every((k) => k === '政策文件') && shared.pressed.some((p) => p.startsWith('政策文件')),
      `kinds: ${shared.kinds.join(', ')}; pressed: ${shared.pressed.join(', ')}`);

    await page.waitForLoadState('networkidle');
    checkClean('search page', watch);
    await page.close();
  });

  await context.close();
} catch (err) {
  check('run completed', false, short(err && err.message ? err.message : err, 600));
} finally {
  try {
    await browser.close();
  } catch {
    /* already gone */
  }
}

finish();
