// The real-browser quality gate for a built campus (default: the sample
// campus in target/ci-public). It
//   1. serves the folder on 127.0.0.1 (a random port, GET only, no path
//      traversal),
//   2. opens every HTML page in ONE headless Debian chromium, several tabs at
//      a time, and runs axe-core with the WCAG 2.0/2.1/2.2 A and AA rules, in
//      the light and the dark colour scheme: 0 violations required,
//   3. runs the Nu HTML Checker (vnu.jar, on the machine's Java) on every
//      HTML file: 0 errors required,
//   4. walks home -> course -> module -> next module with Tab and Enter only,
//      checking that each focused link shows a focus indicator,
//   5. saves a 320 px wide screenshot of a module page to
//      target/browser/module-320.png.
// Usage: node gate.mjs [public-dir] ; exit 0 only when everything passed.

import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, extname, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS, TYPES, htmlFiles } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const publicDir = resolve(process.argv[2] ?? join(repo, 'target/ci-public'));
const outDir = join(repo, 'target/browser');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const vnuJar = join(dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
const TABS = Number(process.env.TABS ?? 4);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const results = { passed: 0, failed: 0 };
function check(ok, what, detail = '') {
  if (ok) {
    results.passed += 1;
  } else {
    results.failed += 1;
    console.log(`FAIL ${what}${detail ? `\n${detail}` : ''}`);
  }
}

function serve(root) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(root, '.' + path);
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] }).end(readFileSync(join(root, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function runVnu(files) {
  return new Promise((ok) => {
    const proc = spawn('java', ['-Xss4m', '-jar', vnuJar, '--format', 'json', '--also-check-css', ...files], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('error', (e) => ok({ error: `cannot run java: ${e.message}` }));
    proc.on('close', (code) => {
      try {
        ok({ code, messages: JSON.parse(err).messages });
      } catch {
        ok({ error: `vnu exited ${code}: ${err.slice(0, 2000)}` });
      }
    });
  });
}

async function axeOn(page, url, scheme) {
  await page.emulateMedia({ colorScheme: scheme });
  const response = await page.goto(url, { waitUntil: 'load' });
  check(response && response.ok(), `${url} loads`, `status ${response && response.status()}`);
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`),
    }));
  }, AXE_TAGS);
  return res;
}

/** Presses Tab until a link whose URL passes `want` has focus; returns its href. */
async function tabTo(page, want, what) {
  for (let i = 0; i < 400; i += 1) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el.tagName !== 'A') return null;
      const s = getComputedStyle(el);
      const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      return { href: el.href, rel: el.rel, text: el.textContent.trim(), visible };
    });
    if (focus && !focus.visible) {
      check(false, `focus indicator on "${focus.text}" (${focus.href})`);
      return null;
    }
    if (focus && want(focus)) return focus;
  }
  check(false, `keyboard walk: no link to ${what} reachable with Tab`);
  return null;
}

async function keyboardWalk(browser, base) {
  const page = await browser.newPage();
  await page.goto(`${base}/es/`, { waitUntil: 'load' });
  // Folder and file links alike: `es/cursos/x/` and `es/cursos/x/index.html`.
  const path = (href) => new URL(href).pathname.replace(/index\.html$/, '').split('/').filter(Boolean);
  const steps = [
    ['a course', (f) => { const p = path(f.href); return p[0] === 'es' && p[1] === 'cursos' && p.length === 3; }],
    ['a module', (f) => { const p = path(f.href); return p[0] === 'es' && p[1] === 'cursos' && p.length === 4; }],
    ['the next module', (f) => f.rel === 'next'],
  ];
  // The first Tab must reach the skip link.
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
  check(first === '#main', 'keyboard walk: the first Tab focuses the skip link', `focused ${first}`);
  let from = page.url();
  for (const [what, want] of steps) {
    const link = await tabTo(page, want, what);
    if (!link) break;
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    const at = page.url();
    check(at === link.href, `keyboard walk: Enter on "${link.text}" opens ${what}`, `from ${from} to ${at}`);
    console.log(`  keyboard: ${relative(base, from) || '/'} -> ${new URL(at).pathname}`);
    from = at;
  }
  await page.close();
}

async function screenshot(browser, base, pages) {
  const module = pages.find((p) => /^es\/cursos\/[^/]+\/[^/]+\/index\.html$/.test(p));
  if (!module) {
    check(false, 'a module page for the screenshot');
    return;
  }
  const page = await browser.newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`${base}/${module}`, { waitUntil: 'load' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${module} fits 320 px without sideways scrolling`, `overflow ${overflow} px`);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'module-320.png');
  await page.screenshot({ path: file, fullPage: true });
  await page.screenshot({ path: join(outDir, 'module-320-first-screen.png') });
  console.log(`  screenshot: ${relative(repo, file)} (${module})`);
  await page.close();
}

async function main() {
  const started = Date.now();
  if (!existsSync(join(publicDir, 'index.html'))) {
    console.error(`no built site in ${publicDir}: run \`cargo run -- build --output ${publicDir}\` first`);
    process.exit(2);
  }
  const files = htmlFiles(publicDir);
  const pages = files.map((f) => relative(publicDir, f).split(sep).join('/'));
  console.log(`browser gate: ${pages.length} HTML files in ${relative(repo, publicDir) || publicDir}`);
  const vnu = runVnu(files);

  const server = await serve(publicDir);
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(join(tmpdir(), 'aula-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 },
  });
  try {
    const queue = [];
    // Light and dark at 1280 px, and light at 320 px (WCAG 1.4.10 reflow:
    // what scrolls sideways on a phone must be reachable by keyboard).
    for (const p of pages) for (const mode of ['light', 'dark', 'narrow']) queue.push([p, mode]);
    const violations = [];
    await Promise.all(Array.from({ length: TABS }, async () => {
      const tab = await context.newPage();
      for (let job = queue.shift(); job; job = queue.shift()) {
        const [p, mode] = job;
        const url = `${base}/${p.replace(/index\.html$/, '')}`;
        await tab.setViewportSize(mode === 'narrow' ? { width: 320, height: 640 } : { width: 1280, height: 800 });
        const found = await axeOn(tab, url, mode === 'dark' ? 'dark' : 'light');
        check(found.length === 0, `axe ${p} (${mode})`,
          found.map((v) => `  ${v.id} [${v.impact}] ${v.help}\n    ${v.nodes.slice(0, 5).join('\n    ')}`).join('\n'));
        for (const v of found) violations.push(`${p} (${mode}): ${v.id}`);
      }
      await tab.close();
    }));
    console.log(`  axe-core ${JSON.parse(readFileSync(require.resolve('axe-core/package.json'))).version}, tags ${AXE_TAGS.join(' ')}: ${pages.length * 3} page loads, ${violations.length} violations`);
    await keyboardWalk(context, base);
    await screenshot(context, base, pages);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }

  const v = await vnu;
  if (v.error) {
    check(false, 'Nu HTML Checker ran', v.error);
  } else {
    const errors = v.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
    const warnings = v.messages.filter((m) => m.type !== 'error' && m.subType !== 'fatal');
    for (const m of errors) {
      check(false, `vnu ${relative(publicDir, fileURLToPath(m.url))}:${m.lastLine ?? '?'}:${m.firstColumn ?? '?'}`, `  ${m.message}`);
    }
    if (errors.length === 0) check(true, 'vnu');
    console.log(`  Nu HTML Checker: ${files.length} files, ${errors.length} errors, ${warnings.length} warnings`);
    // Warnings fail the gate too: a `<br/>` in the printable pages once
    // slipped through as 11 printed warnings.
    check(warnings.length === 0, 'Nu HTML Checker: no warnings', warnings.slice(0, 10)
      .map((m) => `  ${relative(publicDir, fileURLToPath(m.url))}:${m.lastLine ?? '?'}: ${m.message}`).join('\n'));
  }
  console.log(`browser gate took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`browser: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  console.log(`browser: ${results.passed} passed, ${results.failed + 1} failed`);
  process.exit(1);
});
