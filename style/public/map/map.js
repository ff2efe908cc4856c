// The browser's maps, drawn with Leaflet (npm `leaflet`, copied beside this file by
// `make build`) on the instance's own tiles (`/karten/kacheln.json`); without tiles, the
// districts on a plain background. Nothing is requested from another origin.
//
// - `.proposal-map` (`?view=map` on a procedure's page): the proposals, gathered by the
//   server into clusters for each view (`/api/v1/procedures/{slug}/proposals/clusters`);
//   a proposal's details are loaded when its popup opens. The markers in view are listed
//   below the map as buttons: a proposal opens its popup (Escape returns to its button); a
//   cluster zooms in on its proposals, or lists them when they share one position (or the
//   map cannot zoom further).
// - `.place-picker` (the form for a new proposal): a click on the map places the
//   proposal's point (the form's `geometry`, precision `exact`); by keyboard, Enter places
//   it at the centre of the map, under the cross; "use my location" asks the device only
//   when pressed.
//
// Both pan with the arrow keys and zoom with + and -, and announce each new view or point.
// Loaded once per document, as a module: it draws every map once the page has hydrated,
// and those that appear later (the app moves between pages without reloading). The page's
// own code never waits for it; without it, the list and the address field do the work.

const TEXTS = {
  de: {
    region: 'Karte der Vorschläge',
    help: 'Pfeiltasten verschieben die Karte, Plus und Minus zoomen. Die Vorschläge im Kartenausschnitt stehen in der Liste unter der Karte.',
    listHeading: 'Im Kartenausschnitt',
    proposal: (n) => `Vorschlag Nr. ${n}`,
    cluster: (n) => `${n} Vorschläge an dieser Stelle`,
    nearby: (n) => `${n} Vorschläge in der Nähe, heranzoomen`,
    view: (z, n) => `Zoomstufe ${z}: ${n === 1 ? 'ein Vorschlag' : `${n} Vorschläge`} im Ausschnitt.`,
    empty: 'In diesem Ausschnitt liegt kein Vorschlag.',
    none: 'Noch hat kein Vorschlag einen Ort.',
    incomplete: 'Die Karte zeigt die ersten 100.000 Vorschläge mit Ort.',
    failed: 'Die Karte konnte nicht geladen werden. Die Liste zeigt alle Vorschläge.',
    loading: 'Wird geladen …',
    more: (n) => `und ${n} weitere`,
    open: 'Vorschlag öffnen',
    comments: (n) => (n === 1 ? '1 Kommentar' : `${n} Kommentare`),
    zoomIn: 'Heranzoomen',
    zoomOut: 'Herauszoomen',
    close: 'Schließen',
    pickerRegion: 'Karte zum Setzen des Orts',
    pickerHelp: 'Optional: Klicken Sie in die Karte, um den genauen Ort zu setzen. Mit der Tastatur: die Karte mit den Pfeiltasten verschieben, mit Plus und Minus zoomen, dann mit der Eingabetaste den Ort in der Mitte unter dem Kreuz setzen.',
    placed: (lat, lon) => `Ort gesetzt: ${lat} Nord, ${lon} Ost. Den Stadtteil bestimmt der Server beim Speichern.`,
    unplaced: 'Kein Ort auf der Karte gesetzt.',
    locate: 'Meinen Standort verwenden',
    locating: 'Ihr Standort wird ermittelt …',
    noLocation: 'Ihr Standort ist nicht verfügbar. Setzen Sie den Ort auf der Karte oder geben Sie eine Adresse an.',
    clear: 'Ort entfernen',
    pickerFailed: 'Die Karte konnte nicht geladen werden. Geben Sie den Ort als Adresse an.',
  },
  en: {
    region: 'Map of the proposals',
    help: 'The arrow keys move the map, plus and minus zoom. The proposals in view are listed below the map.',
    listHeading: 'In the map view',
    proposal: (n) => `Proposal no. ${n}`,
    cluster: (n) => `${n} proposals at this place`,
    nearby: (n) => `${n} proposals close together, zoom in`,
    view: (z, n) => `Zoom level ${z}: ${n === 1 ? 'one proposal' : `${n} proposals`} in view.`,
    empty: 'No proposal lies in this part of the map.',
    none: 'No proposal has a place yet.',
    incomplete: 'The map shows the first 100,000 proposals with a place.',
    failed: 'The map could not be loaded. The list shows every proposal.',
    loading: 'Loading …',
    more: (n) => `and ${n} more`,
    open: 'Open the proposal',
    comments: (n) => (n === 1 ? '1 comment' : `${n} comments`),
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    close: 'Close',
    pickerRegion: 'Map to set the place',
    pickerHelp: 'Optional: click the map to set the exact place. By keyboard: move the map with the arrow keys, zoom with plus and minus, then press Enter to set the place at the centre, under the cross.',
    placed: (lat, lon) => `Place set: ${lat} north, ${lon} east. The server finds its district when you save.`,
    unplaced: 'No place set on the map.',
    locate: 'Use my location',
    locating: 'Finding your location …',
    noLocation: 'Your location is not available. Set the place on the map or give an address.',
    clear: 'Remove the place',
    pickerFailed: 'The map could not be loaded. Give the place as an address.',
  },
};

