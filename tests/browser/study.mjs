// Headless-Chromium checks of the self-tests, the 错题本 and the study record
// on a built site served by a plain static file server (no zhiku process):
// everything runs in the reader's browser.
//
//   node tests/browser/study.mjs http://127.0.0.1:PORT /training/LESSON/
//
// Answers one question wrong and submits: the explanation and a source link
// that points into the page show; after a reload the wrong answer is in the
// 错题本 at /study/; answered right later, it leaves. Export, clear the
// storage, import: the record is back. A quiz is completed with the keyboard
// alone. Console errors, uncaught exceptions, failed requests and responses
// >= 400 fail the run. Prints one line per check and last exactly one line
// "N passed, M failed".

import { readFileSync } from 'node:fs';
import { checker, launch, openMeasuredPage, originOf, short } from './measure.mjs';

const { check, finish } = checker();
const origin = originOf(process.argv[2]);
const lesson = process.argv[3];
if (!origin || !lesson) {
  check('base URL and lesson path given', false, process.argv.slice(2).join(' '));
  finish(2);
  process.exit();
}

/** The questions of the page's quiz: id, type and accepted answers. */
async function questions(page) {
  return page.$$eval('section.quiz fieldset.quiz-q', (sets) =>
    sets.map((f) => ({
      id: f.getAttribute('data-q'),
      type: f.getAttribute('data-type'),
      accepted: JSON.parse(f.getAttribute('data-accepted')),
      values: Array.from(f.querySelectorAll('input')).map((i) => i.value),
    })),
  );
}

/** Answers every question right, except `wrongId`, which gets a wrong answer. */
async function answer(page, qs, wrongId) {
  for (const q of qs) {
    const sel = `#self-test-${q.id}`;
    const right = q.accepted[0];
    if (q.type === 'fill') {
      await page.fill(`${sel} input`, q.id === wrongId ? '不是这个答案' : right);
      continue;
    }
    let picks = q.type === 'multiple' ? right.split('') : [right];
    if (q.id === wrongId) {
      const other = q.values.find((v) => !right.includes(v));
      picks = [other];
    }
    for (const v of picks) await page.check(`${sel} input[value="${v}"]`);
  }
}

