// crmport's page: plain JavaScript, no build step. Every step asks the
// local server, which runs crmport's jobs; this file only shows them.
'use strict';

const T = JSON.parse(document.getElementById('strings').textContent);
let vendors = JSON.parse(document.getElementById('vendors').textContent);
const $ = (id) => document.getElementById(id);
const state = {file: '', vendor: '', yaml: '', fields: [], running: false};

function t(key, ...args) {
  let s = T[key] || key;
  for (const a of args) s = s.replace(/%[sdq]|%\.1f/, typeof a === 'number' && /%\.1f/.test(s) ? a.toFixed(1) : a);
  return s;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

async function api(path, body) {
  const opts = body instanceof FormData ? {method: 'POST', body} :
    body !== undefined ? {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)} : {};
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({message: r.statusText}));
  if (!r.ok) throw data;
  return data;
}

function showProblem(where, p) {
  where.replaceChildren();
  if (!p) { where.hidden = true; return; }
  where.hidden = false;
  where.append(el('p', {text: p.message || String(p)}));
  if (p.list) where.append(el('ul', {}, ...p.list.map((x) => el('li', {text: x}))));
  if (p.kind === 'journal' || p.kind === 'journal-changed') {
    where.append(el('button', {type: 'button', id: 'restart', text: t('run.restart'), onclick: () => runImport(false, {restart: true})}));
    if (p.kind === 'journal-changed') where.append(el('button', {type: 'button', id: 'resume-changed', text: t('run.resumechg'), onclick: () => runImport(false, {resume_changed: true})}));
  }
}

const fileLink = (name, text) => el('a', {href: '/api/file?name=' + encodeURIComponent(name), download: name.split('/').pop(), text});

// 1. File
$('upload-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = $('file').files[0];
  if (!f) return;
  // What was shown is of the previous file.
  state.file = '';
  $('preview').replaceChildren();
  $('detect').hidden = true;
  clearMapping();
  const fd = new FormData();
  fd.append('file', f, f.name);
  try {
    const res = await api('/api/upload', fd);
    state.file = res.name;
    $('resume-note').hidden = !(res.journals && res.journals.length);
    $('d-encoding').value = ''; $('d-delimiter').value = ''; $('d-header').value = ''; $('d-sheet').replaceChildren();
    await preview();
  } catch (p) { showProblem($('problem'), p); }
});

async function preview() {
  const req = {file: state.file, encoding: $('d-encoding').value, delimiter: $('d-delimiter').value,
    sheet: $('d-sheet').value || '', header_row: Number($('d-header').value) || 0};
  try {
    const p = await api('/api/preview', req);
    $('detect').hidden = false;
    $('d-format').textContent = p.format;
    $('d-encoding').placeholder = p.encoding ? p.encoding + ' ' + t('file.sure', p.encoding_sure) : '';
    if (p.format === 'csv' && !$('d-delimiter').value) $('d-delimiter').title = p.delimiter + ' ' + t('file.sure', p.delimiter_sure);
    // Encoding and delimiter are CSV's; the sheet is a workbook's.
    for (const id of ['d-encoding', 'd-delimiter']) $(id).parentElement.hidden = p.format !== 'csv';
    $('d-sheet').parentElement.hidden = p.format !== 'xlsx';
    const sheets = [p.sheet, ...(p.other_sheets || [])].filter(Boolean);
    $('d-sheet').replaceChildren(...sheets.map((s) => el('option', {value: s, text: s})));
    $('d-sheet').value = p.sheet || '';
    $('d-header').placeholder = p.header_row;
    const head = el('tr', {}, el('th', {text: '#'}), ...p.header.map((h) => el('th', {text: h})));
    const rows = (p.rows || []).map((r) => el('tr', r.problem ? {class: 'bad', title: r.problem} : {},
      el('td', {text: r.line}), ...r.cells.map((c) => el('td', {text: c}))));
    $('preview').replaceChildren(head, ...rows);
    showProblem($('problem'), null);
  } catch (p) { showProblem($('problem'), p); }
}
// Read again: the preview, and the mapping's source: lines, so that the
// import reads the file the same way.
$('reread').addEventListener('click', async () => {
  await preview();
  if (!state.yaml) return;
  const src = {encoding: $('d-encoding').value, delimiter: $('d-delimiter').value, sheet: $('d-sheet').value || '', header_row: $('d-header').value};
  try {
    for (const [k, v] of Object.entries(src)) state.yaml = (await api('/api/mapping/set', {mapping: state.yaml, source: k, value: v})).yaml;
    await viewMapping();
  } catch (p) { showProblem($('problem'), p); }
});