// The proposals' own filters carry over from the page's address (search applies to the
// list only: the clusters know places, not words).
const FILTERS = ['category', 'district', 'status'];
// Deepest zoom without tiles (on tiles: theirs), and when fitting proposals.
const MAX_ZOOM = 18;
const FIT_MAX_ZOOM = 16;
// A cluster lists its proposals in its popup up to this many (the server names 20).
const LISTED = 20;

const maps = new Map();
let leaflet;

function texts() {
  return document.documentElement.lang.startsWith('en') ? TEXTS.en : TEXTS.de;
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Leaflet and its stylesheet, loaded once, only by pages that show a map. */
function loadLeaflet() {
  leaflet ??= new Promise((resolve, reject) => {
    document.head.append(element('link', { rel: 'stylesheet', href: '/map/leaflet.css' }));
    const script = element('script', { src: '/map/leaflet.js' });
    script.onload = () => (window.L ? resolve(window.L) : reject(new Error('no Leaflet')));
    script.onerror = () => reject(new Error('Leaflet did not load'));
    document.head.append(script);
  });
  return leaflet;
}

async function json(url, signal) {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) return null;
  return response.json();
}

/** The filters of the page's address, as a query string's tail (`&category=…`). */
function filterParams() {
  const page = new URLSearchParams(window.location.search);
  const kept = new URLSearchParams();
  for (const key of FILTERS) {
    const value = page.get(key);
    if (value) kept.set(key, value);
  }
  const text = kept.toString();
  return text ? `&${text}` : '';
}

/** The view as the clusters endpoint takes it (degrees, clamped to the world). */
function bboxOf(bounds) {
  const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
  const west = clamp(bounds.getWest(), 180);
  const east = clamp(bounds.getEast(), 180);
  const south = clamp(bounds.getSouth(), 90);
  const north = clamp(bounds.getNorth(), 90);
  if (!(west < east && south < north)) return null;
  return [west, south, east, north].map((n) => n.toFixed(6)).join(',');
}

/** A proposal as the open data describes it (`proposals.geojson`, one feature from `id`). */
async function proposalFeature(slug, id) {
  const url = `/api/v1/procedures/${encodeURIComponent(slug)}/proposals.geojson?after=${id - 1}&limit=1${filterParams()}`;
  const collection = await json(url);
  const feature = collection?.features?.[0];
  return feature && feature.id === id ? feature : null;
}

/** The link to a proposal's page, by path (the open data's addresses are absolute). */
function proposalLink(feature, t) {
  const path = new URL(feature.properties.url, window.location.origin).pathname;
  return element('a', { href: path }, feature.properties.title || t.proposal(feature.id));
}

function proposalPopup(feature, t) {
  const box = element('div', { class: 'map-popup' });
  const heading = element('p', { class: 'map-popup__title' });
  heading.append(proposalLink(feature, t));
  box.append(element('p', { class: 'map-popup__kicker' }, t.proposal(feature.id)), heading);
  const facts = [
    feature.properties.category,
    feature.properties.district?.name,
    t.comments(feature.properties.comments ?? 0),
  ].filter(Boolean);
  box.append(element('p', {}, facts.join(' · ')));
  return box;
}

async function clusterPopup(slug, cluster, t) {
  const box = element('div', { class: 'map-popup' });
  box.append(element('p', { class: 'map-popup__kicker' }, t.cluster(cluster.count)));
  const ids = cluster.proposals.slice(0, LISTED);
  const found = (await Promise.all(ids.map((id) => proposalFeature(slug, id)))).filter(Boolean);
  const list = element('ul', { class: 'map-popup__list' });
  for (const feature of found) {
    const item = element('li');
    item.append(proposalLink(feature, t));
    list.append(item);
  }
  box.append(list);
  if (cluster.count > found.length) box.append(element('p', {}, t.more(cluster.count - found.length)));
  return box;
}

