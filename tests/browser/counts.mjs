// What the search page shows for each query on PLAIN static hosting (no zhiku
// process, so the page answers from the static bundle): the total of its status
// line, every facet count of its filter panel and the links of its first page.
// The caller compares them with /api/search; this script only reads the page.
//
//   (cd public && python3 -m http.server PORT)
//   node tests/browser/counts.mjs http://127.0.0.1:PORT '["党员", "黨員", ...]'
//
// Prints one JSON line per query, in order:
//   {"q", "state", "total", "status", "facets": {"<param>": {"<value>": count}},
//    "top": [href, ...], "problems": [...]}
// `total` is null when the status line shows no count (an error, say); the
// caller treats that as a mismatch. The queries are typed one after another
// into one page, as a reader would: the bundle files it has fetched stay
// loaded (a fresh page per query pays for them every time, a second a query
// here), and no facet is ever pressed, so none carries over. Exit code 1 if
// the page asked /api/ (then it was not answering from the bundle), an
// exception if the browser could not be driven; 0 otherwise, whatever counts
// were shown.

import {
  launch, openMeasuredPage, originOf, short, totalFromStatus, typeQuery, waitForSearch,
} from './measure.mjs';

const origin = originOf(process.argv[2]);
let queries;
try {
  queries = JSON.parse(process.argv[3] ?? '');
} catch {
  queries = null;
}
if (!origin || !Array.isArray(queries)) {
  process.stderr.write('usage: node tests/browser/counts.mjs http://127.0.0.1:PORT \'["query", ...]\'\n');
  process.exit(2);
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const { page, watch } = await openMeasuredPage(context, origin);
  const apiRequests = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/')) apiRequests.push(req.url());
  });
  await page.goto(`${origin}/search/`, { waitUntil: 'load' });
  for (const q of queries) {
    const seen = watch.problems.length;
    await typeQuery(page, q);
    const result = await waitForSearch(page);
    // Tag and region counts arrive after the results (the panel is busy meanwhile).
    await page.waitForFunction(() => !document.querySelector('#search-facets[aria-busy]'));
    // Beyond a dozen tags the panel lists the rest only on request; every
    // count must be on the page to be compared.
    const more = page.locator('#search-facets .facet-more[aria-expanded="false"]');
    if (await more.count()) {
      await more.click();
      await page.locator('#search-facets .facet-more[aria-expanded="true"]').waitFor();
    }
    const facets = await page.evaluate(() => {
      const out = {};
      for (const b of document.querySelectorAll('#search-facets .facet-btn')) {
        const param = b.getAttribute('data-param');
        const count = b.querySelector('.facet-count');
        // The count sits between visually hidden punctuation: take its digits.
        const digits = count ? /\d+/.exec(count.textContent) : null;
        (out[param] ??= {})[b.getAttribute('data-value')] = digits ? Number(digits[0]) : null;
      }
      return out;
    });
    const empty = /没有找到/.test(result.status);
    process.stdout.write(JSON.stringify({
      q,
      state: result.state,
      total: totalFromStatus(result.status) ?? (empty ? 0 : null),
      status: short(result.status, 200),
      facets,
      top: result.hits.map((h) => h.href),
      problems: watch.problems.slice(seen),
    }) + '\n');
  }
  if (apiRequests.length) {
    // The page asked a server it should not know about: its answers are not the bundle's.
    process.stderr.write(`requests to /api/: ${apiRequests.slice(0, 5).join(', ')}\n`);
    process.exitCode = 1;
  }
  await context.close();
} finally {
  await browser.close();
}
