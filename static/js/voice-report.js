// 说一说 (voice report): where the browser can record (a secure context with MediaRecorder), a button
// records a voice message and attaches it to the evidence files; it can stand in for the written
// description. Elsewhere the page keeps its hint on attaching a recording made with the phone.
(function () {
  'use strict';
  var panel = document.getElementById('voice-report');
  var input = document.getElementById('evidence');
  if (!panel || !input) return;
  var canRecord = window.isSecureContext && window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia && typeof DataTransfer === 'function';
  if (!canRecord) return;

  var start = panel.querySelector('.js-record-start');
  var stopButton = panel.querySelector('.js-record-stop');
  var status = panel.querySelector('.js-record-status');
  var fallback = panel.querySelector('.js-record-fallback');
  panel.querySelector('.js-record-controls').hidden = false;
  if (fallback) fallback.hidden = true;

  var recorder = null;
  var chunks = [];
  var type = ['audio/webm;codecs=opus', 'audio/mp4', 'audio/webm'].filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0] || '';

  function attach(blob) {
    var ext = blob.type.indexOf('mp4') >= 0 ? 'm4a' : 'webm';
    var file = new File([blob], 'voice-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-') + '.' + ext, { type: blob.type });
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { transfer.items.add(f); });
    transfer.items.add(file);
    input.files = transfer.files;
    status.textContent = status.getAttribute('data-done');
  }

  start.addEventListener('click', function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        attach(new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' }));
        start.hidden = false;
        stopButton.hidden = true;
      };
      recorder.start();
      start.hidden = true;
      stopButton.hidden = false;
      status.textContent = status.getAttribute('data-recording');
    }).catch(function () {
      status.textContent = status.getAttribute('data-denied');
      if (fallback) fallback.hidden = false;
    });
  });
  stopButton.addEventListener('click', function () { if (recorder && recorder.state !== 'inactive') recorder.stop(); });
})();