// 2. CRM
function renderVendors() {
  $('vendor-list').replaceChildren(...vendors.map((v) => el('label', {},
    Object.assign(el('input', {type: 'radio', name: 'vendor', value: v.name, onchange: chooseVendor}), {checked: v.name === state.vendor}),
    ' ' + v.title + ' ')));
  renderCreds();
}

function renderCreds() {
  const v = vendors.find((x) => x.name === state.vendor);
  $('cred-form').hidden = !v || $('practice').checked;
  if (!v) return;
  $('cred-fields').replaceChildren(el('p', {text: t('crm.settings', v.title)}), ...v.settings.map((s) => el('label', {class: 'cred'},
    s.name + ' ', el('input', {name: s.name, type: s.secret ? 'password' : 'text', autocomplete: 'off', placeholder: s.default || s.description}),
    ' ', el('span', {class: 'note', text: s.from === 'page' ? t('crm.frompage') : s.from === 'environment' ? t('crm.fromenv') : ''}))));
}

// clearMapping forgets the mapping shown: it was for another file or CRM.
function clearMapping() {
  state.yaml = '';
  $('yaml').value = '';
  $('map-table').replaceChildren();
  $('constants').replaceChildren();
  $('check-out').replaceChildren();
  $('map-download').hidden = true;
  $('result').replaceChildren();
}

async function chooseVendor(ev) {
  state.vendor = ev.target.value;
  clearMapping();
  renderCreds();
  await loadFields();
}
$('practice').addEventListener('change', () => { renderCreds(); loadFields(); });

$('cred-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const values = {};
  for (const i of $('cred-fields').querySelectorAll('input')) if (i.value) values[i.name] = i.value;
  try {
    const res = await api('/api/credentials', {values});
    vendors = res.vendors;
    renderVendors();
    await loadFields();
  } catch (p) { showProblem($('problem'), p); }
});

async function loadFields() {
  if (!state.vendor) return;
  const v = vendors.find((x) => x.name === state.vendor);
  const live = $('practice').checked || (v && v.ready);
  try {
    const res = await api('/api/fields?vendor=' + state.vendor + '&practice=' + ($('practice').checked ? 1 : 0) + '&live=' + (live ? 1 : 0));
    state.fields = res.fields;
    $('fields-note').hidden = res.live;
    if (state.yaml) await viewMapping();
  } catch (p) { showProblem($('problem'), p); }
}

// 3. Mapping
$('guess').addEventListener('click', async () => {
  if (!state.file || !state.vendor) return;
  try {
    const res = await api('/api/mapping/guess', {file: state.file, vendor: state.vendor, practice: $('practice').checked, encoding: $('d-encoding').value,
      delimiter: $('d-delimiter').value, sheet: $('d-sheet').value || '', header_row: Number($('d-header').value) || 0});
    state.yaml = res.yaml;
    await viewMapping();
  } catch (p) { showProblem($('problem'), p); }
});

$('load-mapping').addEventListener('change', async () => {
  const f = $('load-mapping').files[0];
  if (!f) return;
  const fd = new FormData();
  fd.append('file', f, f.name);
  try {
    state.yaml = (await api('/api/upload', fd)).yaml;
    await viewMapping();
  } catch (p) { showProblem($('problem'), p); }
});

$('apply-yaml').addEventListener('click', async () => { state.yaml = $('yaml').value; await viewMapping(); });

