// The real-browser test of SCORM 1.2 packages (src/outputs/scorm.rs and
// the adapter src/outputs/scorm.js) on a built campus (default: the sample
// campus in target/ci-public). The `scorm-again` runtime (npm) plays the
// LMS: a page `lms.html`, served from the same origin as the unpacked
// packages, makes `window.API = new Scorm12API(...)` and opens the
// package's launch page in a frame, as an LMS's player does. In headless
// Debian chromium it:
//   1. launches every SCORM package of every language: LMSInitialize is
//      called and the first commit says `incomplete`, with a score out of
//      100 when the course has questions;
//   2. on the course of language [lang] with the most questions, walks the
//      modules from the first LMS item, answers every question (the first
//      one wrong), marks each module done, and sees the LMS told `failed`
//      with the score below the mastery score; answers that question again,
//      right, and sees `passed` and 100; leaves (the frame navigates away,
//      so `pagehide` fires) and checks the CMI data the runtime recorded:
//      lesson_status, score.raw/min/max, lesson_location, suspend_data,
//      exit, session_time, LMSFinish; prints it;
//   3. relaunches in a fresh browser profile (another device) with that
//      data loaded into the runtime (`loadFromJSON`): the course opens
//      where the learner left, every module shows its mark, and the score
//      stays; suspend data in the adapter's short form (modules by
//      position, for long courses) is read back too;
//   4. opens the same package's pages directly under a page that offers
//      `window.API` (as Kolibri does for an HTML5 app): the pages report
//      by themselves;
//   5. opens the package with no LMS, from file:// and over HTTP: the
//      launch page shows the course, marks work, a `?page=` outside the
//      package opens the course page instead, and every page loads with
//      nothing missing and no script error, as in the offline package;
//   6. saves screenshots of the launch page in the LMS at 1280 and 390 px
//      to target/browser/scorm-*.png.
// Usage: node scorm.mjs [public-dir] [lang] ; exit 0 only when all passed.

import { mkdtempSync, readFileSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS, check, run, serve, unzip, find } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const lang = process.argv[3] ?? 'es';
const outDir = join(repo, 'target/browser');
const runtime = join(here, 'node_modules/scorm-again/dist/scorm12.min.js');

// The LMS: scorm-again's SCORM 1.2 API with the data the test puts in
// `window.lmsStart` (before any script runs), every commit recorded, and
// the package's launch page (or, with `?app=`, any page of it) in a frame.
const LMS = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>LMS</title>
<style>html, body { margin: 0; height: 100%; } iframe { border: 0; width: 100%; height: 100%; display: block; }</style>
<script src="scorm12.min.js"></script>
<script>
  window.API = new Scorm12API({ autocommit: false, logLevel: 5, mastery_override: false });
  if (window.lmsStart) API.loadFromJSON(window.lmsStart);
  window.lms = { commits: [], sets: [], finished: null };
  const cmi = () => JSON.parse(JSON.stringify(API.renderCMIToJSONObject()));
  API.on('LMSSetValue.cmi.*', (el, v) => lms.sets.push([el, String(v)]));
  API.on('LMSCommit', () => lms.commits.push(cmi()));
  API.on('LMSFinish', () => { lms.finished = cmi(); });
</script>
</head>
<body>
<script>
  const q = new URLSearchParams(location.search);
  const f = document.createElement('iframe');
  f.id = 'sco';
  f.title = 'course';
  f.src = q.get('sco');
  document.body.append(f);
