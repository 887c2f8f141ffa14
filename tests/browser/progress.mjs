// The real-browser test of learner progress (themes/default/static/aula.js)
// on a built campus (default: the sample campus in target/ci-public). In one
// headless Debian chromium, over HTTP on 127.0.0.1, it
//   1. marks a module done with the keyboard, reloads and sees the mark,
//   2. switches language with the header switcher and still sees it (and the
//      switcher records the choice the root chooser remembers),
//   3. sees the course percentage change on the course page and the course
//      card, and the check mark in the course's module list,
//   4. exports progress and reads the downloaded file, forgets it (the mark
//      goes), imports the file back (the mark comes back),
//   5. completes a "quiz" module through the `aula:quiz` event hook,
//   6. marks a module done in a page opened from disk (file://),
//   7. with localStorage throwing, shows no progress UI and no error,
//   8. with JavaScript disabled, the same pages show every module and no
//      progress UI,
//   9. saves screenshots of a module and a course page with progress, at
//      390 and 1280 px, light and dark, to target/browser/progress-*.png.
// Usage: node progress.mjs [public-dir] ; exit 0 only when everything passed.

import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, statSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, extname, sep, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { chromium } from 'playwright-core';
import { minify } from 'terser';
import { CHROMIUM, FLAGS, results, check, htmlFiles, serve, run, assetName } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const outDir = join(repo, 'target/browser');
/**
 * The campus as the progress script sees it, read from the built files:
 * module pages by translation key and language, and course pages (whose
 * <article> lists the course's module keys) by language.
 */
function survey(files) {
  const modules = new Map();
  const courses = [];
  for (const f of files) {
    const html = readFileSync(f, 'utf8');
    const lang = /<html lang="([^"]+)"/.exec(html)?.[1];
    const path = relative(publicDir, f).split(sep).join('/').replace(/index\.html$/, '');
    const m = /<article data-key="([^"]+)" data-completion="([^"]+)"/.exec(html);
    if (m) {
      if (!modules.has(m[1])) modules.set(m[1], {});
      const quizzes = (html.match(/<div class="quiz" id="aula-quiz-\d+" data-quiz=/g) || []).length;
      modules.get(m[1])[lang] = { path, completion: m[2], quizzes };
    }
    const c = /<article data-modules="([^"]+)"/.exec(html);
    if (c) courses.push({ lang, path, keys: c[1].split('|') });
  }
  return { modules, courses };
}

/** Waits until the progress tools' live region says `text`. */
function announced(page, text) {
  return page.waitForFunction((t) => document.querySelector('#aula-progress [role=status]').textContent === t, text,
    { timeout: 5000 }).catch(() => null);
}

/** What the page shows of progress: marks, the course line, the button. */
function state(page) {
  return page.evaluate(() => {
    const visible = (el) => !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
    const bar = document.querySelector('article[data-modules] .pbar');
    const button = document.querySelector('.pdone button');
    const tools = document.getElementById('aula-progress');
    return {
      marked: [...document.querySelectorAll('li[data-key]')]
        .filter((li) => visible(li.querySelector('.pmark')))
        .map((li) => li.dataset.key),
      bar: bar && visible(bar) ? bar.textContent : null,
      cards: [...document.querySelectorAll('li[data-modules] .pbar')].filter(visible).map((b) => b.textContent),
      pressed: visible(button) ? button.getAttribute('aria-pressed') : null,
      tools: visible(tools),
      status: tools ? tools.querySelector('[role=status]').textContent : null,
      strings: tools ? { ...tools.dataset } : {},
    };
  });
}

function courseLine(strings, done, total) {
  return strings.course
    .replace('{d}', done).replace('{t}', total).replace('{p}', Math.floor((100 * done) / total));
}

