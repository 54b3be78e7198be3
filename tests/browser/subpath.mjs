// Headless-Chromium check of a site published under a sub-path on plain
// static hosting: the bundled site built for http://example.gov.cn/dangjian/
// and served at /dangjian/ by a static file server (no zhiku process).
//
//   node tests/browser/subpath.mjs http://127.0.0.1:PORT/dangjian/
//
// The search page must search the static bundle it fetches from under
// /dangjian/, link its hits under /dangjian/, and make no request outside
// that path; a hit must open. Console errors, uncaught exceptions, failed
// requests and responses >= 400 fail the run. Prints one line per check and
// last exactly one line "N passed, M failed".

import { checker, launch, openMeasuredPage, short, totalFromStatus, typeQuery, waitForSearch } from './measure.mjs';

const { check, finish } = checker();

let base;
try {
  base = new URL(process.argv[2] ?? '');
} catch {
  check('base URL given', false, `got ${JSON.stringify(process.argv[2] ?? null)}`);
  finish(2);
  process.exit();
}
const origin = base.origin;
const prefix = base.pathname.replace(/\/$/, '');

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
  const { page, watch, responses } = await openMeasuredPage(context, origin);
  const res = await page.goto(`${origin}${prefix}/search/`, { waitUntil: 'load' });
  check(`${prefix}/search/: status 200`, res && res.status() === 200, `status ${res && res.status()}`);

  for (const q of ['红色物业', '志愿服务', '党']) {
    await typeQuery(page, q);
    const result = await waitForSearch(page);
    const total = totalFromStatus(result.status);
    check(`${q}: results from the static bundle`, result.hits.length > 0 && total > 0,
      `state ${result.state}; status: ${result.status}`);
    const outside = result.hits.map((h) => h.href).filter((h) => !h || !h.startsWith(`${prefix}/`));
    check(`${q}: every hit links under ${prefix}/`, outside.length === 0, outside.join(', '));
    check(`${q}: the address bar stays under ${prefix}/`, new URL(result.url).pathname.startsWith(`${prefix}/search/`), result.url);
  }
  await page.waitForLoadState('networkidle');

  const paths = responses.map((r) => r.path);
  const bundle = paths.filter((p) => p.startsWith(`${prefix}/search/`) && p.endsWith('.json'));
  check(`bundle files fetched from ${prefix}/search/`, bundle.length > 0, paths.join(', '));
  const stray = paths.filter((p) => !p.startsWith(`${prefix}/`));
  check(`no request outside ${prefix}/`, stray.length === 0, stray.join(', '));
  check('no request to an /api/ path', !paths.some((p) => p.includes('/api/')), paths.join(', '));

  const first = (await waitForSearch(page)).hits[0].href;
  const opened = await page.goto(origin + first, { waitUntil: 'load' });
  check(`first hit ${first} opens`, opened && opened.status() === 200, `status ${opened && opened.status()}`);
  const sheets = await page.evaluate(() => [...document.styleSheets]
    .map((sheet) => ({ href: sheet.href || '', rules: sheet.cssRules.length })));
  const style = sheets.find((s) => new URL(s.href || 'about:blank').pathname === `${prefix}/static/css/style.css`);
  check(`the hit page's stylesheet loads from ${prefix}/static/`, !!style && style.rules > 0, JSON.stringify(sheets));
  await page.waitForLoadState('networkidle');
  check('no console errors, page errors or failed requests', watch.problems.length === 0, watch.problems.join('; '));
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
