// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Info > Status in words, in a real browser, against real plugin states
// and a real VPN connection. Started by test-web-status-vpn.c, which runs
// phonesecd (VPN, proxy, directory, problem report, metrics and SIP
// plugins) in a network namespace with ocserv in another, on the bus
// PHONESEC_TEST_BUS. Here: phonesec-web (--http, 127.0.0.1) and Debian's
// headless chromium (playwright-core).
//
// Expected French comes from the build's catalogue (gettext), so the test
// follows po/fr.po; the guide's own words are checked literally as well.
// Screenshots: PHONESEC_WEB_ARTEFACTS/status-{en,fr}.png and the others.
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { waitForLine, assertNotBlank, login, makeSteps } = require('./browser-helpers.js');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const busAddress = env('PHONESEC_TEST_BUS');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'phonesec-web-status-'));
const artefacts = env('PHONESEC_WEB_ARTEFACTS');
fs.mkdirSync(artefacts, { recursive: true });
const children = [];

const ROOT = '/org/phonesec/PhoneSec1';
const VPN = `${ROOT}/plugins/vpn_anyconnect|org.phonesec.PhoneSec1.Vpn`;
const LDAP = `${ROOT}/plugins/ldap_starttls|org.phonesec.PhoneSec1.Ldap`;
const TLS = `${ROOT}|org.phonesec.PhoneSec1.TlsPolicy`;
const MARKER = 'mkstatusq';

function log(...args) { console.log('#', ...args); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const logFile = fs.createWriteStream(path.join(tmp, `${path.basename(cmd)}-${children.length}.log`));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  children.push(child);
  return child;
}

