// Headless-Chromium checks of search assistance on the bundled site, run
// twice by tests/it/browser.rs: against `zhiku serve --prod` (the page asks
// /api/search) and against a plain static file server (the page searches the
// static bundle). The same answers are expected on both.
//
//   node tests/browser/assist.mjs http://127.0.0.1:PORT
//
// Pinyin and initials are read as Chinese and the page says how; a homophone
// slip gets 您是不是要找 (a link, never applied by itself); synonyms are
// searched too and named; the search boxes are WAI-ARIA comboboxes whose
// suggestions follow the keyboard; the hot words lead to results. Console
// errors, page errors and failed requests fail the run. Prints one line per
// check and last exactly one line "N passed, M failed".

import { checker, launch, openMeasuredPage, originOf, short, typeQuery, waitForSearch } from './measure.mjs';

const { check, finish } = checker();
const origin = originOf(process.argv[2]);
if (!origin) {
  check('base URL given', false, `got ${JSON.stringify(process.argv[2] ?? null)}`);
  finish(2);
  process.exit();
}

let browser;
try {
  browser = await launch();
} catch (err) {
  check('launch Chromium', false, short(err && err.message ? err.message : err, 600));
  finish(1);
  process.exit();
}

const statusText = (page) => page.locator('#search-status').innerText();

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const { page, watch } = await openMeasuredPage(context, origin);

  // Layout shift of a search page opened with a query (no user input, so
  // every shift counts): the filter column is reserved, results do not jump.
  await page.addInitScript(() => {
    window.__zkShift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__zkShift += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(origin + '/search/?q=%E5%85%9A%E5%BB%BA', { waitUntil: 'load' });
  const opened = await waitForSearch(page);
  await page.waitForTimeout(300);
  const shift = await page.evaluate(() => window.__zkShift);
  check(`search page with a query: cumulative layout shift ${shift.toFixed(3)} < 0.1`, opened.hits.length > 0 && shift < 0.1);

  await page.goto(origin + '/search/', { waitUntil: 'load' });

  // Hot words under the search box, each a search that finds something.
  const hot = page.locator('.hot-words a');
  check('hot words shown under the search box', (await hot.count()) >= 3, `${await hot.count()} links`);
  await hot.first().click();
  const hotResult = await waitForSearch(page);
  check('a hot word finds documents', hotResult.hits.length > 0, hotResult.status);

  // Pinyin, read as Chinese; the page says how.
  await typeQuery(page, 'liudongdangyuan');
  const pinyin = await waitForSearch(page);
  check('liudongdangyuan: finds documents', pinyin.hits.length > 0, pinyin.status);
  check('liudongdangyuan: says it was read as 流动党员', /拼音读作“流动党员”/.test(await statusText(page)), await statusText(page));
  check('liudongdangyuan: 流动党员 marked in the results',
    pinyin.hits.some((h) => [...h.titleMarks, ...h.snippetMarks].includes('流动党员')),
    JSON.stringify(pinyin.hits.map((h) => h.snippetMarks)));

  // Initials.
  await typeQuery(page, 'sqdj');
  const initials = await waitForSearch(page);
  check('sqdj: read as 社区党建 and finds documents',
    initials.hits.length > 0 && /社区党建/.test(await statusText(page)), await statusText(page));

  // A homophone slip: nothing found, a suggestion offered, not applied.
  await typeQuery(page, '流动党圆');
  const slip = await waitForSearch(page);
  const slipStatus = await statusText(page);
  check('流动党圆: not matched by sound (no hits)', slip.hits.length === 0, `${slip.hits.length} hits`);
  const suggestion = page.locator('#search-status .search-suggestion a');
  check('流动党圆: 您是不是要找：流动党员', /您是不是要找：\s*流动党员/.test(slipStatus) && (await suggestion.count()) === 1, slipStatus);
  await suggestion.click();
  const corrected = await waitForSearch(page);
  check('the suggestion, clicked, searches 流动党员', corrected.hits.length > 0 &&
    new URL(corrected.url).searchParams.get('q') === '流动党员', corrected.url);
  check('the search box now holds 流动党员', (await page.locator('#search-q').inputValue()) === '流动党员');

  // A right query gets no suggestion.
  check('流动党员: no suggestion', (await page.locator('#search-status .search-suggestion').count()) === 0);

  // Synonyms: searched and named.
  await typeQuery(page, '两新组织');
  const synonyms = await waitForSearch(page);
  check('两新组织: names the synonyms searched too',
    synonyms.hits.length > 0 && /同时检索了同义词：.*新经济组织/.test(await statusText(page)), await statusText(page));

  // The header search box on another page: an accessible combobox.
  await page.goto(origin + '/', { waitUntil: 'load' });
  const box = page.locator('#header-q');
  check('header box is a combobox', (await box.getAttribute('role')) === 'combobox' &&
    (await box.getAttribute('aria-expanded')) === 'false' && !!(await box.getAttribute('aria-controls')));
  await box.focus();
  await box.pressSequentially('liud', { delay: 30 });
  const listbox = page.locator('#' + (await box.getAttribute('aria-controls')));
  await listbox.waitFor({ state: 'visible' });
  const options = listbox.getByRole('option');
  const texts = await options.locator('.suggest-text').allInnerTexts();
  check('liud: suggestions shown, 流动党员 first', texts.length > 0 && texts[0] === '流动党员', texts.join(' | '));
  check('liud: aria-expanded is true', (await box.getAttribute('aria-expanded')) === 'true');
  await box.press('ArrowDown');
  const active = await box.getAttribute('aria-activedescendant');
  check('ArrowDown: the first option is active and selected', !!active &&
    (await page.locator('#' + active).getAttribute('aria-selected')) === 'true', String(active));
  await box.press('Escape');
  check('Escape closes the list', (await box.getAttribute('aria-expanded')) === 'false' && !(await listbox.isVisible()));
  await box.press('ArrowDown');
  await listbox.waitFor({ state: 'visible' });
  await box.press('ArrowDown');
  await Promise.all([page.waitForURL(/\/search\/\?q=/), box.press('Enter')]);
  const chosen = await waitForSearch(page);
  check('Enter on a word searches it', new URL(chosen.url).searchParams.get('q') === '流动党员' && chosen.hits.length > 0, chosen.url);

  // A title suggestion opens its document.
  const searchBox = page.locator('#search-q');
  await searchBox.fill('');
  await searchBox.pressSequentially('月湖社区', { delay: 30 });
  const list2 = page.locator('#' + (await searchBox.getAttribute('aria-controls')));
  await list2.waitFor({ state: 'visible' });
  const titleOption = list2.locator('.suggest-title').first();
  check('月湖社区: a document title among the suggestions', (await titleOption.count()) === 1);
  if (await titleOption.count()) {
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/search/')), titleOption.click()]);
    check('clicking a title opens the document', !page.url().includes('/search/'), page.url());
  }

  await page.waitForLoadState('networkidle');
  check('no console errors, page errors or failed requests', watch.problems.length === 0, watch.problems.join('; '));
  await context.close();

  // On a phone: a short header (sections behind a menu button, the search
  // box kept) and the first result on the first screen.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  await p.goto(origin + '/search/?q=%E5%85%9A%E5%BB%BA', { waitUntil: 'load' });
  const found = await waitForSearch(p);
  const header = await p.locator('.site-header').boundingBox();
  check(`phone: header ${Math.round(header.height)} px high (at most 140)`, header.height <= 140);
  check('phone: the search box is shown', await p.locator('#header-q').isVisible());
  check('phone: the sections are behind the menu button', !(await p.locator('#site-nav').isVisible()));
  const first = await p.locator('.search-hit').first().boundingBox();
  check(`phone: the first result starts on the first screen (at ${Math.round(first ? first.y : -1)} px)`,
    found.hits.length > 0 && !!first && first.y < 844);
  const menu = p.locator('button[data-menu-toggle]');
  await menu.click();
  check('phone: the menu button opens the sections', (await menu.getAttribute('aria-expanded')) === 'true' &&
    await p.locator('#site-nav').isVisible());
  await p.keyboard.press('Escape');
  check('phone: Escape closes them', (await menu.getAttribute('aria-expanded')) === 'false' &&
    !(await p.locator('#site-nav').isVisible()));
  // The relation map keeps its text readable (at least 12 px), scrolling
  // sideways rather than shrinking.
  await p.goto(origin + '/policies/hongse-wuye-jianshe-yijian-2019/', { waitUntil: 'load' });
  const map = p.locator('svg.nb');
  check('phone: a relation map on the policy page', (await map.count()) === 1);
  if (await map.count()) {
    const px = await map.evaluate((svg) => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return parseFloat(getComputedStyle(svg.querySelector('text')).fontSize) * scale;
    });
    check(`phone: relation map text ${px.toFixed(1)} px (at least 12)`, px >= 12);
  }
  await phone.close();
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
