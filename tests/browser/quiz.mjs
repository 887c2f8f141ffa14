// The real-browser test of self-check questions (src/markdown/quiz.rs,
// themes/default/static/quiz.js) on a built campus (default: the sample
// campus in target/ci-public). In headless Debian chromium it
//   1. with JavaScript off: every question is a labelled fieldset marked
//      as self-assessment, the "Check" button stays hidden, and the
//      answers and feedback are in a closed <details> that opens,
//   2. with JavaScript on, using the keyboard only: picks a wrong option,
//      checks it, and hears the verdict and that option's feedback in the
//      question's live region (the option is marked and described by its
//      feedback); then the right option, and a multiple-choice question
//      fully right, with its score,
//   3. sees each check reported to the page as an `aula:quiz` event with
//      the question's id (translation key#n) and whether it was right,
//   4. runs axe-core (WCAG 2.2 A/AA) on the checked page, light and dark,
//   5. saves screenshots at 390 px to target/browser/quiz-*.png.
// Usage: node quiz.mjs [public-dir] ; exit 0 only when everything passed.

import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, relative, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { minify } from 'terser';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { CHROMIUM, FLAGS, results, check, htmlFiles, serve, run, assetName } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const outDir = join(repo, 'target/browser');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A page of the campus in `lang` with a single-choice and a multiple-choice question. */
function pickPage(lang) {
  for (const f of htmlFiles(publicDir)) {
    const html = readFileSync(f, 'utf8');
    if (!html.startsWith(`<!doctype html>\n<html lang="${lang}">`)) continue;
    if (/data-kind="single"/.test(html) && /data-kind="multiple"/.test(html)) {
      return relative(publicDir, f).split(sep).join('/');
    }
  }
  return null;
}

/** Focuses option `i` (0-based) of question `q` with the keyboard and selects it with Space. */
async function choose(page, q, i) {
  // Tab from the question's legend: the first Tab reaches the group.
  await page.focus(`${q} .quiz-options li:nth-child(${i + 1}) input`);
  await page.keyboard.press('Space');
}

