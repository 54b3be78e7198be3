// Headless-Chromium checks of the search page on PLAIN static hosting: the
// bundled site served by any static file server (no zhiku process), so the
// page must search the static bundle (public/search/) in the browser.
//
//   cd tests/browser && npm ci
//   (cd public && python3 -m http.server PORT)
//   node tests/browser/static.mjs http://127.0.0.1:PORT ['{"党": 12, ...}']
//
// Same rules as run.mjs: console errors, uncaught exceptions, failed requests,
// same-origin responses >= 400 (including a request to /api/search) and
// requests to other origins fail the run. Byte budgets count the gzip size
// (level 6) of every bundle file fetched from submitting a query until its
// results are shown: at most 150 KB for the first query of a page, 50 KB for
// each later one. Prints one line per check, the bytes and timings, and last
// exactly one line "N passed, M failed". Exit code 0 only if nothing failed.

import {
  checker,
  kb, launch, measure, openMeasuredPage, originOf, short, totalFromStatus, typeQuery,
} from './measure.mjs';

const FIRST_QUERY_BUDGET = 150 * 1024;
const LATER_QUERY_BUDGET = 50 * 1024;
const TRADITIONAL_HIT = '/experiences/shiqiao-shequ-zhiyuan-fuwu-tihui-2016/';

const { check, finish } = checker();

const origin = originOf(process.argv[2]);
if (!origin) {
  process.stderr.write('usage: node tests/browser/static.mjs http://127.0.0.1:PORT\n');
  check('base URL given', false, `got ${JSON.stringify(process.argv[2] ?? null)}`);
  finish(2);
  process.exit();
}

