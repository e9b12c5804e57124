// corporate.pac: a corporate-style PAC file for the phonesec PAC tests and
// benchmark. It calls every Netscape and Microsoft helper; the answers are
// chosen so that each test URL shows which rule matched. Names resolve
// offline: IP literals, "localhost" and *.invalid only.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

var MAIN = "PROXY proxy.corp.example:3128; PROXY backup.corp.example:8080; DIRECT";

// The clock answers, one per test host "<name>.time.example".
function clockRule(name) {
  switch (name) {
  case "wd":       return weekdayRange("WED");
  case "wdgmt":    return weekdayRange("WED", "GMT");
  case "wdtuegmt": return weekdayRange("TUE", "GMT");
  case "wdrange":  return weekdayRange("MON", "FRI");
  case "wdwrap":   return weekdayRange("SAT", "TUE");
  case "wdwrapgmt": return weekdayRange("SAT", "TUE", "GMT");
  case "wdbad":    return weekdayRange("WEDNESDAY");
  case "day":      return dateRange(11);
  case "daygmt":   return dateRange(11, "GMT");
  case "days":     return dateRange(1, 10);
  case "month":    return dateRange("MAR");
  case "months":   return dateRange("JAN", "FEB");
  case "monwrap":  return dateRange("DEC", "MAR");
  case "year":     return dateRange(2026);
  case "years":    return dateRange(2020, 2025);
  case "daymon":   return dateRange(1, "MAR", 15, "MAR");
  case "monyear":  return dateRange("NOV", 2025, "APR", 2026);
  case "full":     return dateRange(11, "MAR", 2026, 11, "MAR", 2026);
  case "fullgmt":  return dateRange(11, "MAR", 2026, 11, "MAR", 2026, "GMT");
  case "datebad":  return dateRange(1, 2, 3);
  case "hour":     return timeRange(1);
  case "hourgmt":  return timeRange(22, "GMT");
  case "hours":    return timeRange(0, 2);
  case "hourswrap": return timeRange(22, 2);
  case "office":   return timeRange(9, 17);
  case "minutes":  return timeRange(1, 0, 1, 30);
  case "minutesend": return timeRange(1, 31, 2, 0);
  case "seconds":  return timeRange(22, 30, 0, 22, 30, 15, "GMT");
  case "secondsbefore": return timeRange(22, 30, 16, 23, 0, 0, "GMT");
  }
  return false;
}

function FindProxyForURL(url, host) {
  // Logged, then an ordinary answer.
  if (shExpMatch(host, "*.alert.test")) {
    alert("PAC: " + host + " asked for " + url);
    return "PROXY alerted.example:1";
  }
  // The test names resolve without a network.
  if (host == "localhost" || shExpMatch(host, "*.invalid")) {
    if (!isResolvable(host))
      return "PROXY unresolvable.example:1";
    if (isInNet(host, "127.0.0.0", "255.0.0.0"))
      return "PROXY " + dnsResolve(host) + ":9";
    return "PROXY odd.example:1";
  }
  // "wiki" and "wiki.corp.example" are the same server.
  if (localHostOrDomainIs(host, "wiki.corp.example"))
    return "PROXY wiki-gw.corp.example:80";
  if (isPlainHostName(host))
    return "DIRECT";
  if (dnsDomainIs(host, ".time.example"))
    return clockRule(host.split(".")[0]) ? "PROXY yes.example:1" : "PROXY no.example:1";
  if (dnsDomainIs(host, ".corp.example")) {
    if (dnsDomainLevels(host) > 2)
      return "PROXY deep.corp.example:3128";
    return "DIRECT";
  }
  if (url.substring(0, 4) == "ftp:")
    return "SOCKS5 socks.corp.example:1080";
  if (shExpMatch(url, "http://*/downloads/*.iso") || shExpMatch(url, "http://*/file-?.bin"))
    return "PROXY bulk.corp.example:3128";
  // Private networks go direct (only addresses are tested: resolving every
  // name here would put a DNS query in front of every request).
  if (/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host) &&
      (isInNet(host, "10.0.0.0", "255.0.0.0") || isInNet(host, "192.168.0.0", "255.255.0.0")))
    return "DIRECT";
  // Branch offices (the phone's own address says where it is).
  if (isInNet(myIpAddress(), "172.16.0.0", "255.240.0.0"))
    return "HTTPS branch-proxy.example:443; " + MAIN;
  return MAIN;
}

// Microsoft's extension: preferred when defined. IPv6 rules here, the rest
// as above.
function FindProxyForURLEx(url, host) {
  if (host.indexOf(":") >= 0) {
    if (isInNetEx(host, "2001:db8::/32"))
      return "PROXY [2001:db8::3128]:3128";
    if (isInNetEx(host, "fe80::/10"))
      return "DIRECT";
    return "PROXY v6-other.example:1";
  }
  if (dnsDomainIs(host, ".v6.example")) {
    var name = host.split(".")[0];
    var ok = false;
    if (name == "sort")
      ok = sortIpAddressList("10.0.0.2;2001:db8::2;10.0.0.1;2001:db8::1") ==
           "2001:db8::1;2001:db8::2;10.0.0.1;10.0.0.2";
    else if (name == "sortbad")
      ok = sortIpAddressList("10.0.0.1;not-an-address") === false;
    else if (name == "myex")
      ok = myIpAddressEx() == "172.16.5.10;2001:db8:1::10";
    else if (name == "resolvable")
      ok = isResolvableEx("localhost");
    else if (name == "unresolvable")
      ok = !isResolvableEx("nothing.invalid") && dnsResolveEx("nothing.invalid") == "";
    else if (name == "resolveex")
      ok = dnsResolveEx("2001:db8::7") == "2001:db8::7" && dnsResolve("2001:db8::7") === null;
    else if (name == "innetex4")
      ok = isInNetEx("198.51.100.7", "198.51.100.0/24") && !isInNetEx("198.51.101.7", "198.51.100.0/24");
    else if (name == "version")
      ok = getClientVersion() == "1.0";
    return ok ? "PROXY yes.example:1" : "PROXY no.example:1";
  }
  return FindProxyForURL(url, host);
}
