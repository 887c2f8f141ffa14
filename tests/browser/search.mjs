// The real-browser test of search (themes/default/static/search.js and the
// Pagefind bundle of src/outputs/search.rs) on a built campus (default: the
// sample campus in target/ci-public). In one headless Debian chromium, over
// HTTP on 127.0.0.1 (a tiny server started here), it
//   1. opens the Spanish search page and sees that nothing of the index is
//      fetched before the learner types (data saver),
//   2. types an inflected Spanish word ("evaluaciones") and gets the Spanish
//      module that says "evaluación", with title, excerpt and link, every
//      result in Spanish; and measures the first search's download (bytes
//      fetched from the first keystroke to the first results, by the
//      Chrome DevTools Protocol, and what a brotli host would send),
//   3. searches in Portuguese for a word only a Spanish-only module has (it
//      is shown in Portuguese as a notice page) and gets no Spanish page,
//      while the same word in Spanish finds that module,
//   4. searches in English and gets only English pages,
//   5. opened from disk (file://) the page says search is unavailable
//      offline and links to the course list,
//   6. with JavaScript off the page says search needs it and links to the
//      course list,
//   7. saves screenshots (390 px dark with script off, 390 and 1280 px with
//      results, light and dark) to target/browser/search-*.png,
//   8. no request goes to another host and no script error happens.
// Usage: node search.mjs [public-dir] ; exit 0 only when everything passed.

import { readFileSync, readdirSync, statSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve, relative, extname, sep, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS, results, check, htmlFiles, serve, run, assetName } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const outDir = join(repo, 'target/browser');
function modules() {
  const found = new Map();
  for (const f of htmlFiles(publicDir)) {
    const html = readFileSync(f, 'utf8');
    const m = /<article data-key="([^"]+)"/.exec(html);
    if (!m) continue;
    const lang = /<html lang="([^"]+)"/.exec(html)?.[1];
    const path = relative(publicDir, f).split(sep).join('/').replace(/index\.html$/, '');
    if (!found.has(m[1])) found.set(m[1], {});
    found.get(m[1])[lang] = { path, notice: html.includes('<meta name="robots" content="noindex">'), html };
  }
  return found;
}

const brotli = (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
const gzip = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Records every response of `page` (URL and bytes on the wire) through CDP. */
async function recorder(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const log = [];
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => log.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));
  return log;
}

/** Types `word` into the search box and waits for the status line to say
 * how many results there are; returns the results shown. */
async function search(page, word) {
  await page.fill('#aula-q', '');
  await page.type('#aula-q', word, { delay: 30 });
  await page.waitForFunction((w) => {
    const s = document.querySelector('#aula-search [role=status]').textContent;
    return s.includes(w) && !s.includes('…');
  }, word, { timeout: 15000 });
  return page.$$eval('.search-results li', (lis) => lis.map((li) => ({
    title: li.querySelector('h2 a').textContent,
    href: li.querySelector('h2 a').getAttribute('href'),
    excerpt: li.querySelector('p').textContent,
    marks: li.querySelectorAll('p mark').length,
  })));
}

