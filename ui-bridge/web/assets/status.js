// SPDX-License-Identifier: LGPL-2.1-or-later
// Info > Status live, from /events (server-sent events):
// - "words": one section of the status screens, redrawn whole
//   ({section, lines: [{id, label, value, level}]});
// - plain messages: one D-Bus property of the details ({key, text}).
// Text only (textContent): nothing the stream says becomes markup.
// Everything else in the UI works without JavaScript.
'use strict';
(function () {
  const live = document.getElementById('live');
  const cells = new Map();
  for (const td of document.querySelectorAll('td[data-prop]')) cells.set(td.dataset.prop, td);
  const sections = new Map();
  for (const s of document.querySelectorAll('section[data-section]')) sections.set(s.dataset.section, s);

  function row(line) {
    const tr = document.createElement('tr');
    tr.className = 'level-' + line.level;
    tr.dataset.line = line.id;
    const th = document.createElement('th');
    th.textContent = line.label;
    const td = document.createElement('td');
    td.textContent = line.value;
    tr.append(th, td);
    return tr;
  }

  function redraw(section, lines) {
    const tbody = section.querySelector('tbody');
    const before = new Map();
    for (const tr of tbody.querySelectorAll('tr[data-line]')) before.set(tr.dataset.line, tr.textContent);
    const rows = lines.map(row);
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = document.createElement('td');
      td.colSpan = 2;
      td.textContent = section.dataset.empty;
      tr.append(td);
      rows.push(tr);
    }
    for (const tr of rows) {
      if (tr.dataset.line && before.get(tr.dataset.line) !== tr.textContent) tr.classList.add('changed');
    }
    tbody.replaceChildren(...rows);
  }

  const source = new EventSource('/events');
  source.addEventListener('hello', function () {
    live.dataset.state = 'on';
    live.textContent = live.dataset.on;
  });
  source.addEventListener('words', function (event) {
    const change = JSON.parse(event.data);
    const section = sections.get(change.section);
    if (section) redraw(section, change.lines);
  });
  source.onmessage = function (event) {
    const change = JSON.parse(event.data);
    const td = cells.get(change.key);
    if (td && td.textContent !== change.text) {
      td.textContent = change.text;
      td.classList.add('changed');
    }
  };
  source.onerror = function () { live.dataset.state = 'off'; };
})();
