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

  var list = panel.querySelector('.js-record-list');

  function setFiles(files) {
    var transfer = new DataTransfer();
    files.forEach(function (f) { transfer.items.add(f); });
    input.files = transfer.files;
  }

  // Each recording can be listened to and deleted before the report is sent (issue 20 item 11).
  function attach(blob) {
    var ext = blob.type.indexOf('mp4') >= 0 ? 'm4a' : 'webm';
    var file = new File([blob], 'voice-' + new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-') + '.' + ext, { type: blob.type });
    setFiles(Array.prototype.slice.call(input.files).concat([file]));
    status.textContent = status.getAttribute('data-done');
    if (!list) return;
    var url = URL.createObjectURL(blob);
    var item = document.createElement('li');
    var audio = document.createElement('audio');
    audio.controls = true;
    audio.src = url;
    var remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = list.getAttribute('data-delete');
    remove.addEventListener('click', function () {
      setFiles(Array.prototype.filter.call(input.files, function (f) { return f !== file; }));
      URL.revokeObjectURL(url);
      item.parentNode.removeChild(item);
      status.textContent = list.getAttribute('data-deleted');
      start.focus();
    });
    item.appendChild(audio);
    item.appendChild(remove);
    list.appendChild(item);
    list.hidden = false;
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
