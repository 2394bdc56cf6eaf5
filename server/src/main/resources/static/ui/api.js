// SPDX-License-Identifier: Apache-2.0
// The console talks to the same /v1 API as every other client, with the session's bearer token.

const TOKEN = 'openccm.token';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.field = body && body.field;
    this.body = body;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN, value);
  else sessionStorage.removeItem(TOKEN);
}

async function request(method, path, { json, body, headers = {}, raw = false } = {}) {
  const h = { ...headers };
  if (token()) h.Authorization = `Bearer ${token()}`;
  let payload = body;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers: h, body: payload });
  if (response.status === 401 && !path.startsWith('/v1/sys/auth')) {
    setToken(null);
    location.hash = '#/login';
    throw new ApiError(401, { detail: 'Your session ended; log in again.' });
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, json) => request('POST', path, { json }),
  put: (path, json) => request('PUT', path, { json }),
  patch: (path, json) => request('PATCH', path, { json }),
  del: (path) => request('DELETE', path),
  postBytes: (path, bytes) => request('POST', path, { body: bytes, headers: { 'Content-Type': 'application/octet-stream' } }),
  raw: (path) => request('GET', path, { raw: true }),
  async login(email, password) {
    const basic = btoa(unescape(encodeURIComponent(`${email}:${password}`)));
    const r = await request('POST', '/v1/sys/auth', { headers: { Authorization: `Basic ${basic}` } });
    setToken(r.access_token);
    return r;
  },
};