/**
 * A map in `canvas` with the zoom buttons, the instance's tiles (if any) and the districts'
 * outlines; null when Leaflet could not be had or the container left the page meanwhile.
 * `extra` is fetched alongside (the data the kind of map needs first).
 */
async function baseMap(container, canvas, t, extra) {
  let L;
  try {
    L = await loadLeaflet();
  } catch {
    return null;
  }
  if (!container.isConnected) return null;
  const map = L.map(canvas, {
    zoomControl: false,
    attributionControl: false,
    maxZoom: MAX_ZOOM,
    keyboardPanDelta: 120,
  });
  maps.set(container, map);
  L.control.zoom({ zoomInTitle: t.zoomIn, zoomOutTitle: t.zoomOut }).addTo(map);
  const attribution = L.control.attribution({ prefix: 'Leaflet' }).addTo(map);
  const [tiles, districts, data] = await Promise.all([
    json('/karten/kacheln.json').catch(() => null),
    json('/api/v1/districts').catch(() => null),
    extra().catch(() => null),
  ]);
  if (!container.isConnected) return null;
  if (tiles?.tiles?.[0]) {
    map.setMaxZoom(Math.min(MAX_ZOOM, tiles.maxzoom ?? MAX_ZOOM));
    L.tileLayer(tiles.tiles[0], {
      minZoom: tiles.minzoom ?? 0,
      maxZoom: tiles.maxzoom ?? MAX_ZOOM,
    }).addTo(map);
    // The attribution is text; Leaflet shows markup, so it is escaped.
    attribution.addAttribution(element('span', {}, tiles.attribution ?? '').innerHTML);
  } else {
    container.classList.add('map--plain');
  }
  const outlines = districts?.features?.length
    ? L.geoJSON(districts, {
        interactive: false,
        style: { color: '#5a6b7b', weight: 1.5, fill: true, fillColor: '#ffffff', fillOpacity: 0.5 },
      }).addTo(map)
    : null;
  return { L, map, outlines, data };
}

/** Shows `bounds` if there are any, else the districts, else Germany. */
function fit(map, bounds, outlines) {
  if (bounds?.isValid()) {
    map.fitBounds(bounds.pad(0.1), { maxZoom: FIT_MAX_ZOOM });
  } else if (outlines) {
    map.fitBounds(outlines.getBounds());
  } else {
    map.setView([51.16, 10.45], 6);
  }
}

/** The parts every map has: its help, its canvas (a named region) and its live status. */
function frame(container, kind, t, region, helpText) {
  const helpId = `${kind}-help-${container.dataset.slug}`;
  const help = element('p', { class: 'map__help', id: helpId }, helpText);
  const canvas = element('div', {
    class: `map__canvas ${kind}__canvas`,
    role: 'region',
    'aria-label': region,
    'aria-describedby': helpId,
  });
  const status = element('p', { class: 'map__status', role: 'status' }, t.loading);
  return { help, canvas, status };
}

