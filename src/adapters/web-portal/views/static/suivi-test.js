// Follows a line test to its verdict without reloading the page (progressive enhancement: without
// JavaScript the page has an "Actualiser" link). Server-sent events from /tests/<id>/flux carry the
// state fragment rendered and escaped by the server; the stream ends with the event "fin".
/* global document, window, EventSource */
(function () {
  'use strict';
  var region = document.getElementById('etat-test');
  if (!region || !window.EventSource) return;
  var url = region.getAttribute('data-flux');
  if (!url) return;
  var current = region.querySelector('[data-statut]');
  var statut = current ? current.getAttribute('data-statut') : '';
  if (statut === 'TERMINE' || statut === 'ECHEC') return;
  var source = new EventSource(url);
  function show(event) {
    var data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    region.innerHTML = data.html;
    if (data.fini) source.close();
  }
  source.addEventListener('etat', show);
  source.addEventListener('fin', show);
  // The server ends the stream after the verdict; any other error: stop and keep the link.
  source.onerror = function () {
    source.close();
  };
})();
