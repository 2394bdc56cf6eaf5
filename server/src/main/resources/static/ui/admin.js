// SPDX-License-Identifier: Apache-2.0
// Certificates, the audit log, and Settings (registry credentials, approval policy).
import { api } from './api.js';
import { h, clear, field, input, select, checkbox, showError, value, when } from './dom.js';

export async function certificatesPage(main) {
  const certs = (await api.get('/v1/certificates?limit=500')).items;
  clear(main, h('h1', {}, 'Certificates'),
    certs.length === 0 ? h('div', { class: 'empty' }, 'No certificate issued yet: workloads get theirs by attesting (POST /v1/attestation).') :
      h('table', { id: 'certificates' },
        h('thead', {}, h('tr', {}, ['Subject', 'Domain names', 'Platform', 'Valid until', 'State', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, certs.map((c) => h('tr', {},
          h('td', {}, c.subject), h('td', {}, (c.dns_names || []).join(', ')), h('td', {}, c.platform),
          h('td', {}, when(c.not_after)),
          h('td', {}, c.revoked_at ? h('span', { class: 'status rejected' }, `Revoked ${when(c.revoked_at)}`) : h('span', { class: 'status approved' }, 'Valid')),
          h('td', {}, c.revoked_at ? null : h('button', { class: 'danger', onclick: async () => {
            if (!confirm(`Revoke the certificate of ${c.subject}?`)) return;
            await api.post(`/v1/certificates/${c.certificate_id}/revoke`, { reason: 'revoked from the console' });
            certificatesPage(main);
          } }, 'Revoke')))))));
}

export async function auditPage(main) {
  const entries = (await api.get('/v1/audit?limit=200')).items;
  const verdict = h('span', { id: 'audit-verdict' });
  clear(main,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Audit'), h('span', { class: 'spacer' }), verdict,
      h('button', { id: 'verify-audit', onclick: async () => {
        const v = await api.get('/v1/audit/verify');
        clear(verdict, v.valid ? h('span', { class: 'status approved' }, `Chain intact (${v.entries_checked} entries)`)
          : h('span', { class: 'status rejected' }, `Chain broken at #${v.first_invalid.seq}: ${v.first_invalid.reason}`));
      } }, 'Verify the hash chain')),
    h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ['#', 'When', 'Who', 'Action', 'Object'].map((t) => h('th', {}, t)))),
      h('tbody', {}, entries.map((e) => h('tr', {},
        h('td', {}, e.seq), h('td', {}, when(e.at)), h('td', {}, (e.actor && (e.actor.email || e.actor.api_key_id)) || 'system'),
        h('td', {}, e.action), h('td', {}, `${e.object_type} ${e.object_id || ''}`))))));
}