async function mountList(container) {
  const t = texts();
  const slug = container.dataset.slug;
  container.classList.add('map--live');
  const { help, canvas, status } = frame(container, 'proposal-map', t, t.region, t.help);
  const listHeading = element('h3', { class: 'proposal-map__heading' }, t.listHeading);
  const list = element('ul', { class: 'proposal-map__list' });
  container.append(help, canvas, status, listHeading, list);

  const base = `/api/v1/procedures/${encodeURIComponent(slug)}/proposals/clusters`;
  const drawn = await baseMap(container, canvas, t, () => json(`${base}?zoom=0${filterParams()}`));
  if (!drawn) {
    if (container.isConnected) status.textContent = t.failed;
    return;
  }
  const { L, map, outlines, data: everything } = drawn;
  if (!everything) {
    status.textContent = t.failed;
    return;
  }
  // Where the proposals are; else the districts; else Germany.
  const boxes = everything.features.map((f) => f.properties.bbox);
  fit(map, boxes.length ? L.latLngBounds(boxes.flatMap(([w, s, e, n]) => [[s, w], [n, e]])) : null, outlines);

  const markers = L.layerGroup().addTo(map);
  let asked = 0;
  let controller;
  let opener;

  async function openPopup(cluster, latlng, from) {
    opener = from && { button: from, key: from.dataset.key };
    const popup = L.popup({ maxWidth: 320, autoPanPadding: [24, 24] })
      .setLatLng(latlng)
      .setContent(element('p', {}, t.loading))
      .openOn(map);
    let content;
    if (cluster.count === 1) {
      const feature = await proposalFeature(slug, cluster.proposals[0]);
      content = feature ? proposalPopup(feature, t) : element('p', {}, t.failed);
    } else {
      content = await clusterPopup(slug, cluster, t);
    }
    if (!popup.isOpen()) return;
    popup.setContent(content);
    const close = popup.getElement()?.querySelector('.leaflet-popup-close-button');
    close?.setAttribute('aria-label', t.close);
    close?.setAttribute('title', t.close);
    if (from) content.querySelector('a')?.focus();
  }

  // A cluster opens as a list where zooming cannot part it: its proposals share one
  // position, or the map is at its deepest zoom.
  function opensAsList({ bbox: [west, south, east, north] }) {
    return (west === east && south === north) || map.getZoom() >= map.getMaxZoom();
  }

  function activate(cluster, from) {
    const [west, south, east, north] = cluster.properties.bbox;
    const latlng = L.latLng(cluster.geometry.coordinates[1], cluster.geometry.coordinates[0]);
    const single = { count: cluster.properties.count, proposals: cluster.properties.proposals };
    if (single.count === 1 || opensAsList(cluster.properties)) {
      openPopup(single, latlng, from);
    } else {
      map.fitBounds(L.latLngBounds([south, west], [north, east]).pad(0.2), { maxZoom: map.getMaxZoom() });
      if (from) canvas.focus();
    }
  }

  function labelOf(cluster) {
    const { count, proposals } = cluster.properties;
    if (count === 1) return t.proposal(proposals[0]);
    return opensAsList(cluster.properties) ? t.cluster(count) : t.nearby(count);
  }

  function draw(collection) {
    // The list is drawn anew for each view; a button that had the focus keeps it (the
    // same markers' new button, else the map).
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    markers.clearLayers();
    list.replaceChildren();
    let shown = 0;
    for (const cluster of collection.features) {
      const count = cluster.properties.count;
      shown += count;
      const label = labelOf(cluster);
      const [lon, lat] = cluster.geometry.coordinates;
      const icon = L.divIcon({
        className: count === 1 ? 'map-marker' : 'map-marker map-marker--cluster',
        html: count === 1 ? '' : `<span>${Number(count)}</span>`,
        iconSize: count === 1 ? [20, 20] : [34, 34],
      });
      const marker = L.marker([lat, lon], { icon, keyboard: false, title: label }).addTo(markers);
      marker.getElement()?.setAttribute('aria-hidden', 'true');
      marker.on('click', () => activate(cluster, null));
      const button = element('button', { type: 'button', class: 'button--quiet' }, label);
      button.dataset.key = `${count}:${cluster.properties.proposals[0]}`;
      button.addEventListener('click', () => activate(cluster, button));
      const item = element('li');
      item.append(button);
      list.append(item);
    }
    if (focused) {
      const again = [...list.querySelectorAll('button')].find((b) => b.dataset.key === focused);
      (again ?? canvas).focus();
    }
    let text = t.view(map.getZoom(), shown);
    if (!everything.features.length) text = t.none;
    else if (!collection.features.length) text = t.empty;
    status.textContent = collection.complete === false ? `${text} ${t.incomplete}` : text;
  }

  async function refresh() {
    const bbox = bboxOf(map.getBounds());
    const ask = ++asked;
    controller?.abort();
    controller = new AbortController();
    const url = `${base}?zoom=${map.getZoom()}${bbox ? `&bbox=${bbox}` : ''}${filterParams()}`;
    let collection;
    try {
      collection = await json(url, controller.signal);
    } catch {
      return;
    }
    if (ask !== asked || !container.isConnected) return;
    if (!collection) {
      status.textContent = t.failed;
      return;
    }
    draw(collection);
  }

  map.on('moveend', refresh);
  // Back to the button that opened the popup; the list may have been drawn anew meanwhile
  // (the popup moved the map), then to the button of the same markers.
  map.on('popupclose', () => {
    if (opener) {
      const again = opener.button.isConnected
        ? opener.button
        : [...list.querySelectorAll('button')].find((b) => b.dataset.key === opener.key);
      (again ?? canvas).focus();
    }
    opener = null;
  });
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') map.closePopup();
  });
  refresh();
}

