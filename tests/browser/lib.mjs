// Helpers shared by the real-browser tests (progress.mjs, quiz.mjs):
// where chromium is and how to start it on a closed network, a pass/fail
// tally, the built pages, and a tiny static server on 127.0.0.1.

import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, extname, sep } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// As in gate.mjs: without the background-networking flags chromium tries
// Google's hosts, which a closed network refuses.
export const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const results = { passed: 0, failed: 0 };
export function check(ok, what, detail = '') {
  if (ok) {
    results.passed += 1;
    console.log(`  ok ${what}`);
  } else {
    results.failed += 1;
    console.log(`FAIL ${what}${detail ? `\n  ${detail}` : ''}`);
  }
}

export function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

// The name of a site asset under its fingerprinted name
// (`aula.3f2a9c1e.js`), or its plain name (`aula.js`) when the site sets
// `[output] fingerprint = false`.
export function assetName(dir, stem, ext) {
  const hashed = new RegExp(`^${stem}(\\.[0-9a-f]{8})?\\.${ext}$`);
  return readdirSync(dir).find((n) => hashed.test(n)) ?? `${stem}.${ext}`;
}

export const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.webp': 'image/webp', '.json': 'application/json',
  '.js': 'text/javascript', '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

export function serve(root) {
  const server = createServer((req, res) => {
    let file;
    try {
      file = resolve(root, '.' + decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Runs a test's `main`, prints the tally and exits 0 only when all passed. */
export function run(main, name = 'browser') {
  main().catch((e) => {
    results.failed += 1;
    console.log(`FAIL ${e.stack || e}`);
  }).finally(() => {
    console.log(`${name}: ${results.passed} passed, ${results.failed} failed`);
    process.exit(results.failed === 0 ? 0 : 1);
  });
}