/** Tab to the question's Check button and press Enter; wait for the live region. */
async function checkWithKeyboard(page, q) {
  for (let n = 0; n < 12; n++) {
    await page.keyboard.press('Tab');
    const on = await page.evaluate((sel) => document.activeElement === document.querySelector(`${sel} .quiz-check`), q);
    if (on) break;
  }
  const reached = await page.evaluate((sel) => document.activeElement === document.querySelector(`${sel} .quiz-check`), q);
  check(reached, `${q}: Tab reaches the Check button`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((sel) => document.querySelector(`${sel} .quiz-status`).textContent !== '', q, { timeout: 5000 })
    .catch(() => null);
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return {
      status: el.querySelector('.quiz-status').textContent,
      marked: [...el.querySelectorAll('.quiz-options li')].map((li) => li.className),
      described: [...el.querySelectorAll('.quiz-options input')].map((input) => {
        const id = input.getAttribute('aria-describedby');
        return id ? document.getElementById(id)?.textContent ?? '' : '';
      }),
      feedback: [...el.querySelectorAll('.quiz-key li')].map((li) => li.querySelector('.quiz-fb')?.textContent ?? ''),
      key: [...el.querySelectorAll('.quiz-key li')].map((li) => li.className === 'quiz-right'),
      strings: { ...el.dataset },
    };
  }, q);
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipping the quiz test: ${CHROMIUM} not found (apt-get install chromium)`);
    return;
  }
  const source = readFileSync(join(publicDir, assetName(publicDir, 'quiz', 'js')));
  const min = Buffer.from((await minify(source.toString(), { compress: true, mangle: true })).code);
  const br = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`  quiz.js ${source.length} B as shipped, ${br(source)} B brotli; minified ${min.length} B, ${br(min)} B brotli`);
  const path = pickPage('en');
  if (!path) {
    check(false, 'the campus has an English page with a single- and a multiple-choice question');
    return;
  }
  console.log(`  page ${path}`);
  const server = await serve(publicDir);
  const url = `http://127.0.0.1:${server.address().port}/${path}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const errors = [];
  try {
    // 1. Without script.
    const off = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const plain = await off.newPage();
    await plain.goto(url);
    const noScript = await plain.evaluate(() => [...document.querySelectorAll('.quiz')].map((q) => ({
      legend: q.querySelector('fieldset > legend')?.textContent ?? '',
      label: q.querySelector('legend .quiz-label')?.textContent ?? '',
      inputs: [...q.querySelectorAll('.quiz-options input')].every((i) => i.closest('label')),
      button: q.querySelector('.quiz-check')?.getClientRects().length ?? 0,
      closed: q.querySelector('details.quiz-key') && !q.querySelector('details.quiz-key').open,
    })));
    check(noScript.length >= 2, 'no script: the questions are on the page', `${noScript.length}`);
    check(noScript.every((q) => q.label === 'Self-assessment'), 'no script: each question is labelled as self-assessment',
      JSON.stringify(noScript.map((q) => q.label)));
    check(noScript.every((q) => q.inputs && q.legend.length > 20), 'no script: options are labelled inputs in a fieldset with the question as legend');
    check(noScript.every((q) => q.button === 0), 'no script: no Check button shows');
    check(noScript.every((q) => q.closed), 'no script: the answers wait in a closed <details>');
    await plain.click('.quiz details.quiz-key summary');
    const opened = await plain.evaluate(() => {
      const d = document.querySelector('.quiz details.quiz-key');
      return d.open && d.querySelector('.quiz-fb').getClientRects().length > 0;
    });
    check(opened, 'no script: "Show the answer" opens the answers with their feedback');
    mkdirSync(outDir, { recursive: true });
    await plain.screenshot({ path: join(outDir, 'quiz-noscript-390.png'), fullPage: true,
      clip: await plain.evaluate(() => {
        const r = document.querySelector('.quiz').getBoundingClientRect();
        return { x: 0, y: r.top + scrollY - 8, width: 390, height: Math.min(900, r.height + 16) };
      }) });
    await off.close();

    // 2. With script, keyboard only.
    const on = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await on.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.evaluate(() => {
      window.__events = [];
      document.addEventListener('aula:quiz', (e) => window.__events.push(e.detail));
    });
    const ids = await page.evaluate(() => [...document.querySelectorAll('.quiz')].map((q) => ({
      sel: `#${q.id}`, kind: q.dataset.kind, quiz: q.dataset.quiz,
      key: [...q.querySelectorAll('.quiz-key li')].map((li) => li.className === 'quiz-right'),
    })));
    const single = ids.find((q) => q.kind === 'single');
    const multiple = ids.find((q) => q.kind === 'multiple');
    const visibleButtons = await page.evaluate(() => [...document.querySelectorAll('.quiz-check')].every((b) => b.getClientRects().length > 0));
    check(visibleButtons, 'script: every question has a visible Check button');

    const wrong = single.key.indexOf(false);
    await choose(page, single.sel, wrong);
    let r = await checkWithKeyboard(page, single.sel);
    check(r.status.startsWith(r.strings.wrong), 'a wrong answer: the live region says so', JSON.stringify(r.status));
    check(r.status.includes(r.feedback[wrong]), 'a wrong answer: the live region reads its feedback');
    check(r.marked[wrong] === 'quiz-no', 'a wrong answer: the chosen option is marked wrong');
    check(r.described[wrong].includes(r.feedback[wrong]) && r.described[wrong].includes(r.strings.wrong),
      'a wrong answer: the option is described by its verdict and feedback (aria-describedby)');

    const right = single.key.indexOf(true);
    await choose(page, single.sel, right);
    const cleared = await page.evaluate((sel) => document.querySelector(`${sel} .quiz-status`).textContent, single.sel);
    check(cleared === '', 'changing the answer clears the verdict');
    r = await checkWithKeyboard(page, single.sel);
    check(r.status.startsWith(r.strings.correct), 'the right answer: the live region says so', JSON.stringify(r.status));
    check(r.marked[right] === 'quiz-ok', 'the right answer: the chosen option is marked right');

    for (let i = 0; i < multiple.key.length; i++) {
      if (multiple.key[i]) await choose(page, multiple.sel, i);
    }
    r = await checkWithKeyboard(page, multiple.sel);
    const n = multiple.key.filter(Boolean).length;
    const score = r.strings.score.replace('{score}', n).replace('{total}', n);
    check(r.status.startsWith(r.strings.correct) && r.status.includes(score), 'multiple choice: fully right, with the score',
      JSON.stringify(r.status));
    const explained = await page.evaluate((sel) => !!document.querySelector(`${sel} > .quiz-explanation, ${sel} .quiz-said.quiz-explanation`), multiple.sel);
    check(explained, 'multiple choice: the explanation shows after checking');

    // 3. The page hears each check.
    const events = await page.evaluate(() => window.__events);
    check(events.length === 3, 'every check is reported as an aula:quiz event', JSON.stringify(events));
    check(events[0]?.id === single.quiz && events[0]?.correct === false && events[1]?.correct === true
      && events[2]?.id === multiple.quiz && events[2]?.correct === true,
    'the events carry the question id (translation key#n) and whether it was right', JSON.stringify(events));
    check(/#\d+$/.test(single.quiz) && !single.quiz.includes('/en/'), 'question ids are translation keys, not URLs', single.quiz);

    // 4. axe on the checked page, light and dark.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => {
        const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
        return res.violations.map((v) => `${v.id}: ${v.nodes.length}`);
      });
      check(found.length === 0, `axe on the checked questions (${scheme})`, found.join(', '));
      await page.screenshot({ path: join(outDir, `quiz-checked-390-${scheme}.png`), fullPage: true,
        clip: await page.evaluate((sel) => {
          const rect = document.querySelector(sel).getBoundingClientRect();
          return { x: 0, y: rect.top + scrollY - 8, width: 390, height: Math.min(1200, rect.height + 16) };
        }, multiple.sel) });
    }
    await on.close();
  } finally {
    await browser.close();
    server.close();
  }
  check(errors.length === 0, 'no script errors', errors.join('\n  '));
  console.log('  screenshots: target/browser/quiz-*.png');
}

run(main);