async function main() {
  const started = Date.now();
  if (!existsSync(CHROMIUM)) {
    console.log(`skipping the progress test: no chromium at ${CHROMIUM} (CI installs it; locally: apt-get install chromium)`);
    return;
  }
  if (!existsSync(join(publicDir, 'index.html'))) {
    console.error(`no built site in ${publicDir}: run \`cargo run -- build --output ${publicDir}\` first`);
    process.exit(2);
  }
  // The site script under its fingerprinted name (aula.3f2a9c1e.js), or
  // aula.js when the site sets [output] fingerprint = false.
  const scriptName = assetName(publicDir, 'aula', 'js');
  const script = readFileSync(join(publicDir, scriptName));
  const br = brotliCompressSync(script, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  // The progress script's budget (issue 9): at most 3 KB minified.
  const min = Buffer.from((await minify(script.toString(), { compress: true, mangle: true })).code);
  const minBr = brotliCompressSync(min, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`progress test: ${scriptName} ${script.length} B as shipped, ${br} B brotli; minified ${min.length} B, ${minBr} B brotli`);
  check(min.length <= 3072, 'aula.js is at most 3 KB minified (terser)', `${min.length} B`);

  const { modules, courses } = survey(htmlFiles(publicDir));
  // A course in the default language with at least two modules, each of its
  // first two modules also in English.
  const course = courses.find((c) => c.lang === 'es' && c.keys.length >= 2
    && c.keys.slice(0, 2).every((k) => modules.get(k)?.es && modules.get(k)?.en));
  if (!course) {
    check(false, 'the campus has a Spanish course with two modules also in English');
    return;
  }
  const [first, second] = course.keys;
  const total = course.keys.length;
  const courseEn = courses.find((c) => c.lang === 'en' && c.keys.includes(first));
  console.log(`  course ${course.path} (${total} modules), module ${first}`);

  const server = await serve(publicDir);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'aula-progress-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const errors = [];
  context.on('page', (p) => p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`)));
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

    // The course page before: nothing done.
    await page.goto(base + course.path);
    let s = await state(page);
    check(s.tools, 'the progress tools show in the footer with script on');
    check(s.bar === courseLine(s.strings, 0, total), 'course page: 0 modules done', `shows ${JSON.stringify(s.bar)}`);
    check(s.marked.length === 0, 'course page: no check marks yet');

    // 1. Mark the first module done with the keyboard.
    await page.goto(base + modules.get(first).es.path);
    s = await state(page);
    check(s.pressed === 'false', 'module page: "mark as done" shows, not pressed', `aria-pressed ${s.pressed}`);
    await page.focus('.pdone button');
    await page.keyboard.press('Space');
    s = await state(page);
    check(s.pressed === 'true', 'Space on "mark as done" presses it');
    check(s.marked.includes(first), 'the module is checked in the course outline', `marked ${s.marked}`);
    const markText = await page.$eval(`li[data-key="${first}"] .pmark`, (m) => m.textContent);
    check(markText === s.strings.done && markText.length > 0, 'the check mark has text', JSON.stringify(markText));
    await page.reload();
    s = await state(page);
    check(s.pressed === 'true' && s.marked.includes(first), 'after a reload the module is still done');

    // 2. Switch language with the header switcher.
    await Promise.all([page.waitForNavigation(), page.click('.langs a[hreflang="en"]')]);
    check(page.url().replace(/index\.html$/, '') === base + modules.get(first).en.path, 'the switcher opens the English module', page.url());
    const chosen = await page.evaluate(() => localStorage.getItem('aula-lang'));
    check(chosen === 'en', 'the switcher records the language for the root chooser', `aula-lang = ${chosen}`);
    s = await state(page);
    check(s.pressed === 'true' && s.marked.includes(first), 'in English the module is still done');

    // 3. The course percentage changed, and the course card shows it too.
    await page.goto(base + courseEn.path);
    s = await state(page);
    check(s.bar === courseLine(s.strings, 1, courseEn.keys.length), 'course page in English: 1 module done',
      `shows ${JSON.stringify(s.bar)}`);
    check(s.marked.includes(first) && !s.marked.includes(second), 'course page: the done module, and only it, is checked');
    await page.goto(`${base}en/`);
    s = await state(page);
    check(s.cards.includes(courseLine(s.strings, 1, courseEn.keys.length)), 'home page: the course card shows its progress',
      JSON.stringify(s.cards));
    check(s.cards.length === 1, 'home page: cards of courses not started show no progress', JSON.stringify(s.cards));

    // 4. Export, forget, import.
    await page.goto(base + courseEn.path);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#aula-progress button[value="export"]')]);
    const saved = join(profile, 'exported.json');
    await download.saveAs(saved);
    let exported = null;
    try {
      exported = JSON.parse(readFileSync(saved, 'utf8'));
    } catch (e) {
      check(false, 'the exported file is JSON', e.message);
    }
    check(/^aula-progress-\d{4}-\d\d-\d\d\.json$/.test(download.suggestedFilename()), 'the export is named aula-progress-DATE.json',
      download.suggestedFilename());
    check(exported?.aula === 1 && /^\d{4}-\d\d-\d\d$/.test(exported?.done?.[first] ?? '')
      && Object.keys(exported.done).length === 1, 'the exported file holds the done module under its key', JSON.stringify(exported));

    page.once('dialog', (d) => d.dismiss());
    await page.click('#aula-progress button[value="forget"]');
    s = await state(page);
    check(s.marked.includes(first), 'cancelling "forget" keeps progress');
    page.once('dialog', (d) => d.accept());
    await page.click('#aula-progress button[value="forget"]');
    await announced(page, s.strings.forgotten);
    s = await state(page);
    check(s.marked.length === 0 && s.bar === courseLine(s.strings, 0, courseEn.keys.length), 'after "forget" the mark is gone');
    check(s.status === s.strings.forgotten, '"forget" is announced', JSON.stringify(s.status));
    const stored = await page.evaluate(() => localStorage.getItem('aula-progress'));
    check(stored === null, 'after "forget" nothing is stored', stored);

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#aula-progress button[value="import"]')]);
    await chooser.setFiles(saved);
    await announced(page, s.strings.imported.replace('{n}', 1));
    s = await state(page);
    check(s.marked.includes(first) && s.bar === courseLine(s.strings, 1, courseEn.keys.length), 'after importing the file the mark is back');
    check(s.status === s.strings.imported.replace('{n}', 1), 'the import is announced', JSON.stringify(s.status));

    const junk = join(profile, 'junk.json');
    writeFileSync(junk, '{"not": "progress"}');
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.click('#aula-progress button[value="import"]')]);
    await chooser2.setFiles(junk);
    await announced(page, s.strings.bad);
    const before = s;
    s = await state(page);
    check(s.status === s.strings.bad, 'a file that is not progress is refused, and that is announced', JSON.stringify(s.status));
    check(JSON.stringify(s.marked) === JSON.stringify(before.marked) && s.bar === before.bar, 'a refused file changes nothing');

    // 5. The quiz hook, with the real quiz script: a module whose
    // completion is "quiz" is done once every question on it was last
    // answered right (quiz.js fires `aula:quiz` on each "Check").
    const quizModule = [...modules.values()].map((m) => m.en).find((m) => m && m.completion === 'quiz' && m.quizzes > 1);
    if (!quizModule) {
      check(false, 'the campus has a module with completion = "quiz" and two questions or more');
    } else {
      await page.goto(base + quizModule.path);
      // Choose the right options of every question (the answer key says
      // which), except the first question, answered with a wrong one.
      const answer = (wrongFirst) => page.evaluate((wf) => {
        document.querySelectorAll('.quiz[data-quiz]').forEach((q, n) => {
          const key = [...q.querySelectorAll('.quiz-key li')].map((li) => li.className === 'quiz-right');
          q.querySelectorAll('.quiz-options input').forEach((input, i) => {
            input.checked = wf && n === 0 ? !key[i] && i === key.indexOf(false) : key[i];
          });
          q.querySelector('.quiz-check').click();
        });
      }, wrongFirst);
      await answer(true);
      s = await state(page);
      check(s.pressed === 'false', 'quiz: not done while one question has a wrong answer', `aria-pressed ${s.pressed}`);
      await answer(false);
      await announced(page, s.strings.auto);
      s = await state(page);
      check(s.pressed === 'true', 'quiz: done once every question is answered right');
      check(s.status === s.strings.auto, 'quiz: completion is announced', JSON.stringify(s.status));
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('aula-progress')).quiz);
      const ids = Object.keys(stored);
      check(ids.length >= quizModule.quizzes && ids.every((id) => JSON.stringify(stored[id]) === '[1,1]'),
        'quiz: results are stored by question id (translation key#n)', JSON.stringify(stored));
    }

    // 9. Screenshots with progress: a module page and the course page.
    mkdirSync(outDir, { recursive: true });
    const shots = [];
    for (const [width, height] of [[390, 844], [1280, 800]]) {
      for (const scheme of ['light', 'dark']) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, path] of [['module', modules.get(first).es.path], ['course', course.path]]) {
          await page.goto(base + path);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          check(overflow <= 0, `${name} page fits ${width} px (${scheme})`, `overflow ${overflow} px`);
          const file = join(outDir, `progress-${name}-${width}-${scheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          shots.push(relative(repo, file));
        }
      }
    }
    console.log(`  screenshots: ${shots.join(', ')}`);
    await page.close();
  } finally {
    await context.close();
  }

  // 6. From disk: the offline copy keeps progress too.
  const disk = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const local = await disk.newPage();
    local.on('pageerror', (e) => errors.push(`${local.url()}: ${e.message}`));
    await local.goto(pathToFileURL(join(publicDir, modules.get(first).es.path, 'index.html')).href);
    await local.click('.pdone button');
    await local.reload();
    const s = await state(local);
    check(s.pressed === 'true' && s.marked.includes(first), 'from disk (file://): the mark survives a reload');

    // 7. No storage: no progress UI, no error, the switcher still works.
    const closed = await disk.newContext();
    await closed.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
    });
    const noStore = await closed.newPage();
    noStore.on('pageerror', (e) => errors.push(`${noStore.url()} (no storage): ${e.message}`));
    await noStore.goto(base + modules.get(first).es.path);
    const t = await state(noStore);
    check(t.pressed === null && !t.tools && t.marked.length === 0, 'without localStorage no progress UI shows');
    await Promise.all([noStore.waitForNavigation(), noStore.click('.langs a[hreflang="en"]')]);
    check(noStore.url().replace(/index\.html$/, '') === base + modules.get(first).en.path, 'without localStorage the switcher still works');
    await closed.close();

    // 8. Without JavaScript: every module listed, no progress UI.
    const off = await disk.newContext({ javaScriptEnabled: false });
    const plain = await off.newPage();
    for (const [what, path, keys] of [
      ['course page (es)', course.path, course.keys],
      ['course page (en)', courseEn.path, courseEn.keys],
      ['module page (es)', modules.get(first).es.path, course.keys],
      ['module page (en)', modules.get(first).en.path, courseEn.keys],
    ]) {
      await plain.goto(base + path);
      const seen = await plain.evaluate((ks) => ks.filter((k) => {
        const a = document.querySelector(`li[data-key="${k}"] a[href]`);
        return a && a.getClientRects().length > 0;
      }), keys);
      check(seen.length === keys.length, `no script, ${what}: every module is listed with a link`, `${seen.length} of ${keys.length}`);
      const ui = await plain.evaluate(() => [...document.querySelectorAll('#aula-progress, .pdone, .pmark, .pbar, .pdone button, #aula-progress button')]
        .filter((el) => el.getClientRects().length > 0).map((el) => el.outerHTML.slice(0, 60)));
      check(ui.length === 0, `no script, ${what}: no progress UI is visible`, ui.join(' | '));
    }
    await off.close();
  } finally {
    await disk.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }

  check(errors.length === 0, 'no script errors on any page', errors.join('\n  '));
  console.log(`progress test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run(main);
