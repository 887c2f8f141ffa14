// The real-browser test of offline course packages (src/outputs/packages.rs)
// on a built campus (default: the sample campus in target/ci-public). It
// unzips every course package of one language and the language's campus
// zip into a temp folder and, in headless Debian chromium, from file://:
//   1. opens index.html at the package's root: the course page, styled
//      (the theme's CSS applies), every request answered from the folder,
//   2. follows the link to the first module (a file, not a folder listing),
//   3. marks the module done and sees the check mark and the percentage
//      on the course page (progress works from disk),
//   4. visits every page of the packages: no failed request, no script
//      error, no link that names a folder,
//   5. opens the printable course and screenshots it for print,
//   6. saves screenshots at 390 px to target/browser/offline-*.png.
// Usage: node offline.mjs [public-dir] [lang] ; exit 0 only when all passed.

import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS, results, check, run, unzip, find } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const lang = process.argv[3] ?? 'es';
const outDir = join(repo, 'target/browser');
async function main() {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const langDir = join(publicDir, lang);
  const zips = find(langDir, (p) => p.endsWith('.zip'));
  const courseZips = zips.filter((z) => z !== join(langDir, `${lang}.zip`));
  check(courseZips.length > 0, `course packages found under ${lang}/`, `${courseZips.length}`);
  check(zips.length === courseZips.length + 1, `the campus zip ${lang}/${lang}.zip exists`);
  const tmp = mkdtempSync(join(tmpdir(), 'aula-offline-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const errors = [];
  try {
    for (const [n, zip] of zips.entries()) {
      const dir = join(tmp, String(n));
      const names = unzip(zip, dir);
      check(names.includes('index.html'), `${zip.slice(publicDir.length + 1)}: index.html at the root (${names.length} files)`);
      // A fresh context per package: its own storage, as a learner's browser.
      const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
      const page = await context.newPage();
      const failed = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      const index = pathToFileURL(join(dir, 'index.html')).href;
      await page.goto(index);
      const styled = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() !== '');
      check(styled, `${n}: the theme's CSS applies from disk`);
      const isCourse = zip !== join(langDir, `${lang}.zip`);
      if (isCourse) {
        const first = await page.evaluate(() => {
          const li = document.querySelector('li[data-key] a[href]');
          return li && li.getAttribute('href');
        });
        check(first && first.endsWith('/index.html'), `${n}: the outline links a module file`, first);
        const key = await page.evaluate(() => document.querySelector('li[data-key]').dataset.key);
        await Promise.all([page.waitForNavigation(), page.click('li[data-key] a[href]')]);
        const title = await page.evaluate(() => document.querySelector('h1') && document.querySelector('h1').textContent);
        check(page.url().endsWith('/index.html') && title, `${n}: the first module opens from disk`, page.url());
        if (n === 0) await page.screenshot({ path: join(outDir, 'offline-module-390.png'), fullPage: true });
        const mark = await page.$('.pdone button');
        check(mark !== null, `${n}: "mark as done" shows from disk`);
        if (mark) {
          await mark.click();
          await page.goto(index);
          const s = await page.evaluate((k) => ({
            marked: !!document.querySelector(`li[data-key="${k}"] .pmark`),
            bar: (document.querySelector('.pbar') || {}).textContent || '',
          }), key);
          check(s.marked && /\d/.test(s.bar), `${n}: the course page shows the mark and the percentage`, JSON.stringify(s));
        }
        if (n === 0) await page.screenshot({ path: join(outDir, 'offline-course-390.png'), fullPage: true });
      } else {
        await page.screenshot({ path: join(outDir, 'offline-campus-390.png') });
      }
      // Every page of the package: loads with nothing missing, links name files.
      const pages = find(dir, (p) => p.endsWith('.html'));
      const folders = [];
      for (const p of pages) {
        await page.goto(pathToFileURL(p).href);
        const bad = await page.evaluate(() => [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
          .map((el) => el.getAttribute('href') || el.getAttribute('src'))
          .filter((u) => !/^(https?:|mailto:|#)/.test(u) && (u.endsWith('/') || u === '')));
        folders.push(...bad.map((u) => `${p.slice(dir.length + 1)}: ${u}`));
      }
      check(failed.length === 0, `${n}: every request of its ${pages.length} pages is answered from the folder`, failed.slice(0, 5).join('\n  '));
      check(folders.length === 0, `${n}: no link names a folder`, folders.slice(0, 5).join('\n  '));
      if (isCourse && n === 0) {
        await page.goto(pathToFileURL(join(dir, 'print', 'index.html')).href);
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: join(outDir, 'offline-print.png'), fullPage: true });
        const hidden = await page.evaluate(() => getComputedStyle(document.querySelector('.print-bar')).display);
        check(hidden === 'none', 'print: the bar with the back link is hidden on paper');
        await page.setViewportSize({ width: 390, height: 800 });
        await page.emulateMedia({ media: 'screen' });
        await page.screenshot({ path: join(outDir, 'offline-print-390.png') });
      }
      await context.close();
    }
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  check(errors.length === 0, 'no script errors on any page', errors.join('\n  '));
  console.log(`offline test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run(main, 'offline packages');