export async function settingsPage(main) {
  const listed = await api.get('/v1/registry');
  const registries = Array.isArray(listed) ? listed : (listed.items || []);
  const policies = await api.get('/v1/approval_policy');
  const regForm = h('form', { class: 'card', id: 'registry-form' },
    h('h2', {}, 'Save registry credentials'),
    h('div', { class: 'row' },
      field('Registry', input('url', { placeholder: 'registry.example.com:5000 or docker.io' })),
      field('User name', input('credential.default.username', { autocomplete: 'off' })),
      field('Password or token', input('credential.default.password', { type: 'password', autocomplete: 'new-password' }))),
    field('Description', input('description')),
    h('p', { class: 'muted' }, 'Passwords are stored sealed under the server\'s master key and never shown again.'),
    h('button', { class: 'primary', type: 'submit' }, 'SAVE CREDENTIALS'));
  regForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const body = { url: value(regForm, 'url'), credential: { default: { username: value(regForm, 'credential.default.username'),
        password: value(regForm, 'credential.default.password') } } };
      if (value(regForm, 'description')) body.description = value(regForm, 'description');
      await api.post('/v1/registry', body);
      settingsPage(main);
    } catch (e) {
      showError(regForm, e);
    }
  });
  const p = policies.account || {};
  const policyForm = h('form', { class: 'card', id: 'policy-form' },
    h('h2', {}, 'Approval policy of the account'),
    h('div', { class: 'row' },
      field('Approvals required', input('required_approvals', { type: 'number', min: 1, value: p.required_approvals || 1 })),
      field('Approver roles', input('approver_roles', { value: (p.approver_roles || []).join(', '), placeholder: 'ADMIN, EDITOR' }))),
    checkbox('separation_of_duties', 'Separation of duties: whoever requested a change cannot approve it', !!p.separation_of_duties),
    h('p', {}, h('button', { class: 'primary', type: 'submit' }, 'SAVE POLICY')));
  policyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.put('/v1/approval_policy', {
        required_approvals: Number(value(policyForm, 'required_approvals')),
        separation_of_duties: value(policyForm, 'separation_of_duties'),
        approver_roles: value(policyForm, 'approver_roles').split(/[\s,]+/).filter(Boolean),
      });
      settingsPage(main);
    } catch (e) {
      showError(policyForm, e);
    }
  });
  const collateral = (await api.get('/v1/collateral')).items || [];
  const keys = (await api.get('/v1/api_keys')).items || [];
  const members = (await api.get('/v1/users?limit=500')).items || [];
  const keyForm = h('form', { class: 'card', id: 'api-key-form' },
    h('h2', {}, 'New API key'),
    h('p', { class: 'muted' }, 'Workloads and scripts call the API with a key: attesting needs EDITOR.'),
    h('div', { class: 'row' },
      field('Name', input('name', { placeholder: 'payments workload' })),
      field('Role', select('role', [['EDITOR', 'EDITOR'], ['VIEWER', 'VIEWER'], ['ADMIN', 'ADMIN']], 'EDITOR'))),
    h('button', { class: 'primary', type: 'submit' }, 'CREATE KEY'));
  keyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const created = await api.post('/v1/api_keys', { name: value(keyForm, 'name'), role: value(keyForm, 'role') });
      await settingsPage(main);
      main.querySelector('#api-keys-section').after(h('div', { class: 'banner info', id: 'new-api-key', role: 'status' },
        'Copy this key now; it is stored only as a hash and is not shown again: ', h('code', { id: 'new-api-key-value' }, created.api_key)));
    } catch (e) {
      showError(keyForm, e);
    }
  });
  const memberForm = h('form', { class: 'card', id: 'member-form' },
    h('h2', {}, 'Add a member'),
    h('div', { class: 'row' },
      field('Email', input('user_email', { type: 'email', autocomplete: 'off' })),
      field('Initial password', input('password', { type: 'password', autocomplete: 'new-password' })),
      field('Role', select('role', [['VIEWER', 'VIEWER'], ['EDITOR', 'EDITOR'], ['ADMIN', 'ADMIN']], 'VIEWER'))),
    h('button', { class: 'primary', type: 'submit' }, 'ADD MEMBER'));
  memberForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post('/v1/users', { user_email: value(memberForm, 'user_email'), password: value(memberForm, 'password'), role: value(memberForm, 'role') });
      settingsPage(main);
    } catch (e) {
      showError(memberForm, e);
    }
  });
  clear(main, h('h1', {}, 'Settings'),
    h('h2', {}, 'Registry credentials'),
    registries.length === 0 ? h('div', { class: 'empty' }, 'No saved credentials.') :
      h('table', { id: 'registries' },
        h('thead', {}, h('tr', {}, ['Registry', 'User name', 'Description', 'Saved', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, registries.map((r) => h('tr', {},
          h('td', {}, r.url), h('td', {}, r.username), h('td', {}, r.description || ''), h('td', {}, when(r.created_at)),
          h('td', {}, h('button', { class: 'danger', onclick: async () => {
            if (!confirm(`Delete the credentials for ${r.url}?`)) return;
            await api.del(`/v1/registry/${r.registry_id}`);
            settingsPage(main);
          } }, 'Delete')))))),
    regForm, policyForm,
    h('h2', { id: 'api-keys-section' }, 'API keys'),
    keys.length === 0 ? h('div', { class: 'empty' }, 'No API key.') :
      h('table', { id: 'api-keys' },
        h('thead', {}, h('tr', {}, ['Name', 'Role', 'Created', 'Last used', 'State', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, keys.map((k) => h('tr', {},
          h('td', {}, k.name), h('td', {}, k.role), h('td', {}, when(k.created_at)), h('td', {}, when(k.last_used_at) || 'never'),
          h('td', {}, k.revoked_at ? h('span', { class: 'status rejected' }, 'Revoked') : h('span', { class: 'status approved' }, 'Active')),
          h('td', {}, k.revoked_at ? null : h('button', { class: 'danger', onclick: async () => {
            if (!confirm(`Revoke the API key ${k.name}?`)) return;
            await api.del(`/v1/api_keys/${k.api_key_id}`);
            settingsPage(main);
          } }, 'Revoke')))))),
    keyForm,
    h('h2', {}, 'Members'),
    h('table', { id: 'members' },
      h('thead', {}, h('tr', {}, ['Email', 'Role', 'Last log-in'].map((t) => h('th', {}, t)))),
      h('tbody', {}, members.map((m) => h('tr', {},
        h('td', {}, m.user_email), h('td', {}, m.role || (m.roles || []).join(', ')), h('td', {}, when(m.last_logged_in_at) || 'never'))))),
    memberForm,
    h('h2', {}, 'Vendor collateral'),
    h('p', { class: 'muted' }, 'What the server fetched from Intel PCS, AMD KDS and NVIDIA\'s RIM service (or imported as a bundle),'
      + ' kept while current and verified again at every use.'),
    collateral.length === 0 ? h('div', { class: 'empty' }, 'Nothing cached.') :
      h('table', { id: 'collateral' },
        h('thead', {}, h('tr', {}, ['Item', 'From', 'Fetched', 'Valid until', 'Verified', 'State'].map((t) => h('th', {}, t)))),
        h('tbody', {}, collateral.map((c) => h('tr', {},
          h('td', {}, h('code', {}, c.key)), h('td', {}, c.source), h('td', {}, when(c.fetched_at)),
          h('td', {}, c.next_update ? when(c.next_update) : '-'), h('td', { class: 'muted' }, c.verification),
          h('td', {}, c.current ? h('span', { class: 'status approved' }, 'Current') : h('span', { class: 'status pending' }, 'Due')))))));
}
