// SPDX-License-Identifier: Apache-2.0
// Applications: the list, the form for each type, and an application's page with its Images and Domains tabs.
import { api } from './api.js';
import { h, clear, field, input, select, showError, value, when } from './dom.js';
import { approvalStatus, conversionCell } from './images.js';

export const TYPES = [
  ['EDP', 'EDP (Intel SGX or AWS Nitro Enclaves)'],
  ['ENCLAVE_OS', 'Enclave OS (AWS Nitro Enclaves, from a Docker image)'],
  ['ACI', 'Azure Container Instances (confidential containers)'],
  ['AMD_SEV_SNP', 'AMD SEV-SNP'],
  ['AZURE_CVM', 'Azure confidential VM'],
  ['TDX', 'Intel TDX'],
];
const TYPE_LABEL = Object.fromEntries(TYPES.map(([k, v]) => [k, v.split(' (')[0]]));
export const PLATFORM_LABEL = {
  SGX: 'Intel SGX', NITRO: 'AWS Nitro Enclaves', ACI: 'Azure ACI', AZURE_CVM: 'Azure CVM', SEV_SNP: 'AMD SEV-SNP', TDX: 'Intel TDX',
};

export async function appsPage(main) {
  const apps = (await api.get('/v1/apps?limit=500')).items;
  clear(main,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Applications'), h('span', { class: 'spacer' }),
      h('a', { class: 'button primary', href: '#/apps/new', id: 'add-app' }, '+ ADD APPLICATION')),
    apps.length === 0 ? h('div', { class: 'empty' }, 'No application yet. Add one to register its images.') :
      h('table', { id: 'apps' },
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'Platform', 'Domains', 'Created'].map((t) => h('th', {}, t)))),
        h('tbody', {}, apps.map((a) => h('tr', { class: 'clickable', 'data-app': a.name, onclick: () => { location.hash = `#/apps/${a.app_id}`; } },
          h('td', {}, h('a', { href: `#/apps/${a.app_id}` }, a.name)),
          h('td', {}, TYPE_LABEL[a.type] || a.type),
          h('td', {}, PLATFORM_LABEL[a.platform] || a.platform || ''),
          h('td', {}, (a.allowed_domains || []).join(', ')),
          h('td', {}, when(a.created_at)))))));
}

export async function newAppPage(main) {
  const typeSelect = select('type', TYPES, 'EDP');
  const platform = field('Platform', select('platform', [['SGX', 'Intel SGX'], ['NITRO', 'AWS Nitro Enclaves']], 'SGX'));
  const inputImage = field('Input image name', input('input_image_name', { placeholder: 'docker.io/library/nginx' }),
    { hint: 'The Docker image the images of this application are made from. With registry credentials, name the registry (docker.io/…).' });
  const outputImage = field('Output image name', input('output_image_name', { placeholder: 'registry.example.com/team/nginx-nitro' }),
    { hint: 'Where the converted Enclave OS image is pushed.' });
  const form = h('form', { class: 'card', id: 'app-form' },
    field('Name', input('name', { required: true })),
    field('Description', input('description')),
    field('Type', typeSelect),
    platform, inputImage, outputImage,
    field('Allowed domain names', input('allowed_domains', { placeholder: 'app.example.com, api.example.com' }),
      { hint: 'Certificates are issued for these names once their approval tasks are approved.' }),
    h('button', { class: 'primary', type: 'submit', id: 'app-save' }, 'SAVE'));
  const sync = () => {
    const t = typeSelect.value;
    platform.hidden = t !== 'EDP';
    inputImage.hidden = !(t === 'ENCLAVE_OS' || t === 'ACI');
    outputImage.hidden = t !== 'ENCLAVE_OS';
  };
  typeSelect.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const type = value(form, 'type');
    const body = { name: value(form, 'name'), type };
    if (value(form, 'description')) body.description = value(form, 'description');
    if (type === 'EDP') body.platform = value(form, 'platform');
    if (type === 'ENCLAVE_OS' || type === 'ACI') body.input_image_name = value(form, 'input_image_name');
    if (type === 'ENCLAVE_OS') body.output_image_name = value(form, 'output_image_name');
    body.allowed_domains = value(form, 'allowed_domains').split(/[\s,]+/).filter(Boolean);
    try {
      const app = await api.post('/v1/apps', body);
      location.hash = `#/apps/${app.app_id}`;
    } catch (e) {
      showError(form, e);
    }
  });
  clear(main, h('h1', {}, 'Add application'), form);
}

export async function appPage(main, appId, tab = 'images', ctx) {
  const app = await api.get(`/v1/apps/${appId}`);
  const tabs = h('nav', { class: 'tabs' },
    h('a', { href: `#/apps/${appId}/images`, class: tab === 'images' ? 'active' : null, id: 'tab-images' }, 'Images'),
    h('a', { href: `#/apps/${appId}/domains`, class: tab === 'domains' ? 'active' : null, id: 'tab-domains' }, 'Domains'));
  const body = h('div', { id: 'tab-body' });
  clear(main,
    h('div', { class: 'toolbar' },
      h('h1', {}, app.name),
      h('span', { class: 'pill' }, TYPE_LABEL[app.type] || app.type),
      app.platform ? h('span', { class: 'pill' }, PLATFORM_LABEL[app.platform]) : null,
      h('span', { class: 'spacer' }),
      h('a', { class: 'button primary', href: `#/apps/${appId}/images/new`, id: 'add-image' }, '+ ADD IMAGE')),
    app.description ? h('p', { class: 'muted' }, app.description) : null,
    tabs, body);
  if (tab === 'domains') {
    const domains = app.domains || [];
    clear(body, domains.length === 0 ? h('div', { class: 'empty' }, 'No domain names.') :
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Domain'), h('th', {}, 'Approval'))),
        h('tbody', {}, domains.map((d) => h('tr', {}, h('td', {}, d.name), h('td', {}, approvalStatus(d.status)))))));
    return;
  }
  await imagesTable(body, app, ctx);
}

async function imagesTable(body, app, ctx) {
  const builds = (await api.get(`/v1/builds?app_id=${app.app_id}&limit=500`)).items;
  if (builds.length === 0) {
    clear(body, h('div', { class: 'empty' }, 'No image yet. Use + ADD IMAGE to register the first one.'));
    return;
  }
  const rows = builds.map((b) => {
    const statusCell = h('td', { class: 'approval' }, approvalStatus(b.status && b.status.status));
    const row = h('tr', { class: 'clickable', 'data-build': b.build_id, 'data-version': b.docker_info ? b.docker_info.docker_version : '',
      onclick: () => { location.hash = `#/images/${b.build_id}`; } },
      h('td', {}, h('a', { href: `#/images/${b.build_id}` }, (b.docker_info && b.docker_info.docker_version) || b.build_id.slice(0, 8))),
      h('td', {}, PLATFORM_LABEL[b.platform] || b.platform),
      statusCell,
      h('td', {}, b.deployment_status ? (b.deployment_status.status === 'DEPLOYED' ? 'Deployed' : 'Not deployed') : ''),
      h('td', {}, when(b.created_at)));
    if (app.type === 'ENCLAVE_OS' || app.type === 'ACI') conversionCell(b, statusCell, ctx);
    return row;
  });
  clear(body, h('table', { id: 'images' },
    h('thead', {}, h('tr', {}, ['Version / tag', 'Platform', 'Approval status', 'Deployment', 'Created'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)));
}
