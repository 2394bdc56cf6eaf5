// SPDX-License-Identifier: Apache-2.0
// OpenCCM console: hash routes, the shell (top bar and left navigation), log-in and account choice.
import { api, token, setToken } from './api.js';
import { h, clear, field, input, showError, value } from './dom.js';
import { appsPage, newAppPage, appPage } from './apps.js';
import { newImagePage, imagePage } from './images.js';
import { tasksPage } from './tasks.js';
import { certificatesPage, auditPage, settingsPage } from './admin.js';
import { explainPage } from './explain.js';

const root = document.getElementById('root');
const NAV = [
  ['#/apps', 'Applications'],
  ['#/tasks', 'Tasks'],
  ['#/explain', 'Check evidence'],
  ['#/certificates', 'Certificates'],
  ['#/audit', 'Audit'],
  ['#/settings', 'Settings'],
];

const ROUTES = [
  [/^#\/apps$/, () => appsPage],
  [/^#\/apps\/new$/, () => newAppPage],
  [/^#\/apps\/([^/]+)\/images\/new$/, () => newImagePage],
  [/^#\/apps\/([^/]+)(?:\/(images|domains))?$/, () => appPage],
  [/^#\/images\/([^/]+)(?:\/(details|policy))?$/, () => imagePage],
  [/^#\/tasks$/, () => tasksPage],
  [/^#\/explain$/, () => explainPage],
  [/^#\/certificates$/, () => certificatesPage],
  [/^#\/audit$/, () => auditPage],
  [/^#\/settings$/, () => settingsPage],
];

let session = null; // { user, account }
let renderId = 0;

async function route() {
  const id = ++renderId;
  const hash = location.hash || '#/apps';
  if (hash === '#/login' || !token()) {
    session = null;
    return loginPage();
  }
  if (!session) {
    try {
      const user = await api.get('/v1/user');
      const accounts = (await api.get('/v1/accounts')).items;
      const account = accounts.find((a) => a.acct_id === user.selected_account_id);
      session = { user, accounts, account };
    } catch (e) {
      return loginPage(e.message);
    }
  }
  if (hash === '#/accounts' || !session.account) {
    return accountsPage();
  }
  for (const [pattern, page] of ROUTES) {
    const m = hash.match(pattern);
    if (m) {
      const main = shell(hash);
      try {
        await page()(main, ...m.slice(1), { session, isCurrent: () => id === renderId });
      } catch (e) {
        if (id === renderId) clear(main, h('div', { class: 'banner error', role: 'alert' }, e.message));
      }
      return;
    }
  }
  location.hash = '#/apps';
}

function shell(hash) {
  const main = h('main', { id: 'main' });
  clear(root, h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      h('span', { class: 'brand' }, 'OpenCCM'),
      h('span', { class: 'pill', id: 'account-name' }, session.account.name),
      h('span', { class: 'spacer' }),
      h('span', { class: 'who' }, session.user.user_email),
      h('button', { onclick: () => { location.hash = '#/accounts'; } }, 'Switch account'),
      h('button', { id: 'logout', onclick: logout }, 'Log out')),
    h('nav', { class: 'nav', 'aria-label': 'Main' },
      NAV.map(([href, label]) => h('a', { href, class: hash.startsWith(href) ? 'active' : null }, label))),
    main));
  return main;
}

async function logout() {
  try { await api.post('/v1/sys/session/terminate'); } catch (e) { /* the session may be over already */ }
  setToken(null);
  session = null;
  location.hash = '#/login';
}

function loginPage(message) {
  const form = h('form', { class: 'card', id: 'login-form' },
    message ? h('div', { class: 'banner error', role: 'alert' }, message) : null,
    field('Email', input('email', { type: 'email', autocomplete: 'username', required: true })),
    field('Password', input('password', { type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { class: 'primary', type: 'submit', id: 'login-submit' }, 'LOG IN'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.login(value(form, 'email'), value(form, 'password'));
      session = null;
      // Straight to the applications when the session has an account already; otherwise route() asks for one.
      if (location.hash === '#/apps') route();
      else location.hash = '#/apps';
    } catch (e) {
      showError(form, e.status === 401 ? { message: 'Wrong email or password.' } : e);
    }
  });
  clear(root, h('div', { class: 'login' }, h('h1', {}, 'OpenCCM'), h('p', { class: 'muted' }, 'Confidential Computing Manager'), form));
}

async function accountsPage() {
  const accounts = (await api.get('/v1/accounts')).items;
  if (accounts.length === 1 && !session.account) {
    return choose(accounts[0]);
  }
  const form = h('form', { class: 'card', id: 'new-account' },
    h('h2', {}, 'New account'),
    field('Name', input('name')),
    h('button', { class: 'primary', type: 'submit' }, 'CREATE ACCOUNT'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await choose(await api.post('/v1/accounts', { name: value(form, 'name') }));
    } catch (e) {
      showError(form, e);
    }
  });
  clear(root, h('div', { class: 'login' },
    h('h1', {}, 'Choose an account'),
    h('div', { class: 'card' }, accounts.length === 0 ? h('p', { class: 'muted' }, 'You have no account yet.') :
      accounts.map((a) => h('p', {}, h('button', { class: 'account', 'data-account': a.name, onclick: () => choose(a) }, a.name),
        ' ', h('span', { class: 'muted' }, a.role || (a.roles || []).join(', '))))),
    form));
}

async function choose(account) {
  await api.post(`/v1/sys/session/select_account/${account.acct_id}`);
  session = null;
  if (location.hash === '#/apps') route();
  else location.hash = '#/apps';
}

window.addEventListener('hashchange', route);
route();
