// Helpers shared by the real-browser tests (progress.mjs, quiz.mjs,
// offline.mjs, scorm.mjs, …): where chromium is and how to start it on a
// closed network, a pass/fail tally, the built pages, a zip reader and a
// tiny static server on 127.0.0.1.

import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, extname, sep, dirname } from 'node:path';
import { inflateRawSync } from 'node:zlib';

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

// A zip reader for what aula writes (stored or deflated entries), so the
// test needs no unzip program.
export function unzip(file, to) {
  const b = readFileSync(file);
  let eocd = b.length - 22;
  while (eocd >= 0 && b.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  if (eocd < 0) throw new Error(`${file}: not a zip`);
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i += 1) {
    const method = b.readUInt16LE(at + 10);
    const size = b.readUInt32LE(at + 20);
    const nameLen = b.readUInt16LE(at + 28);
    const extraLen = b.readUInt16LE(at + 30);
    const commentLen = b.readUInt16LE(at + 32);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(dataAt, dataAt + size);
    const data = method === 0 ? raw : inflateRawSync(raw);
    if (name.split('/').includes('..') || name.startsWith('/')) throw new Error(`${name} leaves the folder`);
    mkdirSync(dirname(join(to, name)), { recursive: true });
    if (!name.endsWith('/')) writeFileSync(join(to, name), data);
    names.push(name);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

export function find(dir, test) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p, test));
    else if (test(p)) out.push(p);
  }
  return out.sort();
}
