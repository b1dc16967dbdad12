/*
 * Cascade Web Console pages: refresh the page's content every two seconds without a full reload, and
 * send the page's actions (forms with class "cascade-action") as POSTs that carry the X-Cascade-Console
 * header the server requires. Plain script, nothing from the internet.
 */
(function () {
  'use strict';
  var page = document.getElementById('cascade-page');
  if (!page) {
    return;
  }
  var content = document.getElementById('cascade-content');
  var message = document.getElementById('cascade-message');
  var busy = false;
  var refreshFailed = false;
  var PERIOD_MS = 2000;

  // Resolve against the origin, never against a base URL that may carry user:password@ (fetch refuses those).
  function url(path) {
    return new URL(path, window.location.origin).toString();
  }

  function say(text, kind) {
    message.textContent = text;
    message.className = 'cascade-message' + (kind ? ' ' + kind : '');
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(url(page.getAttribute('data-fragment')), {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'X-Cascade-Console': '1' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('the node answered ' + response.status);
      }
      return response.text();
    }).then(function (html) {
      content.innerHTML = html;
      page.setAttribute('data-refreshed', String(Number(page.getAttribute('data-refreshed')) + 1));
      page.setAttribute('data-stale', 'false');
      if (refreshFailed) {
        refreshFailed = false;
        say('', '');
      }
    }).catch(function (error) {
      page.setAttribute('data-stale', 'true');
      refreshFailed = true;
      say('Refresh failed (' + error.message + '); showing the last data.', 'error');
    }).finally(function () {
      busy = false;
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains('cascade-action')) {
      return;
    }
    event.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    refreshFailed = false;
    say('Sending\u2026', '');
    fetch(url(page.getAttribute('data-action')), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'X-Cascade-Console': '1',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8'
      },
      body: data.toString()
    }).then(function (response) {
      return response.text().then(function (text) {
        say(text, response.ok ? 'ok' : 'error');
      });
    }).catch(function (error) {
      say('The action was not sent: ' + error.message, 'error');
    }).finally(refresh);
  });

  setInterval(refresh, PERIOD_MS);
  refresh();
}());