async function mountPicker(container) {
  const t = texts();
  const slug = container.dataset.slug;
  container.classList.add('map--live');
  const { help, canvas, status } = frame(container, 'place-picker', t, t.pickerRegion, t.pickerHelp);
  // Where the form's error summary leads for a refused point.
  canvas.id = 'field-geometry';
  // Named only once a point is set: an empty field would be a refused geometry.
  const geometry = element('input', { type: 'hidden' });
  const precision = element('input', { type: 'hidden', value: 'exact' });
  const actions = element('p', { class: 'place-picker__actions' });
  const locate = element('button', { type: 'button', class: 'button--quiet' }, t.locate);
  const clear = element('button', { type: 'button', class: 'button--quiet' }, t.clear);
  clear.hidden = true;
  if ('geolocation' in navigator) actions.append(locate, ' ');
  actions.append(clear);
  container.append(help, canvas, status, actions, geometry, precision);

  // The procedure's area, where it has one (`data-area`); else the districts frame the map.
  const area = `/api/v1/procedures/${encodeURIComponent(slug)}/area`;
  const drawn = await baseMap(container, canvas, t, async () => ('area' in container.dataset ? json(area) : null));
  if (!drawn) {
    if (container.isConnected) status.textContent = t.pickerFailed;
    return;
  }
  const { L, map, outlines, data: feature } = drawn;
  const shape = feature?.geometry
    ? L.geoJSON(feature, { interactive: false, style: { color: '#0b5cad', weight: 2.5, fill: false } }).addTo(map)
    : null;
  fit(map, shape?.getBounds(), outlines);

  let marker = null;
  const round = (n) => Math.round(n * 1e6) / 1e6;
  function place(at) {
    const latlng = at.wrap();
    geometry.name = 'geometry';
    geometry.value = JSON.stringify({ type: 'Point', coordinates: [round(latlng.lng), round(latlng.lat)] });
    precision.name = 'precision';
    marker ??= L.marker(latlng, {
      icon: L.divIcon({ className: 'map-marker', iconSize: [20, 20] }),
      keyboard: false,
      interactive: false,
    }).addTo(map);
    marker.setLatLng(latlng);
    marker.getElement()?.setAttribute('aria-hidden', 'true');
    clear.hidden = false;
    status.textContent = t.placed(latlng.lat.toFixed(5), latlng.lng.toFixed(5));
  }
  map.on('click', (event) => place(event.latlng));
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target === canvas) {
      event.preventDefault();
      place(map.getCenter());
    }
  });
  clear.addEventListener('click', () => {
    geometry.removeAttribute('name');
    precision.removeAttribute('name');
    marker?.remove();
    marker = null;
    clear.hidden = true;
    status.textContent = t.unplaced;
    canvas.focus();
  });
  // The device is asked only when the button is pressed.
  locate.addEventListener('click', () => {
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const at = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(at, Math.max(map.getZoom(), FIT_MAX_ZOOM));
        place(at);
      },
      () => {
        status.textContent = t.noLocation;
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  });
  status.textContent = t.unplaced;
}

function unmountGone() {
  for (const [container, map] of maps) {
    if (!container.isConnected) {
      map.remove();
      maps.delete(container);
    }
  }
}

function mountAll() {
  for (const container of document.querySelectorAll('.proposal-map:not([data-drawn])')) {
    container.setAttribute('data-drawn', '');
    mountList(container);
  }
  for (const container of document.querySelectorAll('.place-picker:not([data-drawn])')) {
    container.setAttribute('data-drawn', '');
    mountPicker(container);
  }
}

function start() {
  mountAll();
  new MutationObserver(() => {
    unmountGone();
    mountAll();
  }).observe(document.body, { childList: true, subtree: true });
}

// After hydration: until then the page's nodes are the app's to claim.
if (document.documentElement.hasAttribute('data-hydrated')) {
  start();
} else {
  const waiting = new MutationObserver(() => {
    if (document.documentElement.hasAttribute('data-hydrated')) {
      waiting.disconnect();
      start();
    }
  });
  waiting.observe(document.documentElement, { attributes: true, attributeFilter: ['data-hydrated'] });
}