async function main() {
  const started = Date.now();
  if (!existsSync(CHROMIUM)) {
    console.log(`skipping the search test: no chromium at ${CHROMIUM} (CI installs it; locally: apt-get install chromium)`);
    return;
  }
  if (!existsSync(join(publicDir, 'pagefind/pagefind.js'))) {
    console.error(`no search bundle in ${publicDir}: build the site with the default features first`);
    process.exit(2);
  }
  const script = readFileSync(join(publicDir, assetName(publicDir, 'search', 'js')));
  console.log(`search test: search.js ${script.length} B as shipped, ${brotli(script)} B brotli`);
  const mods = modules();
  const spanishOnly = [...mods.entries()].find(([, v]) => v.es && !v.es.notice && v.pt?.notice);
  check(!!spanishOnly, 'the campus has a Spanish-only module shown as a notice page in Portuguese');

  const server = await serve(publicDir);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const errors = [];
  const elsewhere = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    const log = await recorder(context, page);

    // 1. Nothing of the index before typing.
    await page.goto(`${base}es/search/`, { waitUntil: 'networkidle' });
    const before = log.splice(0);
    check(before.every((r) => !r.url.includes('/pagefind/')), 'opening the search page fetches nothing of the index',
      before.map((r) => r.url).join(' '));
    check(await page.isVisible('#aula-q') && await page.isHidden('.search-note'),
      'with script on, over HTTP, the search box shows and the note hides');
    const pageBytes = before.reduce((n, r) => n + r.bytes, 0);

    // 2. An inflected Spanish word finds the module that says "evaluación".
    const t0 = Date.now();
    const found = await search(page, 'evaluaciones');
    const ms = Date.now() - t0;
    const first = log.splice(0);
    const assessment = [...mods.values()].find((v) => v.es && /evaluación/.test(v.es.html) && /<h1[^>]*>[^<]*[Ee]valuación/.test(v.es.html));
    check(!!assessment, 'the campus has a Spanish module titled with "evaluación"');
    const hit = found.find((r) => assessment && new URL(r.href, base).pathname === `/${assessment.es.path}`
      || assessment && new URL(r.href, base).pathname === `/${assessment.es.path}index.html`);
    check(!!hit, '"evaluaciones" finds the Spanish module about "evaluación"', JSON.stringify(found.map((r) => r.href)));
    check(found.length > 0 && found.every((r) => new URL(r.href, base).pathname.startsWith('/es/')),
      'every Spanish result is a Spanish page', found.map((r) => r.href).join(' '));
    check(!!hit && hit.title.length > 0 && hit.excerpt.length > 20 && hit.marks > 0,
      'a result shows its title, an excerpt and the words found marked', JSON.stringify(hit));
    if (hit) {
      const [, link] = await Promise.all([page.waitForNavigation(), page.click(`.search-results a[href="${hit.href}"]`)]);
      check(page.url().startsWith(`${base}${assessment.es.path}`), 'the result link opens the module', page.url());
      await page.goBack();
    }
    let wire = 0, br = 0, gz = 0;
    const rows = [];
    for (const r of first) {
      const path = new URL(r.url).pathname;
      const body = readFileSync(join(publicDir, decodeURIComponent(path)));
      wire += r.bytes;
      br += brotli(body);
      gz += gzip(body);
      rows.push(`${path} ${body.length} B (brotli ${brotli(body)} B)`);
    }
    console.log(`  search page load: ${kb(pageBytes)} on the wire (uncompressed server)`);
    console.log(`  first search ("evaluaciones", ${ms} ms): ${first.length} files, ${kb(wire)} on the wire uncompressed; `
      + `${kb(br)} with brotli, ${kb(gz)} with gzip`);
    for (const r of rows) console.log(`    ${r}`);
    check(first.every((r) => !/\/pagefind\/(pagefind\.(en|pt)_|wasm\.(en|pt|unknown)|index\/(en|pt)_|fragment\/(en|pt)_)/.test(r.url)),
      'a Spanish search fetches nothing of the other languages\' indexes', first.map((r) => r.url).join(' '));

    // 3. Portuguese: a word only the Spanish-only module has.
    if (spanishOnly) {
      const [key, v] = spanishOnly;
      const word = 'cátedra';
      check(v.es.html.includes(word), `the Spanish-only module ${key} says "${word}"`);
      await page.goto(`${base}es/search/`);
      const es = await search(page, word);
      check(es.some((r) => new URL(r.href, base).pathname.startsWith(`/${v.es.path}`)),
        `in Spanish, "${word}" finds the Spanish-only module`, JSON.stringify(es.map((r) => r.href)));
      await page.goto(`${base}pt/search/`);
      const pt = await search(page, word);
      const bad = pt.filter((r) => !new URL(r.href, base).pathname.startsWith('/pt/')
        || new URL(r.href, base).pathname.startsWith(`/${v.pt.path}`));
      check(bad.length === 0, `in Portuguese, "${word}" returns no Spanish page (nor the notice page)`, JSON.stringify(bad));
      const none = await page.textContent('#aula-search [role=status]');
      console.log(`  pt "${word}": ${pt.length} results; status "${none}"`);
    }

    // 4. English.
    await page.goto(`${base}en/search/`);
    const en = await search(page, 'assessments');
    check(en.length > 0 && en.every((r) => new URL(r.href, base).pathname.startsWith('/en/')),
      'an English search ("assessments") returns English pages only', JSON.stringify(en.map((r) => r.href)));

    // 7. Screenshots with results.
    mkdirSync(outDir, { recursive: true });
    const shots = [];
    for (const [width, height] of [[390, 844], [1280, 800]]) {
      for (const scheme of ['light', 'dark']) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${base}es/search/`);
        await search(page, 'evaluaciones');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        check(overflow <= 0, `search page with results fits ${width} px (${scheme})`, `overflow ${overflow} px`);
        const file = join(outDir, `search-results-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots.push(relative(repo, file));
      }
    }
    await context.close();

    // 5. From disk.
    const disk = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const local = await disk.newPage();
    local.on('pageerror', (e) => errors.push(`${local.url()}: ${e.message}`));
    await local.goto(pathToFileURL(join(publicDir, 'es/search/index.html')).href);
    const offline = await local.$eval('#aula-search', (b) => b.dataset.offline);
    const note = await local.textContent('.search-note');
    check(note.includes(offline) && await local.isVisible('.search-note a') && await local.isHidden('#aula-q'),
      'from disk (file://) the page says search is unavailable offline and links to the courses', note);
    const courses = await local.$eval('.search-note a', (a) => a.href);
    check(existsSync(fileURLToPath(courses)), 'from disk the course list link leads to a file', courses);
    await disk.close();

    // 6. Without JavaScript, at phone width in dark mode.
    const off = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const plain = await off.newPage();
    for (const lang of ['es', 'en', 'pt']) {
      await plain.goto(`${base}${lang}/search/`);
      const text = await plain.textContent('.search-note');
      check(await plain.isHidden('#aula-q') && await plain.isVisible('.search-note a') && text.length > 20,
        `no script, ${lang}: the page says search needs JavaScript and links to the courses`, text);
    }
    await plain.goto(`${base}es/search/`);
    const file = join(outDir, 'search-noscript-390-dark.png');
    await plain.screenshot({ path: file, fullPage: true });
    shots.push(relative(repo, file));
    await off.close();
    console.log(`  screenshots: ${shots.join(', ')}`);
  } finally {
    await browser.close();
    server.close();
  }
  check(elsewhere.length === 0, 'no request to another host', elsewhere.join(' '));
  check(errors.length === 0, 'no script errors on any page', errors.join('\n  '));
  console.log(`search test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run(main);