/** One measured search: prints its bytes and timing, checks its budget. */
function report(label, m, budget) {
  const files = m.files.map((f) => `${f.path.replace('/search/', '')} ${kb(f.gz)}`).join(', ');
  process.stdout.write(`      ${label}: ${m.files.length} files, ${kb(m.gz)} KB gzip (${kb(m.raw)} KB raw), ` +
    `${m.ms.toFixed(1)} ms from last response to results [${files}]\n`);
  check(`${label}: bundle bytes ${kb(m.gz)} KB <= ${kb(budget)} KB`, m.gz <= budget);
}

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
  const apiRequests = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/')) apiRequests.push(req.url());
  });

  const res = await page.goto(origin + '/search/', { waitUntil: 'load' });
  check('search page: status 200', res && res.status() === 200, `status ${res && res.status()}`);
  await page.waitForLoadState('networkidle');
  await Promise.all(responses.map((r) => r.done));
  const assets = responses.filter((r) => r.method === 'GET');
  const assetBytes = assets.reduce((n, r) => n + r.gz, 0);
  process.stdout.write(`      page itself: ${assets.length} files, ${kb(assetBytes)} KB gzip ` +
    `[${assets.map((r) => `${r.path} ${kb(r.gz)}`).join(', ')}]\n`);
  check('search page: loads no bundle file before a query', !assets.some((r) => r.path.startsWith('/search/') && r.path.endsWith('.json')));

  // 1. Simplified query, Traditional document, marks on the original characters.
  const trad = await measure(page, responses, () => typeQuery(page, '志愿服务'));
  report('query 1 志愿服务 (first)', trad, FIRST_QUERY_BUDGET);
  const tradHit = trad.result.hits.find((h) => h.href === TRADITIONAL_HIT);
  check(`志愿服务: finds the Traditional-character document ${TRADITIONAL_HIT}`, !!tradHit,
    `hits: ${trad.result.hits.map((h) => h.href).join(', ')}; status: ${trad.result.status}`);
  check('志愿服务: <mark>志願服務</mark> in its title or snippet',
    !!tradHit && [...tradHit.titleMarks, ...tradHit.snippetMarks].includes('志願服務'),
    tradHit ? `marks: ${JSON.stringify([...tradHit.titleMarks, ...tradHit.snippetMarks])}` : 'no such hit');
  check('志愿服务: result count shown', totalFromStatus(trad.result.status) !== null, trad.result.status);

  // 2. Two characters inside longer words.
  const sub = await measure(page, responses, () => typeQuery(page, '居委'));
  report('query 2 居委', sub, LATER_QUERY_BUDGET);
  check('居委: has hits', sub.result.state === 'results' && sub.result.hits.length > 0,
    `state ${sub.result.state}; status: ${sub.result.status}`);

  // 3. Phrase: every snippet marks it.
  const phrase = await measure(page, responses, () => typeQuery(page, '"红色物业"'));
  report('query 3 "红色物业"', phrase, LATER_QUERY_BUDGET);
  check('"红色物业": has hits', phrase.result.hits.length > 0, `status: ${phrase.result.status}`);
  const unmarked = phrase.result.hits.filter((h) => !h.snippetMarks.includes('红色物业'));
  check('"红色物业": every snippet marks 红色物业', phrase.result.hits.length > 0 && unmarked.length === 0,
    unmarked.map((h) => `${h.href} marks ${JSON.stringify(h.snippetMarks)}`).join('; '));

  // 4. Filter through the facet control: only 政策文件, as many as the facet said.
  const facet = page.locator('#search-facets .facet-kind').getByRole('button', { name: /^政策文件/ });
  const facetCountText = (await facet.locator('.facet-count').textContent()) || '';
  const facetCount = Number((/\d+/.exec(facetCountText) || ['NaN'])[0]);
  const filtered = await measure(page, responses, () => facet.click());
  report('query 4 filter 政策文件', filtered, LATER_QUERY_BUDGET);
  const kinds = filtered.result.hits.map((h) => h.kind);
  check('filter 政策文件: every hit is 政策文件', kinds.length > 0 && kinds.every((k) => k === '政策文件'), `kinds: ${kinds.join(', ')}`);
  check('filter 政策文件: count equals the facet count shown before', totalFromStatus(filtered.result.status) === facetCount,
    `facet ${facetCountText.trim()}, status: ${filtered.result.status}`);
  check('filter 政策文件: URL contains kind=policy', /[?&]kind=policy(&|$)/.test(filtered.result.url), filtered.result.url);

  // 5. Parameter errors are refused like the server does.
  const long = await measure(page, responses, () => typeQuery(page, '党'.repeat(257)));
  check('query of 257 characters: refused with the server\'s message',
    long.result.state === 'error' && long.result.status.includes('查询词不能超过 256 个字符'), `state ${long.result.state}; status: ${short(long.result.status)}`);

  // 6. Back to earlier results: nothing fetched twice.
  const back = await measure(page, responses, () => page.goBack());
  check('back: earlier results again', back.result.hits.length > 0);
  const twice = new Set();
  const seen = new Set();
  for (const r of responses) {
    if (!r.path.startsWith('/search/') || !r.path.endsWith('.json')) continue;
    if (seen.has(r.path)) twice.add(r.path);
    seen.add(r.path);
  }
  check('bundle: every file fetched at most once', twice.size === 0, [...twice].join(', '));

  // 7. The same totals as the server for the queries the test passes in
  //    (single characters, found through the bigrams they start; two-character terms).
  //    On a page of its own: no filter left over from the steps above.
  const expected = JSON.parse(process.argv[3] || '{}');
  const fresh = await openMeasuredPage(context, origin);
  await fresh.page.goto(origin + '/search/', { waitUntil: 'load' });
  for (const [q, total] of Object.entries(expected)) {
    const m = await measure(fresh.page, fresh.responses, () => typeQuery(fresh.page, q));
    const shown = totalFromStatus(m.result.status) ?? (/没有找到/.test(m.result.status) ? 0 : null);
    check(`${q}: ${total} results, as /api/search finds`, shown === total, `shown ${shown}; status: ${m.result.status}`);
  }
  await fresh.page.waitForLoadState('networkidle');
  check('totals page: no console errors, page errors or failed requests', fresh.watch.problems.length === 0, fresh.watch.problems.join('; '));
  await fresh.page.close();

  check('no request to /api/', apiRequests.length === 0, apiRequests.join(', '));
  await page.waitForLoadState('networkidle');
  check('search page: no console errors, page errors or failed requests', watch.problems.length === 0, watch.problems.join('; '));

  // 8. A shared link searches on load.
  const direct = await openMeasuredPage(context, origin);
  const shared = await measure(direct.page, direct.responses,
    () => direct.page.goto(origin + '/search/?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A&kind=policy', { waitUntil: 'load' }));
  check('shared link /search/?q=红色物业&kind=policy: filtered results shown',
    shared.result.hits.length > 0 && shared.result.hits.every((h) => h.kind === '政策文件') &&
      shared.result.pressed.some((p) => p.startsWith('政策文件')),
    `kinds: ${shared.result.hits.map((h) => h.kind).join(', ')}; pressed: ${shared.result.pressed.join(', ')}`);
  await direct.page.waitForLoadState('networkidle');
  check('shared link: no console errors, page errors or failed requests', direct.watch.problems.length === 0,
    direct.watch.problems.join('; '));
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
