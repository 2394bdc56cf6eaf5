// SPDX-License-Identifier: Apache-2.0
// Attestation check: verify evidence and see which image it matches and why, without issuing anything.
import { api } from './api.js';
import { h, clear, field, input, select, showError, clearErrors, value, readFile, base64 } from './dom.js';

const PLATFORMS = [['NITRO', 'AWS Nitro Enclaves'], ['SEV_SNP', 'AMD SEV-SNP'], ['SGX', 'Intel SGX (DCAP)'], ['TDX', 'Intel TDX (DCAP)'],
  ['AZURE_CVM', 'Azure confidential VM'], ['ACI', 'Azure Container Instances']];

export async function explainPage(main) {
  const file = h('input', { type: 'file', name: 'evidence_file', id: 'f-evidence-file' });
  const evidence = h('textarea', { name: 'evidence', id: 'f-evidence', placeholder: 'base64 of the evidence (or upload the file above)' });
  file.addEventListener('change', async () => {
    if (file.files.length) evidence.value = base64(await readFile(file.files[0]));
  });
  const form = h('form', { class: 'card', id: 'explain-form' },
    h('p', { class: 'muted' }, 'Verifies a workload\'s evidence against the vendors\' roots and this account\'s images, and says why each image did or did not match. Nothing is issued or recorded.'),
    h('div', { class: 'row' },
      field('Platform', select('platform', PLATFORMS, 'SEV_SNP')),
      field('Verify at (UTC, optional)', input('verification_time', { placeholder: '2025-06-01T00:00:00Z' }),
        { hint: 'Archived evidence carries certificates that have expired since: replay it at its own time.' })),
    field('Evidence file', file, { field: 'evidence_file' }),
    field('Evidence', evidence, { field: 'evidence' }),
    field('VCEK / VLEK (SEV-SNP, PEM)', h('textarea', { name: 'vcek', id: 'f-vcek' })),
    field('DCAP collateral (SGX, TDX; JSON)', h('textarea', { name: 'collateral', id: 'f-collateral' })),
    h('button', { class: 'primary', type: 'submit', id: 'explain-submit' }, 'VERIFY'));
  const result = h('div', { id: 'explain-result' });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = { platform: value(form, 'platform'), evidence: value(form, 'evidence') };
    if (value(form, 'vcek')) body.vcek = value(form, 'vcek');
    if (value(form, 'collateral')) body.collateral = value(form, 'collateral');
    const at = value(form, 'verification_time');
    if (at) {
      const seconds = Date.parse(at);
      if (Number.isNaN(seconds)) {
        showError(form, { field: 'verification_time', message: 'not a date and time, e.g. 2025-06-01T00:00:00Z' });
        return;
      }
      body.verification_time = Math.floor(seconds / 1000);
    }
    try {
      show(result, await api.post('/v1/attestation/explain', body));
    } catch (e) {
      showError(form, e);
    }
  });
  clear(main, h('h1', {}, 'Check evidence'), form, result);
}

function show(result, r) {
  if (!r.verified) {
    clear(result, h('div', { class: 'banner error', role: 'alert', id: 'explain-verdict' },
      `Not verified — ${r.reason} at ${r.field}: ${r.detail}`));
    return;
  }
  const outcome = r.decision.outcome;
  clear(result,
    h('div', { class: `banner ${outcome === 'ACCEPTED' ? 'info' : 'error'}`, id: 'explain-verdict' },
      `Verified. Decision: ${outcome} — ${r.decision.detail}`),
    h('h2', {}, 'Measured'),
    h('dl', { class: 'kv', id: 'explain-measured' }, Object.entries(r.measured).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h2', {}, 'Images considered'),
    r.images.length === 0 ? h('div', { class: 'empty' }, 'No image of this platform in the account.') :
      h('table', {}, h('thead', {}, h('tr', {}, ['Image', 'Status', 'Matches', 'Why'].map((t) => h('th', {}, t)))),
        h('tbody', {}, r.images.map((i) => h('tr', {},
          h('td', {}, h('a', { href: `#/images/${i.build_id}` }, i.build_id.slice(0, 8))), h('td', {}, i.status),
          h('td', {}, i.matches ? '✓' : '✗'), h('td', {}, i.why))))));
}
