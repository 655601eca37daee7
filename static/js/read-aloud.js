// 朗读 (read aloud): reads the page's main content in Mandarin with the browser's own speech
// synthesis. Progressive enhancement: without speech synthesis the button never appears.
(function () {
  'use strict';
  var synth = window.speechSynthesis;
  var button = document.getElementById('read-aloud');
  if (!synth || typeof window.SpeechSynthesisUtterance !== 'function' || !button) return;
  var main = document.getElementById('main');
  var speaking = false;
  var labels = { start: button.getAttribute('data-start'), stop: button.getAttribute('data-stop') };
  button.hidden = false;

  function text() {
    // Read what a person sees: skip forms' hidden inputs, scripts and elements marked no-read.
    var clone = main.cloneNode(true);
    Array.prototype.forEach.call(clone.querySelectorAll('script, style, [hidden], .no-read, input[type=hidden]'), function (el) { el.remove(); });
    return clone.textContent.replace(/\s+/g, ' ').trim();
  }

  function stop() {
    synth.cancel();
    speaking = false;
    button.textContent = labels.start;
    button.setAttribute('aria-pressed', 'false');
  }

  button.addEventListener('click', function () {
    if (speaking) return stop();
    var utterance = new SpeechSynthesisUtterance(text());
    utterance.lang = document.documentElement.lang === 'ko' ? 'ko-KR' : document.documentElement.lang === 'en' ? 'en-US' : 'zh-CN';
    utterance.rate = 0.9;
    utterance.onend = stop;
    utterance.onerror = stop;
    synth.cancel();
    synth.speak(utterance);
    speaking = true;
    button.textContent = labels.stop;
    button.setAttribute('aria-pressed', 'true');
  });
  window.addEventListener('pagehide', stop);
})();
