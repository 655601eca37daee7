// Progressive enhancement of the report form; the form works fully without this file.
// - place selects load the next level without a page reload;
// - the print button on the confirmation page;
// - with files chosen, the text is sent first and each file follows with progress, so a dropped
//   connection loses no text (the server's /report/text and /track/files endpoints).
(function () {
  'use strict';

  function clearAfter(select) {
    var levels = ['prefecture', 'county', 'township', 'village'];
    var index = levels.indexOf(select.getAttribute('data-level'));
    for (var i = index + 1; i < levels.length; i++) {
      var below = document.getElementById(levels[i]);
      if (!below) continue;
      var keep = [];
      for (var j = 0; j < below.options.length; j++) {
        var v = below.options[j].value;
        if (v === '' || v === 'other') keep.push(below.options[j]);
      }
      below.innerHTML = '';
      keep.forEach(function (o) { o.selected = o.value === ''; below.appendChild(o); });
    }
  }

  function loadChildren(select) {
    var next = { prefecture: 'county', county: 'township', township: 'village' }[select.getAttribute('data-level')];
    clearAfter(select);
    if (!next || !select.value) return;
    var target = document.getElementById(next);
    fetch('/regions/' + encodeURIComponent(select.value) + '/children', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
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

  var form = document.getElementById('report-form');
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll('select[data-level]'), function (select) {
      select.addEventListener('change', function () { loadChildren(select); });
    });
    Array.prototype.forEach.call(form.querySelectorAll('.js-hide'), function (el) { el.hidden = true; });
  }

  Array.prototype.forEach.call(document.querySelectorAll('.js-print'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });

  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
