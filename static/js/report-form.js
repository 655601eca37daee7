// Progressive enhancement of the report form; the form works fully without this file.
// - place selects load the next level without a page reload;
// - the print button on the confirmation page;
// - with files chosen, the text is sent first and each file follows with progress, so a dropped
//   connection loses no text (the server's /report/text and /track/files endpoints).
(function () {
  'use strict';

  var LEVELS = ['prefecture', 'county', 'township', 'village'];

  /** The id of the select one level below `select`'s, or undefined under a village. */
  function levelBelow(select) {
    var index = LEVELS.indexOf(select.getAttribute('data-level'));
    return index >= 0 ? LEVELS[index + 1] : undefined;
  }

  /** A place select's fixed choices, in its HTML whatever is loaded: "please choose" and "other". */
  function isFixedChoice(option) { return option.value === '' || option.value === 'other'; }

  function clearAfter(select) {
    var index = LEVELS.indexOf(select.getAttribute('data-level'));
    for (var i = index + 1; i < LEVELS.length; i++) {
      var below = document.getElementById(LEVELS[i]);
      if (!below) continue;
      var keep = [];
      for (var j = 0; j < below.options.length; j++) {
        if (isFixedChoice(below.options[j])) keep.push(below.options[j]);
      }
      below.innerHTML = '';
      keep.forEach(function (o) { o.selected = o.value === ''; below.appendChild(o); });
    }
  }

  function loadChildren(select) {
    var next = levelBelow(select);
    clearAfter(select);
    if (!next || !select.value) return;
    var target = document.getElementById(next);
    // Only the latest request for a level fills it: an earlier answer arriving late adds nothing.
    var token = String(Math.random());
    target.setAttribute('data-loading', token);
    fetch('/regions/' + encodeURIComponent(select.value) + '/children', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        if (target.getAttribute('data-loading') !== token) return;
        var other = target.querySelector('option[value="other"]');
        rows.forEach(function (row) {
          var o = document.createElement('option');
          o.value = row.code;
          o.textContent = row.name;
          target.insertBefore(o, other);
        });
      })
      .catch(function () { /* the refresh button still works */ });
  }

  /** Whether a place select holds only its fixed choices ("please choose", "other"): its level was never loaded. */
  function unloaded(select) {
    for (var i = 0; i < select.options.length; i++) if (!isFixedChoice(select.options[i])) return false;
    return true;
  }

  // Back to the form from another page: the browser gives the selects their chosen values again,
  // but a level the script had loaded comes back empty (its options were never in the page's HTML),
  // and with the refresh button hidden there was no way on but to choose the city again. Each level
  // under a chosen one that came back empty is loaded again.
  function reloadEmptyLevels(form) {
    Array.prototype.forEach.call(form.querySelectorAll('select[data-level]'), function (select) {
      var next = levelBelow(select);
      var target = next && document.getElementById(next);
      if (select.value && target && unloaded(target)) loadChildren(select);
    });
  }

  // Run at load and again on a form the staged send below brings back with messages: the swapped-in
  // markup is new, and without this its place selects would need the no-script refresh button.
  function enhanceForm() {
    var form = document.getElementById('report-form');
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll('select[data-level]'), function (select) {
        select.addEventListener('change', function () { loadChildren(select); });
      });
      Array.prototype.forEach.call(form.querySelectorAll('.js-hide'), function (el) { el.hidden = true; });
      reloadEmptyLevels(form);
    }
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }
  enhanceForm();
  document.addEventListener('report-form:shown-again', enhanceForm);
  // The browser gives the selects their values back after this script ran (a page not kept in the
  // back-forward cache, as this one with no-store): look again once it has.
  window.addEventListener('pageshow', function () {
    var form = document.getElementById('report-form');
    if (form) reloadEmptyLevels(form);
  });

  Array.prototype.forEach.call(document.querySelectorAll('.js-print'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();

// Slow connections (issue 3): with files chosen, the text is sent first, so a dropped connection
// loses no text; the confirmation with the query code then shows at once and the files follow
// one by one with progress, through the follow-up session the server opened for this report.
//
// When the text comes back with messages (a landline with the texts box ticked, a missing field, an
// expired page), the server never saw the files: the villager's own file field, with her files still
// chosen, is moved into the form that came back, and the next submit sends them once, the same way.
// Where a browser could not keep them, the notice beside the field names the files to pick again.
//
// When the answer is not OK and holds no form (the busy page for a 429 or 503, a proxy's error page,
// a 500), or is not one of the portal's pages at all (a Wi-Fi sign-in page answering 200 for every
// address), nothing is swapped in: that page's "press Back" loses text and files in most phone
// browsers. The form stays as it is, the send button works again, and a message beside it says the
// report is not sent yet, nothing is lost, and to press send again after a while.
(function () {
  'use strict';
  if (!window.fetch || !window.FormData || !window.DOMParser) return;
  /** The form on the page now: the first one, or the one the server sent back with messages. */
  var form = null;

  function text(name) { return form.getAttribute('data-' + name) || ''; }

  function replaceMain(doc) {
    var main = document.getElementById('main');
    var next = doc.getElementById('main');
    if (!main || !next) { document.documentElement.innerHTML = doc.documentElement.innerHTML; return null; }
    main.innerHTML = next.innerHTML;
    document.title = doc.title;
    window.scrollTo(0, 0);
    return main;
  }

  /** Minutes to wait, rounded up, from Retry-After (seconds or a date); one when it says nothing. */
  function waitMinutes(retryAfter) {
    var value = retryAfter || '';
    var seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
    return seconds > 0 ? Math.ceil(seconds / 60) : 1;
  }

  /** The answer had no form: everything stays; the send button works again, and the message says why. */
  function keepForm(kept, retryAfter) {
    kept.removeAttribute('data-sending');
    var button = kept.querySelector('button[type="submit"]:not([name])');
    if (button) button.disabled = false;
    var message = document.getElementById('send-problem');
    if (!message) return;
    message.textContent = text('kept-not-sent').replace('{minutes}', String(waitMinutes(retryAfter)));
    message.hidden = false;
    message.focus();
  }

  function problemText(problem) { return (text('problem-' + problem) || '').trim() || text('failed'); }
  function notSent(problem) { return text('not-sent').replace('{reason}', problemText(problem)); }

  // What the server will refuse anyway, known before a byte is sent (issue 20 item 1): an 11th file,
  // one over the size limit, an empty one. The type is left to the server, which judges every file
  // by its content (a HEIC photo chosen through "all files" is outside `accept` on purpose, and is
  // still taken: src/evidence/media/formats.ts).
  function refusedBeforeSending(file, index) {
    var maxFiles = Number(text('max-files')) || 0;
    var maxBytes = Number(text('max-file-bytes')) || 0;
    if (maxFiles && index >= maxFiles) return 'too_many';
    if (maxBytes && file.size > maxBytes) return 'too_large';
    if (file.size === 0) return 'empty';
    return null;
  }

  /** Sends one file; resolves true when the server kept it. A refusal shows the server's reason. */
  function upload(file, csrf, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append('evidence', file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/track/files?_csrf=' + encodeURIComponent(csrf));
      xhr.setRequestHeader('Accept', 'application/json');
      var bar = row.querySelector('progress');
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
      xhr.onload = function () {
        var result = null;
        try { result = JSON.parse(xhr.responseText); } catch (e) { result = null; }
        var ok = xhr.status === 200 && result && result.ok && result.files && result.files.length;
        // The same content as a file the report holds (picked twice): kept once, and said so.
        var already = !ok && xhr.status === 200 && result && result.ok && result.already && result.already.length;
        var problem = !ok && result && result.fileProblems && result.fileProblems[0] ? result.fileProblems[0].problem : null;
        // A recording made in this page carries no place or device details to remove: say so
        // instead of the warning meant for photos and phone recordings (issue 20 item 11).
        var recordedHere = /^voice-\d{4}-/.test(file.name);
        row.querySelector('.status').textContent = ok ? (result.files[0].cleaned ? text('cleaned') : recordedHere ? text('recorded-here') : text('not-cleaned')) : already ? text('already') : problem ? notSent(problem) : text('failed');
        bar.hidden = true;
        resolve(!!(ok || already));
      };
      xhr.onerror = function () { row.querySelector('.status').textContent = text('failed'); bar.hidden = true; resolve(false); };
      xhr.send(data);
    });
  }

  function sameFiles(input, files) {
    var now = input.files || [];
    if (now.length !== files.length) return false;
    for (var i = 0; i < files.length; i++) if (now[i].name !== files[i].name || now[i].size !== files[i].size) return false;
    return true;
  }

  /**
   * The form came back with messages: put the villager's own file field (and the recording panel
   * whose list matches it, voice-report.js) in place of the empty ones, so her files stay chosen;
   * say so beside the field, or name the files to pick again where they could not be kept.
   */
  function showAgain(next, input, panel, files) {
    var fresh = document.getElementById('evidence');
    if (fresh && fresh !== input) fresh.parentNode.replaceChild(input, fresh);
    var freshPanel = document.getElementById('voice-report');
    if (panel && freshPanel && freshPanel !== panel) freshPanel.parentNode.replaceChild(panel, freshPanel);
    // Judged on the field now in the form, whatever the browser did with the move.
    var chosen = document.getElementById('evidence');
    if (chosen && !sameFiles(chosen, files) && typeof DataTransfer === 'function') {
      try {
        var transfer = new DataTransfer();
        files.forEach(function (f) { transfer.items.add(f); });
        chosen.files = transfer.files;
      } catch (e) { /* this browser cannot set files: the notice asks to pick them again */ }
    }
    var note = document.getElementById('evidence-kept');
    if (note && chosen) {
      var kept = sameFiles(chosen, files);
      var names = files.map(function (f) { return f.name; }).join(note.getAttribute('data-separator') || '、');
      note.textContent = kept ? note.getAttribute('data-kept').replace('{files}', names) : note.getAttribute('data-repick') + ' ' + names;
      note.className = kept ? 'notice ok' : 'notice warn';
      note.hidden = false;
      // Files chosen anew replace the old ones (a file field never adds): the note would be stale.
      chosen.onchange = function () { note.hidden = true; };
    }
    bind(next);
    document.dispatchEvent(new Event('report-form:shown-again'));
  }

  function bind(next) {
    if (!next || next.getAttribute('data-staged') !== '1' || !document.getElementById('evidence')) return;
    form = next;
    form.addEventListener('submit', send);
  }

  function send(event) {
    var input = document.getElementById('evidence');
    var submitter = event.submitter;
    if (submitter && submitter.name === 'action') return; // "show the next level" stays a plain POST
    // A second tap while the text is on its way would file the report twice.
    if (form.getAttribute('data-sending') === '1') { event.preventDefault(); return; }
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length === 0) return;
    // A report whose only content is its files (a recording, no words) goes whole, in one request,
    // as without script: staged, its empty text would be filed first, and the report stay empty if
    // the recording were then refused (too large, the network's budget) while the page said received.
    var description = form.querySelector('[name="description"]');
    if (!description || description.value.trim() === '') return;
    event.preventDefault();
    form.setAttribute('data-sending', '1');
    var message = document.getElementById('send-problem');
    if (message) message.hidden = true;
    var panel = document.getElementById('voice-report');
    var body = new FormData(form);
    body.delete('evidence');
    body.append('staged', '1');
    var csrf = text('csrf');
    var labels = { title: text('uploads-title'), uploading: text('uploading'), wait: text('wait'), done: text('done') };
    form.querySelector('button[type="submit"]:not([name])').disabled = true;
    var sent = form;
    var answered = false;
    // form.action would be the button named "action" (DOM named access), not the attribute.
    fetch(form.getAttribute('action'), { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (res) { return res.text().then(function (html) { return { ok: res.ok, html: html, retryAfter: res.headers.get('Retry-After') }; }); })
      .then(function (res) {
        answered = true;
        var doc = new DOMParser().parseFromString(res.html, 'text/html');
        // Not OK and no form, or not one of the portal's pages at all (a Wi-Fi sign-in page answers 200): the form stays.
        if ((!res.ok && !doc.getElementById('report-form')) || !doc.getElementById('main')) return keepForm(sent, res.retryAfter);
        var main = replaceMain(doc);
        var again = main && document.getElementById('report-form');
        if (again) return showAgain(again, input, panel, files);
        if (!res.ok || !main || !document.getElementById('query-code')) return;
        var section = document.createElement('section');
        section.className = 'staged-uploads';
        section.innerHTML = '<h2></h2><p class="notice warn" role="status"></p><ul></ul>';
        section.querySelector('h2').textContent = labels.title;
        var status = section.querySelector('p');
        status.textContent = labels.wait;
        var list = section.querySelector('ul');
        // Below the query code's "write it down" warning, not between the two (issue 20 item 11).
        var anchor = document.getElementById('query-code-keep') || document.getElementById('query-code').closest('p');
        anchor.parentNode.insertBefore(section, anchor.nextSibling);
        var chain = Promise.resolve();
        var failed = 0;
        files.forEach(function (file, index) {
          var row = document.createElement('li');
          row.innerHTML = '<span class="name"></span> — <span class="status"></span> <progress value="0" max="1"></progress>';
          row.querySelector('.name').textContent = file.name;
          list.appendChild(row);
          var refused = refusedBeforeSending(file, index);
          if (refused) {
            row.querySelector('.status').textContent = notSent(refused);
            row.querySelector('progress').hidden = true;
            failed++;
            return;
          }
          row.querySelector('.status').textContent = labels.uploading;
          chain = chain.then(function () { return upload(file, csrf, row); }).then(function (ok) { if (!ok) failed++; });
        });
        // Honest at the end: "all uploaded" only when every file was kept (issue 20 item 1).
        chain.then(function () {
          // The follow-up session opened for these files ends with them: on a shared phone, whoever
          // taps 查询办理进度 next must type the query code, as after any other visit.
          fetch('/track/signout?_csrf=' + encodeURIComponent(csrf), { method: 'POST', credentials: 'same-origin' }).catch(function () { /* it ends when idle */ });
          if (failed === 0) { status.textContent = labels.done; status.className = 'notice ok'; return; }
          status.textContent = text('some-failed').replace('{count}', String(failed));
          status.className = 'notice warn';
        });
      })
      // No answer (the connection dropped): the browser posts the form itself, files and all.
      // Once an answer is on the page, a mistake in this script must not post anything unasked.
      .catch(function () { if (!answered) sent.submit(); });
  }

  bind(document.getElementById('report-form'));
})();

// After the form was posted, the address bar shows /report?_csrf=… (a multipart form carries its
// token in the query): the confirmation replaces it with /report, so the token is not left in the
// history or shown to someone looking over a shoulder, and a reload opens a new form instead of
// asking to post again (issue 20 item 11). Without script the address stays; the token is spent.
(function () {
  'use strict';
  if (!window.history || !history.replaceState || !document.getElementById('query-code')) return;
  if (/[?&]_csrf=/.test(location.search)) history.replaceState(null, '', location.pathname);
})();