function fieldChooser(row) {
  const sel = el('select', {'data-column': row.column}, el('option', {value: '', text: t('map.none')}));
  const names = new Set(state.fields.map((f) => f.name));
  if (row.field && !names.has(row.field)) sel.append(el('option', {value: row.field, text: row.field}));
  for (const f of state.fields) {
    const label = f.name + (f.label && f.label !== f.name ? ' — ' + f.label : '') + (f.required ? ' *' : '') + (f.off ? ' (' + t('map.off') + ')' : '');
    sel.append(el('option', {value: f.name, title: f.description || '', text: label}));
  }
  sel.value = row.field || '';
  sel.disabled = !!row.shared;
  sel.addEventListener('change', async () => {
    try {
      state.yaml = (await api('/api/mapping/set', {mapping: state.yaml, column: row.column, field: sel.value})).yaml;
      await viewMapping();
    } catch (p) { showProblem($('problem'), p); }
  });
  return sel;
}

// keyChooser offers the mapped fields as the key (the field that finds a
// client again when the import updates existing clients).
function keyChooser(res) {
  const sel = $('map-key');
  const mapped = [...new Set([...res.rows.map((r) => r.field), ...(res.constants || []).map((c) => c.field)].filter(Boolean))];
  if (res.key && !mapped.includes(res.key)) mapped.push(res.key);
  sel.replaceChildren(el('option', {value: '', text: t('map.nokey')}), ...mapped.map((f) => el('option', {value: f, text: f})));
  sel.value = res.key || '';
  sel.onchange = async () => {
    try {
      state.yaml = (await api('/api/mapping/set', {mapping: state.yaml, key: sel.value})).yaml;
      await viewMapping();
    } catch (p) { showProblem($('problem'), p); }
  };
}

async function viewMapping() {
  $('yaml').value = state.yaml;
  try {
    const res = await api('/api/mapping/view', {file: state.file, mapping: state.yaml});
    if (res.vendor && res.vendor !== state.vendor) { state.vendor = res.vendor; renderVendors(); await loadFields(); return; }
    const head = el('tr', {}, ...['map.column', 'map.samples', 'map.field', 'map.detail'].map((k) => el('th', {text: t(k)})));
    const rows = res.rows.map((r) => el('tr', {}, el('td', {text: r.column}), el('td', {text: r.samples.join(' · ')}),
      el('td', {}, fieldChooser(r)), el('td', {text: r.detail || ''})));
    $('map-table').replaceChildren(head, ...rows);
    $('constants').replaceChildren(...(res.constants && res.constants.length ? [el('h3', {text: t('map.constants')}),
      el('ul', {}, ...res.constants.map((c) => el('li', {text: c.field + ' = ' + c.value})))] : []));
    keyChooser(res);
    const c = res.check;
    const out = [];
    if (c.ok) out.push(el('p', {class: 'ok', text: t('map.ok')}));
    if (c.list && c.list.length) out.push(el('p', {text: c.message || t('map.problems')}), el('ul', {class: 'problem'}, ...c.list.map((x) => el('li', {text: x}))));
    if (c.report) out.push(el('pre', {text: c.report}));
    if (c.notes && c.notes.length) out.push(el('ul', {class: 'notes'}, ...c.notes.map((x) => el('li', {text: x}))));
    $('check-out').replaceChildren(...out);
    const a = $('map-download');
    a.href = '/api/file?name=' + encodeURIComponent(res.saved); a.download = res.saved; a.hidden = false;
    showProblem($('problem'), null);
  } catch (p) { showProblem($('problem'), p); }
}

// 4 and 5. Check and import
async function runImport(dry, extra) {
  if (!state.file || !state.yaml) return;
  showProblem($('problem'), null);
  $('result').replaceChildren();
  try {
    await api('/api/import', Object.assign({file: state.file, mapping: state.yaml, practice: $('practice').checked, dry_run: dry,
      mode: $('o-mode').value, max_errors: $('o-maxerrors').value, report_format: $('o-reports').value}, extra || {}));
    follow($('result'));
  } catch (p) { showProblem($('problem'), p); }
}
$('dry').addEventListener('click', () => runImport(true));
$('import').addEventListener('click', () => runImport(false));
$('stop').addEventListener('click', () => api('/api/stop', {}));