</script>
</body>
</html>
`;

/** The items of a SCORM manifest: titles and launch parameters. */
function items(manifest) {
  return [...manifest.matchAll(/<item identifier="[^"]+" identifierref="SCO" isvisible="true" parameters="\?page=([^"]+)">\s*<title>([^<]*)<\/title>/g)]
    .map((m) => ({ href: m[1], title: m[2] }));
}

/** The launch page's facts: module keys and questions per module. */
function facts(dir) {
  const html = readFileSync(join(dir, 'scorm.html'), 'utf8');
  const modules = /data-modules="([^"]*)"/.exec(html)[1].split('|');
  const counts = /data-questions="([^"]*)"/.exec(html)[1].split('|').map(Number);
  return { modules, counts, questions: counts.reduce((a, b) => a + b, 0) };
}

/** The frame holding the course's pages, inside the launch page. */
function courseFrame(page) {
  return page.frames().find((f) => f.parentFrame() && new URL(f.parentFrame().url()).pathname.endsWith('/scorm.html'));
}

/** Waits until a commit satisfies `test` (a function of the CMI JSON). */
async function commitWhere(page, test, what) {
  try {
    await page.waitForFunction(`(${test})(window.lms.commits[window.lms.commits.length - 1] || {})`, null, { timeout: 10000 });
    return true;
  } catch {
    const last = await page.evaluate(() => window.lms.commits[window.lms.commits.length - 1]);
    check(false, `commit: ${what}`, JSON.stringify(last?.cmi?.core ?? last));
    return false;
  }
}

/** Answers every question of the course frame's page; `wrong`: the ids to answer wrong. */
async function answer(frame, wrong) {
  return frame.evaluate((wrongIds) => {
    const answered = [];
    for (const q of document.querySelectorAll('.quiz[data-quiz]')) {
      const id = q.dataset.quiz, bad = wrongIds.includes(id);
      const key = [...q.querySelectorAll('.quiz-key li')].map((li) => li.className === 'quiz-right');
      const inputs = [...q.querySelectorAll('.quiz-options input')];
      inputs.forEach((input, i) => { input.checked = false; });
      if (bad) {
        const w = key.findIndex((ok) => !ok);
        inputs[w].checked = true;
      } else {
        key.forEach((ok, i) => { if (ok) inputs[i].checked = true; });
      }
      q.querySelector('.quiz-check').click();
      answered.push([id, !bad]);
    }
    return answered;
  }, wrong);
}

async function markDone(frame) {
  const pressed = await frame.evaluate(() => {
    const b = document.querySelector('.pdone button');
    return b ? b.getAttribute('aria-pressed') : null;
  });
  if (pressed === 'false') await frame.click('.pdone button');
  return pressed !== null;
}

const core = (c) => (c && c.cmi ? c.cmi.core : {});

async function main() {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const zips = find(publicDir, (p) => p.endsWith('.scorm.zip'));
  const langs = new Set(zips.map((z) => relative(publicDir, z).split(sep)[0]));
  check(zips.length > 0 && langs.size >= 1, `SCORM packages found: ${zips.length} in ${[...langs].join(', ')}`);
  const root = mkdtempSync(join(tmpdir(), 'aula-scorm-'));
  writeFileSync(join(root, 'lms.html'), LMS);
  copyFileSync(runtime, join(root, 'scorm12.min.js'));
  const packages = zips.map((zip, n) => {
    const dir = join(root, `pkg${n}`);
    const names = unzip(zip, dir);
    const manifest = readFileSync(join(dir, 'imsmanifest.xml'), 'utf8');
    return { zip: relative(publicDir, zip), dir, url: `pkg${n}`, names, items: items(manifest), ...facts(dir) };
  });
  const server = await serve(root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const errors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  };
  try {
    // 1. Every package launches in the LMS.
    for (const p of packages) {
      const context = await browser.newContext();
      const page = await context.newPage();
      watch(page);
      await page.addInitScript(() => { window.lmsStart = { student_data: { mastery_score: '80' } }; });
      await page.goto(`${origin}/lms.html?sco=${p.url}/scorm.html?page=${encodeURIComponent(p.items[0].href)}`);
      const ok = await commitWhere(page, (c) => c.cmi && c.cmi.core.lesson_status === 'incomplete', `${p.zip} launches`);
      const c = core(await page.evaluate(() => window.lms.commits.at(-1)));
      check(ok && p.items.length === p.modules.length, `${p.zip}: launched in the LMS, ${p.items.length} items, status ${c.lesson_status}, location ${c.lesson_location}`);
      if (p.questions > 0) {
        check(c.score && c.score.max === '100' && c.score.min === '0' && c.score.raw === '0', `${p.zip}: score out of 100 for ${p.questions} questions`, JSON.stringify(c.score));
      } else {
        check(!c.score || c.score.raw === '', `${p.zip}: no score (no questions)`, JSON.stringify(c.score));
      }
      await context.close();
    }

    // 2. One course walked through.
    const mine = packages.filter((p) => p.zip.startsWith(`${lang}/`)).sort((a, b) => b.questions - a.questions)[0];
    check(mine && mine.questions > 0, `a course with questions in ${lang}: ${mine?.zip} (${mine?.questions} questions in ${mine?.modules.length} modules)`);
    const launch = `${origin}/lms.html?sco=${mine.url}/scorm.html?page=${encodeURIComponent(mine.items[0].href)}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watch(page);
    await page.addInitScript(() => {
      window.lmsStart = { core: { student_id: 'ana', student_name: 'Quispe, Ana', lesson_mode: 'normal', credit: 'credit' }, student_data: { mastery_score: '80' } };
    });
    await page.goto(launch);
    await commitWhere(page, (c) => c.cmi && c.cmi.core.lesson_location, 'first location');
    let frame = courseFrame(page);
    check(frame && frame.url().endsWith(`/${mine.url}/${mine.items[0].href}`), 'the launch page opens the first item\'s module', frame?.url());
    const first = core(await page.evaluate(() => window.lms.commits.at(-1)));
    check(first.lesson_location === mine.items[0].href, 'lesson_location is the module\'s page in the package', first.lesson_location);
    await page.screenshot({ path: join(outDir, 'scorm-launch-1280.png') });
    let wrongId = null, wrongHref = null;
    for (const [m, item] of mine.items.entries()) {
      frame = courseFrame(page);
      if (m > 0) {
        await Promise.all([frame.waitForNavigation(), frame.click('a[rel=next]')]);
        frame = courseFrame(page);
      }
      check(frame.url().endsWith(`/${item.href}`), `module ${m + 1} opens: ${item.title}`, frame.url());
      const h1 = await frame.evaluate(() => document.querySelector('h1')?.textContent.trim());
      check(h1 === item.title, `module ${m + 1}: its title is the item's title`, `${h1} / ${item.title}`);
      if (mine.counts[m] > 0) {
        const ids = await frame.evaluate(() => [...document.querySelectorAll('.quiz[data-quiz]')].map((q) => q.dataset.quiz));
        if (!wrongId) {
          wrongId = ids[0];
          wrongHref = item.href;
        }
        const answered = await answer(frame, [wrongId]);
        check(answered.length === mine.counts[m], `module ${m + 1}: ${answered.length} questions answered`);
      }
      check(await markDone(frame), `module ${m + 1}: marked done`);
      const key = mine.modules[m];
      await commitWhere(page, new Function('c', `try { return !!JSON.parse(c.cmi.suspend_data).done[${JSON.stringify(key)}]; } catch (e) { return false; }`), `module ${m + 1} in suspend_data`);
    }
    const expected = Math.round(100 * (mine.questions - 1) / mine.questions);
    const failedOk = await commitWhere(page, (c) => c.cmi && ['failed', 'passed'].includes(c.cmi.core.lesson_status), 'every module done');
    let c = core(await page.evaluate(() => window.lms.commits.at(-1)));
    check(failedOk && c.lesson_status === (expected >= 80 ? 'passed' : 'failed') && c.score.raw === String(expected),
      `every module done, one answer wrong: ${c.lesson_status} with ${c.score.raw} (mastery 80)`, JSON.stringify(c));
    // The wrong answer, answered again.
    frame = courseFrame(page);
    await Promise.all([frame.waitForNavigation(), frame.goto(`${origin}/${mine.url}/${wrongHref}`)]).catch(() => {});
    frame = courseFrame(page);
    await answer(frame, []);
    await commitWhere(page, (c) => c.cmi && c.cmi.core.lesson_status === 'passed' && c.cmi.core.score.raw === '100', 'passed after the right answer');
    c = core(await page.evaluate(() => window.lms.commits.at(-1)));
    check(c.lesson_status === 'passed' && c.score.raw === '100', `the right answer: ${c.lesson_status} with ${c.score.raw}`);
    // Leave: the LMS closes the course (its frame navigates away).
    await page.evaluate(() => { document.getElementById('sco').src = 'about:blank'; });
    await page.waitForFunction(() => window.lms.finished, null, { timeout: 10000 }).catch(() => {});
    const recorded = await page.evaluate(() => ({ finished: window.lms.finished, commits: window.lms.commits.length, terminated: API.isTerminated() }));
    check(recorded.finished && recorded.terminated, `leaving calls LMSCommit and LMSFinish (${recorded.commits} commits in the session)`);
    const cmi = recorded.finished?.cmi ?? {};
    const fc = cmi.core ?? {};
    let suspend = {};
    try { suspend = JSON.parse(cmi.suspend_data); } catch {}
    console.log('  CMI data recorded by scorm-again at LMSFinish:');
    console.log(`    cmi.core.lesson_status   = ${fc.lesson_status}`);
    console.log(`    cmi.core.score.raw/min/max = ${fc.score?.raw} / ${fc.score?.min} / ${fc.score?.max}`);
    console.log(`    cmi.core.lesson_location = ${fc.lesson_location}`);
    console.log(`    cmi.core.exit            = "${fc.exit ?? ''}"`);
    console.log(`    cmi.core.session_time    = ${fc.session_time}`);
    console.log(`    cmi.suspend_data (${(cmi.suspend_data || '').length} chars) = ${cmi.suspend_data}`);
    check(fc.lesson_status === 'passed', 'recorded: lesson_status passed', fc.lesson_status);
    check(fc.score?.raw === '100' && fc.score?.min === '0' && fc.score?.max === '100', 'recorded: score 100 of 0..100', JSON.stringify(fc.score));
    check(fc.lesson_location === wrongHref, 'recorded: lesson_location is the last page seen', fc.lesson_location);
    check(fc.exit === '' || fc.exit === undefined, 'recorded: exit is normal (the course is passed)', fc.exit);
    check(/^\d{2,4}:\d\d:\d\d(\.\d{1,2})?$/.test(fc.session_time ?? ''), 'recorded: a session time', fc.session_time);
    check(mine.modules.every((k) => suspend.done && typeof suspend.done[k] === 'string'), 'recorded: suspend_data has every module done', cmi.suspend_data);
    check(Object.keys(suspend.quiz ?? {}).length === mine.questions, `recorded: suspend_data has the ${mine.questions} right answers`, cmi.suspend_data);
    check((cmi.suspend_data ?? '').length <= 4096, 'recorded: suspend_data within 4,096 characters');
    await context.close();

    // 3. Relaunch on another device with what the LMS kept.
    const again = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page2 = await again.newPage();
    watch(page2);
    const kept = {
      core: { student_id: 'ana', student_name: 'Quispe, Ana', lesson_location: fc.lesson_location, lesson_status: fc.lesson_status, entry: 'resume', score: fc.score },
      suspend_data: cmi.suspend_data,
      student_data: { mastery_score: '80' },
    };
    await page2.addInitScript((k) => { window.lmsStart = k; }, kept);
    await page2.goto(`${origin}/lms.html?sco=${mine.url}/scorm.html`);
    await commitWhere(page2, (c) => c.cmi && c.cmi.core.lesson_status, 'relaunch');
    let f2 = courseFrame(page2);
    check(f2 && f2.url().endsWith(`/${fc.lesson_location}`), 'relaunch: the course opens where the learner left', f2?.url());
    await Promise.all([f2.waitForNavigation(), f2.goto(`${origin}/${mine.url}/index.html`)]).catch(() => {});
    f2 = courseFrame(page2);
    const marks = await f2.evaluate(() => ({
      marked: [...document.querySelectorAll('li[data-key]')].filter((li) => li.querySelector('.pmark')).map((li) => li.dataset.key),
      bar: document.querySelector('.pbar')?.textContent ?? '',
    }));
    check(mine.modules.every((k) => marks.marked.includes(k)), `relaunch: every module shows its mark (${marks.bar})`, JSON.stringify(marks));
    check(/100/.test(marks.bar), 'relaunch: the course shows 100 %', marks.bar);
    await page2.waitForTimeout(300);
    const c2 = core(await page2.evaluate(() => window.lms.commits.at(-1)));
    check(c2.lesson_status === 'passed' && c2.score.raw === '100', `relaunch: the LMS still hears passed with 100`, JSON.stringify(c2));
    await page2.screenshot({ path: join(outDir, 'scorm-relaunch-1280.png') });
    await page2.setViewportSize({ width: 390, height: 800 });
    await page2.screenshot({ path: join(outDir, 'scorm-launch-390.png') });
    await again.close();

    // 3b. Suspend data in the short form the adapter writes when the long
    // one passes 4,096 characters (modules by position) is read back.
    const short = await browser.newContext();
    const page5 = await short.newPage();
    watch(page5);
    const firstQuiz = mine.counts.findIndex((n) => n > 0);
    const shortData = JSON.stringify({ aula: 1, i: 1, done: { 0: '2026-01-01', 2: '2026-01-02' }, quiz: { [`${firstQuiz}#1`]: [1, 1] } });
    await page5.addInitScript((k) => { window.lmsStart = k; }, { suspend_data: shortData, student_data: { mastery_score: '80' } });
    await page5.goto(`${origin}/lms.html?sco=${mine.url}/scorm.html`);
    const want = [mine.modules[0], mine.modules[2]];
    const shortOk = await commitWhere(page5, new Function('c', `try { const s = JSON.parse(c.cmi.suspend_data); return ${JSON.stringify(want)}.every((k) => s.done[k]) && Object.keys(s.done).length === 2; } catch (e) { return false; }`), 'short suspend data read back');
    const c5 = core(await page5.evaluate(() => window.lms.commits.at(-1)));
    check(shortOk && c5.score.raw === String(Math.round(100 / mine.questions)), `suspend data by position is read back: modules 1 and 3 done, score ${c5.score?.raw}`, JSON.stringify(c5));
    await short.close();

    // 4. The pages report by themselves under an HTML5-app host.
    const app = await browser.newContext();
    const page3 = await app.newPage();
    watch(page3);
    await page3.addInitScript(() => { window.lmsStart = {}; });
    await page3.goto(`${origin}/lms.html?sco=${mine.url}/index.html`);
    await commitWhere(page3, (c) => c.cmi && c.cmi.core.lesson_status === 'incomplete', 'an app page reports');
    const appFrame = page3.frames().find((f) => f.url().endsWith(`/${mine.url}/index.html`));
    await Promise.all([appFrame.waitForNavigation(), appFrame.click('li[data-key] a[href]')]);
    await markDone(appFrame);
    const key0 = mine.modules[0];
    const appOk = await commitWhere(page3, new Function('c', `try { return !!JSON.parse(c.cmi.suspend_data).done[${JSON.stringify(key0)}]; } catch (e) { return false; }`), 'a mark in an app page');
    const c3 = core(await page3.evaluate(() => window.lms.commits.at(-1)));
    check(appOk, `an HTML5-app host hears the pages: ${c3.lesson_status}, location ${c3.lesson_location}`);
    if (mine.counts[0] > 0) {
      await answer(appFrame, []);
      const raw = String(Math.round(100 * mine.counts[0] / mine.questions));
      const quizOk = await commitWhere(page3, new Function('c', `return c.cmi && c.cmi.core.score.raw === ${JSON.stringify(raw)};`), 'a quiz in an app page');
      check(quizOk, `an HTML5-app host hears the quiz results: score ${raw}`);
    }
    check(!(await page3.evaluate(() => window.lms.finished)), 'an HTML5-app host is not told LMSFinish by a page');
    await app.close();

    // 5. No LMS: the package is the offline package.
    const none = await browser.newContext();
    const page4 = await none.newPage();
    watch(page4);
    await page4.goto(`${origin}/${mine.url}/scorm.html`);
    await page4.waitForFunction(() => document.getElementById('aula-course').contentDocument?.querySelector('h1'));
    const inner = page4.frames().find((f) => f !== page4.mainFrame());
    check(inner.url().endsWith(`/${mine.url}/index.html`), 'no LMS: the launch page shows the course page', inner.url());
    await Promise.all([inner.waitForNavigation(), inner.click('li[data-key] a[href]')]);
    await markDone(inner);
    await Promise.all([inner.waitForNavigation(), inner.goto(`${origin}/${mine.url}/index.html`)]);
    const m4 = await inner.evaluate((k) => !!document.querySelector(`li[data-key="${k}"] .pmark`), key0);
    check(m4, 'no LMS: marks work in the launch page');
    for (const bad of ['../lms.html', '%2e%2e/lms.html', '/lms.html', 'https://example.org/']) {
      await page4.goto(`${origin}/${mine.url}/scorm.html?page=${encodeURIComponent(bad)}`);
      await page4.waitForFunction(() => document.getElementById('aula-course').contentDocument?.querySelector('h1'));
      const opened = page4.frames().find((f) => f !== page4.mainFrame()).url();
      check(opened.endsWith(`/${mine.url}/index.html`), `?page=${bad} opens the course page, nothing outside the package`, opened);
    }
    const fromDisk = await none.newPage();
    watch(fromDisk);
    await fromDisk.goto(pathToFileURL(join(mine.dir, 'scorm.html')).href);
    await fromDisk.waitForTimeout(300);
    const diskFrame = fromDisk.frames().find((f) => f !== fromDisk.mainFrame());
    check(diskFrame && diskFrame.url().endsWith('/index.html'), 'no LMS, from disk: the launch page shows the course page', diskFrame?.url());
    const pages = find(mine.dir, (p) => p.endsWith('.html'));
    const untitled = [];
    for (const p of pages) {
      await fromDisk.goto(pathToFileURL(p).href);
      if (!(await fromDisk.title())) untitled.push(p);
    }
    check(pages.length > 3 && untitled.length === 0, `no LMS, from disk: the ${pages.length} pages of the package open`, untitled.join(', '));
    await none.close();
  } finally {
    await browser.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
  check(errors.length === 0, 'no script error and no failed request on any page', errors.slice(0, 8).join('\n  '));
  console.log(`scorm test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run(main, 'SCORM packages');
