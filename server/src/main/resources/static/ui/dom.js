// SPDX-License-Identifier: Apache-2.0
// A few DOM helpers: elements from data (no HTML strings, so nothing from the API is ever parsed as markup).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled input whose error slot is found by the API field name it carries. */
export function field(label, input, { field: apiField, hint } = {}) {
  const name = apiField || input.getAttribute('name');
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: input.id || undefined }, label),
    input,
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', role: 'alert' }));
}

export function input(name, attrs = {}) {
  return h('input', { type: 'text', name, id: `f-${name.replace(/[^a-z0-9]+/gi, '-')}`, ...attrs });
}

export function select(name, options, value, attrs = {}) {
  const s = h('select', { name, id: `f-${name.replace(/[^a-z0-9]+/gi, '-')}`, ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
  return s;
}

export function checkbox(name, label, checked, attrs = {}) {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked, ...attrs }), label);
}

/** Shows an API error next to the field it names, or above the form when it names none (or one not shown). */
export function showError(form, error) {
  clearErrors(form);
  const fieldName = error && error.field;
  const slot = fieldName ? findField(form, fieldName) : null;
  if (slot) {
    slot.classList.add('invalid');
    const prefix = `${fieldName}: `;
    slot.querySelector('.field-error').textContent = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    const control = slot.querySelector('input, select, textarea');
    if (control) control.focus();
    return;
  }
  let banner = form.querySelector('.banner.error');
  if (!banner) {
    banner = h('div', { class: 'banner error', role: 'alert' });
    form.prepend(banner);
  }
  banner.textContent = fieldName ? `${fieldName}: ${error.message}` : (error.message || String(error));
}

function findField(form, name) {
  let candidate = name;
  while (candidate) {
    const el = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (el) return el;
    const cut = Math.max(candidate.lastIndexOf('.'), candidate.lastIndexOf('['));
    candidate = cut > 0 ? candidate.slice(0, cut) : '';
  }
  return null;
}

export function clearErrors(form) {
  form.querySelectorAll('.field.invalid').forEach((f) => f.classList.remove('invalid'));
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('.banner.error').forEach((b) => b.remove());
}

export function value(form, name) {
  const el = form.querySelector(`[name="${name}"]`);
  if (!el) return undefined;
  if (el.type === 'checkbox') return el.checked;
  return el.value.trim();
}

export function setValue(form, name, v) {
  const el = form.querySelector(`[name="${name}"]`);
  if (el) el.value = v === undefined || v === null ? '' : v;
}

export function when(seconds) {
  if (!seconds) return '';
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}

export function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
