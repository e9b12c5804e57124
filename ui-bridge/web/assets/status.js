// SPDX-License-Identifier: LGPL-2.1-or-later
// Info > Status: live values from /events (server-sent events carrying
// PropertiesChanged). Everything else in the UI works without JavaScript.
'use strict';
(function () {
  const live = document.getElementById('live');
  const cells = new Map();
  for (const td of document.querySelectorAll('td[data-prop]')) cells.set(td.dataset.prop, td);
  const source = new EventSource('/events');
  source.addEventListener('hello', function () {
    live.dataset.state = 'on';
    live.textContent = live.dataset.on;
  });
  source.onmessage = function (event) {
    const change = JSON.parse(event.data);
    const td = cells.get(change.key);
    if (td) {
      td.textContent = change.text;
      td.classList.add('changed');
    }
  };
  source.onerror = function () { live.dataset.state = 'off'; };
})();
