/* phonesec-pac-library.h: the Netscape and Microsoft PAC helper functions,
 * as JavaScript the helper evaluates into each fresh heap before the script.
 *
 * The source is a function expression called with (N, G): N holds the native
 * primitives of phonesec-pac-helper.c (DNS through the daemon, the phone's
 * addresses, the clock, glob matching, address arithmetic, alert), G is the
 * global object. N is reachable only through the closures below, so the
 * script's global object holds the PAC helpers and the ECMAScript built-ins,
 * nothing else.
 *
 * Semantics where the historical specifications are vague (documented so
 * tests can pin them): host name comparisons ignore case; weekdayRange,
 * dateRange and timeRange wrap around (FRI..MON, DEC..FEB, 22..6), as
 * Chromium does; timeRange(h1, h2) is [h1:00, h2:00), the minute and second
 * forms include their end; a trailing "GMT" selects UTC, otherwise the local
 * time zone (TZ) is used.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

static const char pac_library_source[]
    = "(function (N, G) {\n"
      "'use strict';\n"
      "function str(x) { return String(x); }\n"
      "function lower(x) { return String(x).toLowerCase(); }\n"
      /* A memo of DNS answers for the current request only (N.gen() changes at
       * every request), so one evaluation asks the daemon once per name. */
      "var memo = {}, memoGen = -1;\n"
      "function dns(host, fam) {\n"
      "  var g = N.gen();\n"
      "  if (g !== memoGen) { memo = {}; memoGen = g; }\n"
      "  var k = fam + lower(host);\n"
      "  if (!(k in memo)) memo[k] = N.dns(lower(host), fam);\n"
      "  return memo[k];\n"
      "}\n"
      "function def(name, f) {\n"
      "  Object.defineProperty(G, name, { value: f, writable: true, configurable: true });\n"
      "}\n"
      "def('isPlainHostName', function (host) { return !/[.:]/.test(str(host)); });\n"
      "def('dnsDomainIs', function (host, domain) {\n"
      "  var h = lower(host), d = lower(domain);\n"
      "  return h.length >= d.length && h.substring(h.length - d.length) === d;\n"
      "});\n"
      "def('localHostOrDomainIs', function (host, hostdom) {\n"
      "  var h = lower(host), hd = lower(hostdom);\n"
      "  if (h === hd) return true;\n"
      "  return h.indexOf('.') < 0 && hd.substring(0, h.length + 1) === h + '.';\n"
      "});\n"
      "def('isResolvable', function (host) { return dns(host, '4').length > 0; });\n"
      "def('dnsResolve', function (host) {\n"
      "  var a = dns(host, '4');\n"
      "  return a.length > 0 ? a[0] : null;\n"
      "});\n"
      "def('isInNet', function (host, pattern, mask) {\n"
      "  var ip = N.isIp4(str(host)) ? str(host) : G.dnsResolve(host);\n"
      "  return ip !== null && N.inNet4(ip, str(pattern), str(mask));\n"
      "});\n"
      "def('myIpAddress', function () {\n"
      "  var a = N.myAddrs();\n"
      "  for (var i = 0; i < a.length; i++)\n"
      "    if (N.isIp4(a[i]) && a[i].indexOf('127.') !== 0) return a[i];\n"
      "  return '127.0.0.1';\n"
      "});\n"
      "def('dnsDomainLevels', function (host) { return str(host).split('.').length - 1; });\n"
      "def('shExpMatch', function (s, shexp) { return N.glob(str(s), str(shexp)); });\n"
      "var DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];\n"
      "var MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT',\n"
      "              'NOV', 'DEC'];\n"
      /* Splits a trailing "GMT" off the arguments. */
      "function args(a) {\n"
      "  var l = Array.prototype.slice.call(a);\n"
      "  var gmt = l.length > 0 && str(l[l.length - 1]).toUpperCase() === 'GMT';\n"
      "  if (gmt) l.pop();\n"
      "  return { list: l, now: N.now(gmt) };\n"
      "}\n"
      "function inRange(lo, x, hi) { return lo <= hi ? lo <= x && x <= hi : x >= lo || x <= hi; }\n"
      "def('weekdayRange', function () {\n"
      "  var a = args(arguments), l = a.list;\n"
      "  if (l.length < 1 || l.length > 2) return false;\n"
      "  var d1 = DAYS.indexOf(str(l[0]).toUpperCase());\n"
      "  var d2 = l.length === 2 ? DAYS.indexOf(str(l[1]).toUpperCase()) : d1;\n"
      "  if (d1 < 0 || d2 < 0) return false;\n"
      "  return inRange(d1, a.now[6], d2);\n"
      "});\n"
      /* dateRange: each argument is a day (1..31), a month name or a year
       * (a number above 31); the two halves must name the same fields. */
      "function datePart(x) {\n"
      "  var m = MONTHS.indexOf(str(x).toUpperCase());\n"
      "  if (m >= 0) return { k: 'm', v: m };\n"
      "  if (typeof x === 'string' && !/^[0-9]+$/.test(x)) return null;\n"
      "  var n = Number(x);\n"
      "  if (n !== Math.floor(n) || n < 1) return null;\n"
      "  return n <= 31 ? { k: 'd', v: n } : { k: 'y', v: n };\n"
      "}\n"
      "function dateKey(parts, y, m, d) {\n"
      "  var f = { y: y, m: m, d: d };\n"
      "  for (var i = 0; i < parts.length; i++) f[parts[i].k] = parts[i].v;\n"
      "  return (f.y * 12 + f.m) * 32 + f.d;\n"
      "}\n"
      "def('dateRange', function () {\n"
      "  var a = args(arguments), l = a.list, now = a.now;\n"
      "  var n = l.length;\n"
      "  if (n !== 1 && n !== 2 && n !== 4 && n !== 6) return false;\n"
      "  var p = [];\n"
      "  for (var i = 0; i < n; i++) { p.push(datePart(l[i])); if (p[i] === null) return false; }\n"
      "  var h = n === 1 ? 1 : n / 2, lo = p.slice(0, h), hi = n === 1 ? lo : p.slice(h);\n"
      "  var kinds = lo.map(function (x) { return x.k; }).join('');\n"
      "  if (kinds !== hi.map(function (x) { return x.k; }).join('')) return false;\n"
      "  if (['d', 'm', 'y', 'dm', 'my', 'dmy'].indexOf(kinds) < 0) return false;\n"
      /* Fields not named take today's value, so they cancel out. */
      "  var cur = dateKey([], now[0], now[1], now[2]);\n"
      "  var k1 = dateKey(lo, now[0], now[1], now[2]), k2 = dateKey(hi, now[0], now[1], now[2]);\n"
      "  if (kinds.indexOf('y') >= 0) return k1 <= cur && cur <= k2;\n"
      "  return inRange(k1, cur, k2);\n"
      "});\n"
      "def('timeRange', function () {\n"
      "  var a = args(arguments), l = a.list, now = a.now;\n"
      "  var n = l.length, v = [];\n"
      "  if (n !== 1 && n !== 2 && n !== 4 && n !== 6) return false;\n"
      "  for (var i = 0; i < n; i++) {\n"
      "    var x = Number(l[i]);\n"
      "    if (x !== Math.floor(x) || x < 0 || x > 59 || (n <= 2 && x > 24)) return false;\n"
      "    v.push(x);\n"
      "  }\n"
      "  var t = now[3] * 3600 + now[4] * 60 + now[5];\n"
      "  if (n === 1) return now[3] === v[0];\n"
      "  var lo, hi;\n"
      "  if (n === 2) { lo = v[0] * 3600; hi = v[1] * 3600 - 1; }\n"
      "  else if (n === 4) { lo = v[0] * 3600 + v[1] * 60; hi = v[2] * 3600 + v[3] * 60 + 59; }\n"
      "  else { lo = v[0] * 3600 + v[1] * 60 + v[2]; hi = v[3] * 3600 + v[4] * 60 + v[5]; }\n"
      "  return inRange(lo, t, hi);\n"
      "});\n"
      "def('alert', function (msg) { N.alert(str(msg)); });\n"
      /* Microsoft's IPv6-aware extensions. */
      "def('isResolvableEx', function (host) { return dns(host, '*').length > 0; });\n"
      "def('dnsResolveEx', function (host) { return dns(host, '*').join(';'); });\n"
      "def('myIpAddressEx', function () { return N.myAddrs().join(';'); });\n"
      "def('isInNetEx', function (ip, prefix) { return N.inNetEx(str(ip), str(prefix)); });\n"
      "def('sortIpAddressList', function (list) { return N.sortIps(str(list)); });\n"
      "def('getClientVersion', function () { return '1.0'; });\n"
      "})\n";