function duration(sec) {
  if (sec < 60) return Math.ceil(sec) + ' s';
  if (sec < 3600) return Math.ceil(sec / 60) + ' min';
  return (sec / 3600).toFixed(1) + ' h';
}

// follow shows the running job's progress, pushed by the server.
function follow(target) {
  const src = new EventSource('/api/events');
  src.onmessage = (m) => {
    const p = JSON.parse(m.data);
    $('progress').hidden = false;
    $('stop').disabled = !p.running;
    const bar = $('bar');
    let text;
    if (p.job === 'export') {
      bar.removeAttribute('value');
      text = t('run.pages', p.pages, p.rows);
    } else if (p.total > 0) {
      bar.max = p.total; bar.value = p.done;
      text = t('run.progress', p.done, p.total);
    } else {
      bar.removeAttribute('value');
      text = t('run.progressnt', p.done);
    }
    if (p.rate > 0) text += ' · ' + t('run.rate', p.rate);
    if (p.left > 0 && p.running) text += ' · ' + t('run.left', duration(p.left));
    $('ptext').textContent = text;
    $('notices').replaceChildren(...p.notices.map((n) => el('li', {text: n})));
    if (!p.running) {
      src.close();
      $('stop').disabled = true;
      if (p.job !== 'export') { bar.max = 1; bar.value = 1; }
      showProblem($('problem'), p.problem);
      if (p.result) (p.job === 'export' ? showExport : showImport)(target, p.result);
    }
  };
  src.addEventListener('idle', () => src.close());
}

function showImport(target, r) {
  const rows = [['res.rows', r.rows], [r.dry_run ? 'res.wouldsend' : 'res.created', r.created], ['res.updated', r.updated],
    ['res.exists', r.exists], ['res.unchanged', r.unchanged], ['res.failed', r.failed], ['res.skipped', r.skipped],
    ['res.resumed', r.resumed], ['res.notdone', r.not_processed]].filter(([k, n]) => n || k === 'res.rows' || k === 'res.failed');
  const out = [el('table', {class: 'counts', id: 'counts'}, ...rows.map(([k, n]) => el('tr', {'data-key': k}, el('th', {text: t(k)}), el('td', {text: n}))))];
  if (r.first_errors.length) {
    out.push(el('h3', {text: t('res.firsterr')}), el('table', {}, el('tr', {}, el('th', {text: t('res.row')}), el('th', {text: t('res.reason')})),
      ...r.first_errors.map((e) => el('tr', {}, el('td', {text: e.row}), el('td', {text: e.error})))));
  }
  if (r.done_report) out.push(el('p', {}, Object.assign(fileLink(r.done_report, t('res.done')), {id: 'done-report'})));
  if (r.errors_report) out.push(el('p', {}, Object.assign(fileLink(r.errors_report, t('res.errors')), {id: 'errors-report'})));
  target.replaceChildren(...out);
}

// Export
$('export').addEventListener('click', async () => {
  if (!state.vendor) return;
  const cols = document.querySelector('input[name=cols]:checked').value;
  $('exp-result').replaceChildren();
  try {
    await api('/api/export', {vendor: state.vendor, practice: $('practice').checked, columns: cols,
      fields: $('exp-fields').value.split(','), file: state.file, mapping: cols === 'mapping' ? state.yaml : '',
      filters: $('exp-filters').value, since: $('exp-since').value, until: $('exp-until').value, format: $('exp-format').value});
    follow($('exp-result'));
  } catch (p) { showProblem($('problem'), p); }
});

function showExport(target, r) {
  target.replaceChildren(r.empty ? el('p', {text: t('exp.empty')}) : el('p', {}, Object.assign(fileLink(r.file, t('exp.download', r.rows)), {id: 'export-file'})));
}

$('lang').addEventListener('change', async () => {
  await api('/api/strings?lang=' + $('lang').value);
  location.reload();
});

$('folder').textContent = t('folder', $('folder').dataset.dir);
renderVendors();
// A job still running (the page was reloaded): show it.
follow($('result'));