function busctl(...args) {
  return execFileSync('busctl', [`--address=${busAddress}`, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function vpnProperty(name) {
  const out = busctl('get-property', '--json=short', 'org.phonesec.PhoneSec1', `${ROOT}/plugins/vpn_anyconnect`,
    'org.phonesec.PhoneSec1.Vpn', name);
  return JSON.parse(out).data;
}
function vpnCall(method) {
  busctl('call', 'org.phonesec.PhoneSec1', `${ROOT}/plugins/vpn_anyconnect`, 'org.phonesec.PhoneSec1.Vpn', method);
}
function importProfile(xml) {
  busctl('call', 'org.phonesec.PhoneSec1', ROOT, 'org.phonesec.PhoneSec1.Config', 'ImportProfile',
    'sa{sv}', xml, '0');
}

// The build's French for @msgid (LANGUAGE works without a compiled locale).
function french(msgid) {
  return execFileSync('gettext', ['-d', 'phonesec', msgid], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', LANGUAGE: 'fr',
      TEXTDOMAINDIR: env('PHONESEC_LOCALEDIR') },
  });
}

async function startWeb() {
  const webState = path.join(tmp, 'web');
  for (const [account, password] of [['admin', 'admin-pass-7'], ['user', 'user-pass-7']]) {
    execFileSync(env('PHONESEC_WEB'), ['--state-dir', webState, '--set-password', account],
      { input: password + '\n' });
  }
  const web = start(env('PHONESEC_WEB'), ['--bus', busAddress, '--http', '--listen', '127.0.0.1:0',
    '--state-dir', webState]);
  return (await waitForLine(web, /listening on (http:\/\/127\.0\.0\.1:\d+\/)/, 10000))[1];
}

async function screenshot(browser, page, name) {
  const file = path.join(artefacts, name);
  await page.screenshot({ path: file, fullPage: true });
  await assertNotBlank(browser, file);
  log('screenshot', file);
}

async function openStatus(page, base) {
  await page.goto(base + 'status');
  await page.waitForSelector('#live[data-state=on]', { timeout: 10000 });
}

// The words of one section: id → {label, value, level}, and its title.
async function section(page, key) {
  return page.evaluate((k) => {
    const s = [...document.querySelectorAll('section[data-section]')].find((e) => e.dataset.section === k);
    if (!s) return null;
    const lines = {};
    for (const tr of s.querySelectorAll('tr[data-line]')) {
      lines[tr.dataset.line] = { label: tr.querySelector('th').textContent,
        value: tr.querySelector('td').textContent, level: tr.className.replace(/^level-(\w+).*$/, '$1') };
    }
    return { title: s.querySelector('h2').textContent, lines };
  }, key);
}

async function waitValue(page, key, id, re, ms = 30000) {
  await page.waitForFunction(([k, i, source]) => {
    const s = [...document.querySelectorAll('section[data-section]')].find((e) => e.dataset.section === k);
    const tr = s && [...s.querySelectorAll('tr[data-line]')].find((e) => e.dataset.line === i);
    return tr && new RegExp(source).test(tr.querySelector('td').textContent);
  }, [key, id, re.source], { timeout: ms });
}

const { step, results } = makeSteps();

async function main() {
  const base = await startWeb();
  log('phonesec-web at', base, 'artefacts in', artefacts);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const admin = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
  const page = await admin.newPage();
  // A value the phone's user may not see, for the admin's page to show.
  importProfile(`<flat-profile><LDAP_Dir_Enable>Yes</LDAP_Dir_Enable><LDAP_Server ua="na">ldap://${MARKER}.invalid</LDAP_Server></flat-profile>`);

  await step('admin, English: the status screens of the real plugins, in words, in the guide\'s order', async () => {
    await login(page, base, 'admin', 'admin-pass-7');
    await openStatus(page, base);
    const titles = await page.$$eval('section[data-section] h2', (hs) => hs.map((h) => h.textContent));
    const order = ['Status messages', 'VPN Status', 'TLS Policy', 'HTTP Proxy Status', 'Directory Status',
      'Report problem', 'SIP Security', 'Webex Metrics', 'Services'];
    assert.deepEqual(titles.filter((t) => order.includes(t)), order, titles.join(' / '));
    const vpn = await section(page, VPN);
    assert.deepEqual(vpn.lines['vpn.connection'], { label: 'VPN connection', value: 'Disconnected', level: 'info' });
    const tls = await section(page, TLS);
    assert.equal(tls.lines['tls.min-version'].label, 'Minimum TLS version');
    assert.equal(tls.lines['tls.min-version'].value, busctl('get-property', 'org.phonesec.PhoneSec1', ROOT,
      'org.phonesec.PhoneSec1.TlsPolicy', 'MinVersion').replace(/^s "(.*)"\n$/, '$1'));
    assert.equal(tls.lines['tls.fips-mode'].value, 'Off');
    const proxy = await section(page, `${ROOT}/plugins/http_proxy|org.phonesec.PhoneSec1.HttpProxy`);
    assert.equal(proxy.lines['proxy.mode'].value, 'Off');
    assert.equal(proxy.lines['proxy.state'].value, 'Direct connections');
    const ldap = await section(page, LDAP);
    assert.equal(ldap.lines['ldap.server'].value, `ldap://${MARKER}.invalid`);
    const report = await section(page, `${ROOT}/plugins/prt_uploader|org.phonesec.PhoneSec1.ProblemReport`);
    assert.equal(report.lines['report.generation'].value, 'None yet');
    const services = await section(page, 'services');
    assert.equal(services.lines['services.vpn-anyconnect'].value, 'Running');
    assert.equal(services.lines['services.sip-security'].value, 'Running');
    // The 802.1X slot shows only when its plugin's object is there.
    assert.equal(await page.locator('section[data-section$="|org.phonesec.PhoneSec1.Dot1x"]').count(), 0);
    // Words, not D-Bus names, outside the details.
    const words = await page.$$eval('section[data-section]', (ss) => ss.map((s) => s.innerText).join('\n'));
    assert.ok(!/org\.phonesec|TlsPolicy|CipherListError|BytesSent/.test(words), words);
  });

  await step('the VPN connects to ocserv: its words change live, as the details do', async () => {
    await page.evaluate(() => { window.notReloaded = true; });
    busctl('call', 'org.phonesec.PhoneSec1', ROOT, 'org.phonesec.PhoneSec1.Config', 'Apply', 'a{sv}a{sv}', '3',
      'VPN_Server', 's', env('PHONESEC_TEST_VPN_SERVER'), 'VPN_User_Name', 's', env('PHONESEC_TEST_VPN_USER'),
      'VPN_Password', 's', env('PHONESEC_TEST_VPN_PASSWORD'), '0');
    vpnCall('Connect');
    await waitValue(page, VPN, 'vpn.connection', /^Connected$/);
    await waitValue(page, VPN, 'vpn.ip-address', /^10\.77\.0\.\d+$/);
    const vpn = await section(page, VPN);
    assert.equal(vpn.title, 'VPN Status');
    assert.equal(vpn.lines['vpn.ip-address'].label, 'VPN IP address');
    assert.equal(vpn.lines['vpn.ip-address'].value, vpnProperty('IpAddress'));
    assert.deepEqual(vpn.lines['vpn.netmask'], { label: 'VPN subnet mask', value: env('PHONESEC_TEST_VPN_NETMASK'), level: 'info' });
    assert.match(vpn.lines['vpn.bytes-sent'].value, /^\d+$/);
    assert.equal(vpn.lines['vpn.bytes-sent'].label, 'Bytes sent');
    assert.match(vpn.lines['vpn.bytes-received'].value, /^\d+$/);
    assert.equal(vpn.lines['vpn.bytes-received'].label, 'Bytes received');
    // The raw property behind the toggle followed too, without a reload.
    const raw = `td[data-prop="${ROOT}/plugins/vpn_anyconnect|org.phonesec.PhoneSec1.Vpn|State"]`;
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === 'connected', raw, { timeout: 10000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true);
    assert.equal(await page.isVisible(raw), false, 'the details start closed');
    await screenshot(browser, page, 'status-en.png');
    await page.click('#details summary');
    assert.equal(await page.isVisible(raw), true);
    await screenshot(browser, page, 'status-details-en.png');
  });

  await step('French: the same screens in the guide\'s words', async () => {
    await Promise.all([page.waitForNavigation(), page.click('#lang-fr')]);
    await page.waitForSelector('#live[data-state=on]', { timeout: 10000 });
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    const vpn = await section(page, VPN);
    const expect = {
      'vpn.connection': ['VPN connection', 'Connected'],
      'vpn.ip-address': ['VPN IP address', null],
      'vpn.netmask': ['VPN subnet mask', null],
      'vpn.bytes-sent': ['Bytes sent', null],
      'vpn.bytes-received': ['Bytes received', null],
    };
    assert.equal(vpn.title, french('VPN Status'));
    for (const [id, [label, value]] of Object.entries(expect)) {
      assert.equal(vpn.lines[id].label, french(label), id);
      if (value) assert.equal(vpn.lines[id].value, french(value), id);
    }
    // The guide's words (Afficher l'état du VPN).
    assert.equal(vpn.title, 'Statut du VPN');
    assert.equal(vpn.lines['vpn.connection'].label, 'Connexion VPN');
    assert.equal(vpn.lines['vpn.connection'].value, 'Connecté');
    assert.equal(vpn.lines['vpn.ip-address'].label, 'Adresse IP VPN');
    assert.equal(vpn.lines['vpn.netmask'].label, 'Masque de sous-réseau VPN');
    assert.equal(vpn.lines['vpn.bytes-sent'].label, 'Octets envoyés');
    assert.equal(vpn.lines['vpn.bytes-received'].label, 'Octets reçus');
    assert.equal(vpn.lines['vpn.ip-address'].value, vpnProperty('IpAddress'));
    const tls = await section(page, TLS);
    assert.equal(tls.title, french('TLS Policy'));
    assert.equal(tls.lines['tls.fips-mode'].value, french('Off'));
    assert.equal((await section(page, 'messages')).title, french('Status messages'));
    await screenshot(browser, page, 'status-fr.png');
    await Promise.all([page.waitForNavigation(), page.click('#lang-en')]);
  });

  const user = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
  const upage = await user.newPage();
  await step('user: the words of what the user may see, no details, no hidden value', async () => {
    await login(upage, base, 'user', 'user-pass-7');
    const response = await upage.goto(base + 'status');
    const source = await response.text();
    await upage.waitForSelector('#live[data-state=on]', { timeout: 10000 });
    assert.ok(!source.includes(MARKER), 'the hidden LDAP server is in the user page');
    assert.equal(await upage.locator('#details').count(), 0);
    assert.equal(await upage.locator('[data-prop]').count(), 0);
    // Every property of the directory derives from the hidden server: no
    // screen; the TLS parameters are na by default: no TLS screen either.
    assert.equal(await section(upage, LDAP), null);
    assert.equal(await section(upage, TLS), null);
    const vpn = await section(upage, VPN);
    assert.equal(vpn.lines['vpn.connection'].value, 'Connected');
    assert.equal(vpn.lines['vpn.ip-address'].value, vpnProperty('IpAddress'));
  });

  await step('user: the VPN disconnects, the words follow live; nothing hidden arrives', async () => {
    vpnCall('Disconnect');
    await waitValue(upage, VPN, 'vpn.connection', /^Disconnected$/);
    await waitValue(page, VPN, 'vpn.connection', /^Disconnected$/);
    // A hidden change meanwhile reaches the admin's page, never the user's.
    importProfile(`<flat-profile><LDAP_Server ua="na">ldaps://${MARKER}2.invalid</LDAP_Server></flat-profile>`);
    await waitValue(page, LDAP, 'ldap.server', new RegExp(`${MARKER}2`), 10000);
    await sleep(500);
    assert.ok(!(await upage.content()).includes(MARKER), 'a hidden change reached the user page');
    await screenshot(browser, upage, 'status-user-en.png');
  });

  await browser.close();
  console.log(`1..${results.length}`);
  return results.every((r) => r[0]) ? 0 : 1;
}

function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

main().then((status) => {
  cleanup();
  setTimeout(() => {
    if (status === 0) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`# logs kept in ${tmp}`);
    process.exit(status);
  }, 500);
}, (e) => {
  console.log(`not ok - setup\n# ${e.stack || e}`);
  cleanup();
  console.log(`# logs kept in ${tmp}`);
  setTimeout(() => process.exit(1), 500);
});