async function studyCounts(page) {
  await page.goto(`${origin}/study/`, { waitUntil: 'load' });
  await page.waitForSelector('#study:not([hidden])');
  return page.evaluate(() => {
    const n = (k) => Number(document.querySelector(`[data-study-count="${k}"]`).textContent);
    return {
      wrong: n('wrong'),
      quizzes: n('quizzes'),
      pages: n('pages'),
      wrongText: Array.from(document.querySelectorAll('[data-study-list="wrong"] li')).map((li) => li.textContent),
      wrongLinks: Array.from(document.querySelectorAll('[data-study-list="wrong"] a')).map((a) => a.getAttribute('href')),
    };
  });
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
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const { page, watch } = await openMeasuredPage(context, origin);

  // Wrong answer: explanation, source link, score.
  await page.goto(`${origin}${lesson}`, { waitUntil: 'load' });
  const qs = await questions(page);
  check('the lesson has a self-test of 5 or more questions', qs.length >= 5, `${qs.length}`);
  const types = new Set(qs.map((q) => q.type));
  const wrongId = qs[0].id;
  await answer(page, qs, wrongId);
  await page.click('section.quiz .quiz-submit');
  const shown = await page.evaluate((id) => {
    const f = document.getElementById(`self-test-${id}`);
    const feedback = f.querySelector('.quiz-feedback');
    const link = feedback.querySelector('.quiz-source a');
    const href = link ? link.getAttribute('href') : '';
    return {
      wrong: f.classList.contains('is-wrong'),
      visible: !feedback.hidden && feedback.offsetHeight > 0,
      verdict: feedback.querySelector('.quiz-verdict').textContent,
      explain: feedback.querySelector('.quiz-explain').textContent,
      href,
      target: href.startsWith('#') && !!document.getElementById(decodeURIComponent(href.slice(1))),
      score: document.querySelector('section.quiz .quiz-score').textContent,
      live: document.querySelector('section.quiz .quiz-score').getAttribute('aria-live'),
    };
  }, wrongId);
  check('a wrong answer is marked wrong with its explanation', shown.wrong && shown.visible && shown.verdict.includes('错误') && shown.explain.startsWith('正确答案'), JSON.stringify(shown));
  check('the source link points at a heading of the page', shown.target, shown.href);
  check('the score is announced in a live region', shown.score.startsWith(`得分：${qs.length - 1} / ${qs.length}`) && shown.live === 'polite', shown.score);

  // Reload: the wrong answer is in the 错题本.
  await page.reload({ waitUntil: 'load' });
  let study = await studyCounts(page);
  check('after a reload the 错题本 has the wrong answer', study.wrong === 1 && study.quizzes === 1, JSON.stringify(study));
  check('the 错题本 links back to the question', study.wrongLinks.some((h) => h.endsWith(`${lesson}#self-test-${wrongId}`)), JSON.stringify(study.wrongLinks));

  // Export, clear, import.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-study-export]')]);
  const file = await download.path();
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  check('the export holds the record', exported.app === 'zhiku' && Object.keys(exported.study.wrong).length === 1, short(JSON.stringify(exported)));
  await page.evaluate(() => localStorage.clear());
  study = await studyCounts(page);
  check('cleared storage, an empty record', study.wrong === 0 && study.quizzes === 0, JSON.stringify(study));
  await page.setInputFiles('[data-study-import]', file);
  await page.waitForFunction(() => document.querySelector('[data-study-count="wrong"]').textContent === '1');
  study = await studyCounts(page);
  check('imported, the record is back', study.wrong === 1 && study.quizzes === 1, JSON.stringify(study));

  // Answered right later, it leaves.
  await page.goto(`${origin}${lesson}`, { waitUntil: 'load' });
  await answer(page, qs, null);
  await page.click('section.quiz .quiz-submit');
  await page.waitForFunction(() => document.querySelector('section.quiz .quiz-score').textContent !== '');
  study = await studyCounts(page);
  check('answered right, it leaves the 错题本', study.wrong === 0 && study.quizzes === 1, JSON.stringify(study));
  check('watched pages: no console errors, page errors or failed requests', watch.problems.length === 0, watch.problems.join('; '));

  // Keyboard only, in a fresh browser profile.
  const keyboard = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const { page: kp, watch: kwatch } = await openMeasuredPage(keyboard, origin);
  await kp.goto(`${origin}${lesson}`, { waitUntil: 'load' });
  // Into the quiz with Tab from the link just before its questions.
  await kp.focus('section.quiz .quiz-intro a');
  for (const q of qs) {
    await kp.keyboard.press('Tab');
    const right = q.accepted[0];
    if (q.type === 'fill') {
      await kp.keyboard.type(right);
    } else if (q.type === 'multiple') {
      // Each checkbox is a stop: Space on the right ones.
      for (let i = 0; i < q.values.length; i++) {
        if (i > 0) await kp.keyboard.press('Tab');
        if (right.includes(q.values[i])) await kp.keyboard.press('Space');
      }
    } else {
      // A radio group is one stop: Space picks the first, arrows move the pick.
      await kp.keyboard.press('Space');
      for (let i = 0; i < q.values.indexOf(right); i++) await kp.keyboard.press('ArrowDown');
    }
  }
  await kp.keyboard.press('Tab');
  const focused = await kp.evaluate(() => document.activeElement && document.activeElement.className);
  check('after the last question Tab reaches 提交', focused === 'quiz-submit', focused);
  await kp.keyboard.press('Enter');
  const score = await kp.textContent('section.quiz .quiz-score');
  check('completed with the keyboard alone: every answer right', score.startsWith(`得分：${qs.length} / ${qs.length}`), score);
  const redoFocused = await kp.evaluate(() => document.activeElement && document.activeElement.className);
  check('focus moves to 重做', redoFocused === 'quiz-redo', redoFocused);
  await kp.keyboard.press('Enter');
  const cleared = await kp.evaluate(() => ({
    checked: document.querySelectorAll('section.quiz input:checked').length,
    feedback: Array.from(document.querySelectorAll('.quiz-feedback')).filter((f) => !f.hidden).length,
  }));
  check('重做 starts over', cleared.checked === 0 && cleared.feedback === 0, JSON.stringify(cleared));
  check('keyboard page: no console errors, page errors or failed requests', kwatch.problems.length === 0, kwatch.problems.join('; '));
  check('the quiz uses every question type', ['single', 'multiple', 'judge', 'fill'].every((t) => types.has(t)), [...types].join(','));
} catch (err) {
  check('study checks completed without error', false, short(err && err.stack ? err.stack : err, 800));
} finally {
  await browser.close();
}
finish();
