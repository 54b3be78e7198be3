// Bytes and time per query of the search page, for sizing the static search
// bundle on a real site.
//
//   node tests/browser/budget.mjs http://127.0.0.1:PORT QUERIES_FILE [--cold]
//
// Loads /search/ once and runs each query of QUERIES_FILE (one per line, blank
// lines and lines starting with # skipped) through the search box, in order.
// Prints one TSV line per query: the query, the hits total, the KB of bundle
// files fetched for it (gzip level 6 of each body, what a compressing static
// server would send; the tag and region lists counted after the results
// included) and the ms from the last response the results waited for to the
// results being shown. The first query pays for meta.json, filters.json and
// (with Han characters) the t2s/ files of its characters. With --cold every query is also run as the
// first query of a fresh page, in a column of its own. Ends with the median
// first-query and later-query KB. Exit code 1 if the page had problems
// (console errors, failed requests …) or a query showed an error.

import fs from 'node:fs';
import {
  kb, launch, measure, median, openMeasuredPage, originOf, short, totalFromStatus, typeQuery,
} from './measure.mjs';

const args = process.argv.slice(2);
const cold = args.includes('--cold');
const [base, file] = args.filter((a) => a !== '--cold');
const origin = originOf(base);
let queries;
try {
  queries = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
} catch {
  queries = null;
}
if (!origin || !queries) {
  process.stderr.write('usage: node tests/browser/budget.mjs http://127.0.0.1:PORT QUERIES_FILE [--cold]\n');
  process.exit(2);
}

const browser = await launch();
let problems = 0;
const out = (cells) => process.stdout.write(cells.join('\t') + '\n');

async function session() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const measured = await openMeasuredPage(context, origin);
  await measured.page.goto(origin + '/search/', { waitUntil: 'load' });
  await measured.page.waitForLoadState('networkidle');
  return { context, ...measured };
}

async function run(s, q) {
  const m = await measure(s.page, s.responses, () => typeQuery(s.page, q));
  if (m.result.state === 'error') {
    problems++;
    process.stderr.write(`error shown for ${JSON.stringify(q)}: ${short(m.result.status)}\n`);
  }
  return m;
}

try {
  const main = await session();
  out(['query', 'total', 'kb_gzip', 'ms_after_last_response',
    ...(cold ? ['cold_kb_gzip', 'cold_kb_before_results', 'cold_ms'] : [])]);
  const later = [];
  const first = [];
  const firstBeforeResults = [];
  for (const [i, q] of queries.entries()) {
    const m = await run(main, q);
    if (i === 0) {
      first.push(m.gz);
      firstBeforeResults.push(m.gzBeforeResults);
    } else later.push(m.gz);
    const cells = [q, String(totalFromStatus(m.result.status) ?? 0), kb(m.gz), m.ms.toFixed(1)];
    if (cold) {
      const s = await session();
      const c = await run(s, q);
      if (i > 0) {
        first.push(c.gz);
        firstBeforeResults.push(c.gzBeforeResults);
      }
      cells.push(kb(c.gz), kb(c.gzBeforeResults), c.ms.toFixed(1));
      problems += s.watch.problems.length;
      s.watch.problems.forEach((p) => process.stderr.write(`${p}\n`));
      await s.context.close();
    }
    out(cells);
  }
  problems += main.watch.problems.length;
  main.watch.problems.forEach((p) => process.stderr.write(`${p}\n`));
  out([`# median first-query KB: ${kb(median(first))} (${first.length} queries)`]);
  out([`# median first-query KB before the results were shown: ${kb(median(firstBeforeResults))}`]);
  out([`# median later-query KB: ${kb(median(later))} (${later.length} queries)`]);
  await main.context.close();
} finally {
  await browser.close();
}
process.exitCode = problems ? 1 : 0;
