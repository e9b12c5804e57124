// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What the browser tests of tests/web share (test-web-ui.js,
// test-web-status.js): waiting for a child's line, the blank-screenshot
// check, logging in, and TAP steps.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');

function waitForLine(child, re, ms) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re}`)), ms);
    let done = false;
    const onData = (data) => {
      if (done) return;
      buffer += data.toString();
      const m = buffer.match(re);
      if (m) { done = true; clearTimeout(timer); resolve(m); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}: ${buffer}`)); });
  });
}

// A PNG is "blank" when (almost) all its pixels have one colour: decoded by
// the browser itself in an about:blank page (no CSP there).
async function assertNotBlank(browser, file) {
  const page = await browser.newPage();
  const b64 = fs.readFileSync(file).toString('base64');
  const colours = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4 * 7) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return { distinct: seen.size, width: img.width, height: img.height };
  }, b64);
  await page.close();
  assert.ok(colours.width > 100 && colours.height > 100, `${file}: ${JSON.stringify(colours)}`);
  assert.ok(colours.distinct >= 8, `${file} looks blank: ${JSON.stringify(colours)}`);
}

async function login(page, base, account, password) {
  await page.goto(base + 'login');
  await page.selectOption('#account', account);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('#login')]);
}

// TAP: step(name, fn) prints ok / not ok; results() says how each went.
function makeSteps() {
  const results = [];
  async function step(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      results.push([true, name]);
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push([false, name]);
      console.log(`not ok - ${name}\n# ${String(e.stack || e).split('\n').join('\n# ')}`);
    }
  }
  return { step, results };
}

module.exports = { waitForLine, assertNotBlank, login, makeSteps };
