// SPDX-License-Identifier: Apache-2.0
// Images: the "+ ADD IMAGE" form of each application type, an image's page, and conversion progress.
import { api } from './api.js';
import { h, clear, field, input, select, checkbox, showError, clearErrors, value, setValue, when, readFile, base64 } from './dom.js';
import { PLATFORM_LABEL } from './apps.js';

export function approvalStatus(status) {
  switch (status) {
    case 'WHITELISTED':
    case 'APPROVED':
      return h('span', { class: 'status approved', title: 'Approved' }, h('span', { class: 'tick', 'aria-hidden': 'true' }, '✓'), 'Approved');
    case 'REJECTED':
    case 'DENIED':
      return h('span', { class: 'status rejected' }, '✗ Rejected');
    case 'PENDING':
      return h('span', { class: 'status pending' }, '◷ Pending approval');
    default:
      return h('span', { class: 'status' }, status || '');
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Adds an image's conversion progress to a cell and follows it until the job ends (or the page changes). */
export async function conversionCell(build, cell, ctx, onDone) {
  let job;
  try {
    job = await api.get(`/v1/builds/${build.build_id}/conversion`);
  } catch (e) {
    return; // no conversion for this image
  }
  const box = h('div', { class: 'conversion', 'data-state': job.state });
  cell.append(box);
  for (;;) {
    box.dataset.state = job.state;
    if (job.state === 'SUCCEEDED') {
      clear(box);
      if (onDone) onDone(job);
      return;
    }
    if (job.state === 'FAILED') {
      clear(box, h('div', { class: 'field-error' }, `Conversion failed: ${job.error}`));
      return;
    }
    const mib = job.bytes ? ` (${(job.bytes / 1048576).toFixed(1)} MiB)` : '';
    clear(box, h('div', { class: 'muted' }, `Converting: ${job.step}${mib}`), h('div', { class: 'progress' }, h('div')));
    await sleep(1000);
    if (ctx && !ctx.isCurrent()) return;
    try {
      job = await api.get(`/v1/builds/${build.build_id}/conversion`);
    } catch (e) {
      return;
    }
    if (job.state === 'SUCCEEDED') {
      const fresh = await api.get(`/v1/builds/${build.build_id}`);
      const status = cell.classList.contains('approval') ? approvalStatus(fresh.status.status) : null;
      if (status) clear(cell, status, box);
    }
  }
}

const hex = (name, bytes, label) => field(label, input(name, { class: 'mono', maxlength: bytes * 2 + 2, placeholder: `${bytes * 2} hex characters` }));

function versionField(name = 'docker_info.docker_version', label = 'Image version') {
  return field(label, input(name, { placeholder: '1.0.0' }));
}

function coprocessorField(prefix) {
  return h('div', {},
    field('Coprocessor (NVIDIA GPU attestation)', select('coprocessor', [
      ['', 'None'], ['Ignored', 'Ignored'], ['Required', 'Required']], ''), { field: `${prefix}.coprocessors` }),
    h('ul', { class: 'hint' },
      h('li', {}, h('b', {}, 'Ignored: '), 'the VM must have a GPU and the attestation agent collects its attestation data; OpenCCM only checks that the data is present and does not validate it.'),
      h('li', {}, h('b', {}, 'Required: '), 'the VM must have a GPU, and its attestation data must verify against NVIDIA\'s roots before a certificate is issued.')));
}

function dockerInfo(form, app) {
  const version = value(form, 'docker_info.docker_version');
  return version ? { docker_image_name: app.name, docker_version: version } : undefined;
}

function coprocessors(form) {
  const c = value(form, 'coprocessor');
  return c ? [{ attestation: c, gpu_vendor: 'Nvidia' }] : [];
}

export async function newImagePage(main, appId) {
  const app = await api.get(`/v1/apps/${appId}`);
  const form = h('form', { class: 'card', id: 'image-form', novalidate: true });
  const submit = (label) => h('button', { class: 'primary', type: 'submit', id: 'image-save' }, label);
  let collect;
  let after = () => { location.hash = `#/apps/${appId}/images`; };
  let endpoint = '/v1/builds';
  switch (app.type) {
    case 'EDP':
      collect = edpForm(form, app, submit);
      break;
    case 'ENCLAVE_OS':
      endpoint = '/v1/builds/convert-app/nitro-enclaves';
      collect = await enclaveOsForm(form, app, submit);
      break;
    case 'ACI':
      endpoint = '/v1/builds/convert-app/aci';
      collect = await aciForm(form, app, submit);
      break;
    case 'AMD_SEV_SNP':
      form.append(versionField(),
        hex('attributes.baremetal_amd_sev_snp.measurement', 48, 'Measurement'),
        field('VMPL', select('attributes.baremetal_amd_sev_snp.vmpl', [['vmpl0', 'VMPL0'], ['vmpl1', 'VMPL1'], ['vmpl2', 'VMPL2'], ['vmpl3', 'VMPL3']], 'vmpl0'),
          { hint: 'The privilege level the report must come from.' }),
        coprocessorField('attributes.baremetal_amd_sev_snp'), submit('SAVE'));
      collect = () => ({ docker_info: dockerInfo(form, app), attributes: { baremetal_amd_sev_snp: {
        measurement: value(form, 'attributes.baremetal_amd_sev_snp.measurement'),
        vmpl: value(form, 'attributes.baremetal_amd_sev_snp.vmpl'), coprocessors: coprocessors(form) } } });
      break;
    case 'AZURE_CVM':
      collect = cvmForm(form, app, submit);
      break;
    case 'TDX':
      form.append(versionField(), hex('attributes.baremetal_tdx.mrtd', 48, 'MRTD'),
        ...[0, 1, 2, 3].map((i) => hex(`attributes.baremetal_tdx.rtmr${i}`, 48, `RTMR${i}`)),
        coprocessorField('attributes.baremetal_tdx'), submit('SAVE'));
      collect = () => {
        const tdx = { coprocessors: coprocessors(form) };
        ['mrtd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'].forEach((k) => { tdx[k] = value(form, `attributes.baremetal_tdx.${k}`); });
        return { docker_info: dockerInfo(form, app), attributes: { baremetal_tdx: tdx } };
      };
      break;
    default:
      throw new Error(`unknown application type ${app.type}`);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('#image-save');
    button.disabled = true;
    try {
      const body = endpoint === '/v1/builds/convert-app/nitro-enclaves' ? collect() : { app_id: appId, ...collect() };
      await api.post(endpoint, body);
      after();
    } catch (e) {
      showError(form, e);
    } finally {
      button.disabled = false;
    }
  });
  clear(main, h('h1', {}, `Add image to ${app.name}`), form);
}

function edpForm(form, app, submit) {
  const platform = app.platform || 'SGX';
  form.append(versionField(),
    field('Platform', select('platform', [['SGX', 'Intel SGX'], ['NITRO', 'AWS Nitro Enclaves']], platform, { disabled: true }),
      { hint: 'Set by the application.' }));
  if (platform === 'SGX') {
    const file = h('input', { type: 'file', name: 'sigstruct_file', id: 'f-sigstruct-file', accept: '.sig,.sigstruct,application/octet-stream' });
    const paste = h('textarea', { name: 'sigstruct', id: 'f-sigstruct', placeholder: 'base64 of the SIGSTRUCT' });
    const fill = (info) => {
      setValue(form, 'mrenclave', info.mrenclave);
      setValue(form, 'mrsigner', info.mrsigner);
      setValue(form, 'isvprodid', info.isvprodid);
      setValue(form, 'isvsvn', info.isvsvn);
    };
    const read = async (promise) => {
      clearErrors(form);
      try {
        fill(await promise);
      } catch (e) {
        showError(form, { field: 'sigstruct', message: e.message });
      }
    };
    file.addEventListener('change', async () => {
      if (!file.files.length) return;
      const bytes = await readFile(file.files[0]);
      paste.value = base64(bytes);
      read(api.postBytes('/v1/tools/sigstruct', bytes));
    });
    paste.addEventListener('change', () => { if (paste.value.trim()) read(api.post('/v1/tools/sigstruct', { sigstruct: paste.value.trim() })); });
    form.append(
      h('fieldset', {}, h('legend', {}, 'SIGSTRUCT'),
        field('Upload the SIGSTRUCT file', file, { field: 'sigstruct_file', hint: 'The parameters below are filled from it.' }),
        field('or paste it in base64', paste, { field: 'sigstruct' })),
      h('fieldset', {}, h('legend', {}, 'Parameters'),
        hex('mrenclave', 32, 'MRENCLAVE'), hex('mrsigner', 32, 'MRSIGNER'),
        h('div', { class: 'row' },
          field('ISVPRODID', input('isvprodid', { type: 'number', min: 0, max: 65535 })),
          field('ISVSVN', input('isvsvn', { type: 'number', min: 0, max: 65535 })))),
      submit('SAVE'));
    return () => {
      const n = (name) => (value(form, name) === '' ? undefined : Number(value(form, name)));
      return { docker_info: dockerInfo(form, app), sigstruct: value(form, 'sigstruct') || undefined,
        mrenclave: value(form, 'mrenclave') || undefined, mrsigner: value(form, 'mrsigner') || undefined,
        isvprodid: n('isvprodid'), isvsvn: n('isvsvn') };
    };
  }
  const file = h('input', { type: 'file', name: 'nitro_measurements_file', id: 'f-nitro-file', accept: '.json,application/json' });
  const paste = h('textarea', { name: 'nitro_measurements', id: 'f-nitro-measurements', placeholder: '{"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR0": "…"}}' });
  const read = async (text) => {
    clearErrors(form);
    try {
      let parsed;
      try { parsed = JSON.parse(text); } catch (e) { throw new Error('not JSON: paste the output of nitro-cli build-enclave or describe-eif'); }
      const m = await api.post('/v1/tools/nitro-measurements', parsed);
      [0, 1, 2].forEach((i) => setValue(form, `attributes.nitro_enclave.pcr${i}`, m[`pcr${i}`]));
    } catch (e) {
      showError(form, { field: 'nitro_measurements', message: e.message });
    }
  };
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    const text = new TextDecoder().decode(await readFile(file.files[0]));
    paste.value = text;
    read(text);
  });
  paste.addEventListener('change', () => { if (paste.value.trim()) read(paste.value); });
  form.append(
    h('fieldset', {}, h('legend', {}, 'Measurements'),
      field('Upload the nitro-cli measurements (JSON)', file, { field: 'nitro_measurements_file', hint: 'PCR0, PCR1 and PCR2 below are filled from it.' }),
      field('or paste them', paste, { field: 'nitro_measurements' })),
    h('fieldset', {}, h('legend', {}, 'Parameters'),
      ...[0, 1, 2].map((i) => hex(`attributes.nitro_enclave.pcr${i}`, 48, `PCR${i}`))),
    submit('SAVE'));
  return () => ({ docker_info: dockerInfo(form, app), attributes: { nitro_enclave: { hash_algorithm: 'Sha384',
    pcr0: value(form, 'attributes.nitro_enclave.pcr0'), pcr1: value(form, 'attributes.nitro_enclave.pcr1'),
    pcr2: value(form, 'attributes.nitro_enclave.pcr2') } } });
}

async function registries(app) {
  try {
    return await api.get(`/v1/registry/app/${app.app_id}`);
  } catch (e) {
    return {};
  }
}

async function enclaveOsForm(form, app, submit) {
  const saved = await registries(app);
  const inHost = saved.input_image_registry && saved.input_image_registry.url;
  const outHost = saved.output_image_registry && saved.output_image_registry.url;
  // The guide: with saved credentials "use same credential as input image registry" is checked and filled in;
  // without, the output registry's credentials are entered here (they serve this image only).
  const useSaved = checkbox('use_saved', 'Use same credential as input image registry', !!outHost, { disabled: !outHost });
  const manual = h('div', { class: 'row', id: 'output-credentials' },
    field('User name', input('request.output_image.auth_config.username', { autocomplete: 'off' })),
    field('Password or token', input('request.output_image.auth_config.password', { type: 'password', autocomplete: 'new-password' })));
  const sync = () => { manual.hidden = form.querySelector('[name=use_saved]').checked; };
  useSaved.querySelector('input').addEventListener('change', sync);
  form.append(
    field('Image type', select('image_type', [['NITRO', 'AWS Nitro Enclaves']], 'NITRO')),
    h('div', { class: 'row' },
      field('Input image name', input('input_image', { value: app.input_image_name, readonly: true })),
      field('Input tag', input('input_tag', { placeholder: 'latest' }), { field: 'request.input_image.name' })),
    h('div', { class: 'row' },
      field('Output image name', input('output_image', { value: app.output_image_name, readonly: true })),
      field('Output tag', input('output_tag', { placeholder: 'same as the input tag' }), { field: 'request.output_image.name' })),
    h('fieldset', {}, h('legend', {}, 'Registry credentials'),
      h('p', { class: 'muted' }, inHost ? `Input image: saved credentials for ${inHost} (user ${saved.input_image_registry.username}).`
        : 'Input image: no saved credentials; a public image needs none.'),
      useSaved,
      outHost ? h('p', { class: 'muted' }, `Output image: saved credentials for ${outHost} (user ${saved.output_image_registry.username}).`) : null,
      manual),
    h('fieldset', {}, h('legend', {}, 'Enclave parameters'),
      h('div', { class: 'row' },
        field('Memory size', select('mem_size', [['512', '512 MB'], ['1024', '1 GB'], ['2048', '2 GB'], ['4096', '4 GB'], ['8192', '8 GB'], ['16384', '16 GB']], '2048'),
          { field: 'nitro_enclaves_options.mem_size', hint: 'MEM_SIZE overrides it at run time.' }),
        field('CPU count', input('threads', { type: 'number', min: 1, max: 64, value: 2 }),
          { field: 'nitro_enclaves_options.cpu_count', hint: 'CPU_COUNT overrides it at run time.' })),
      checkbox('enable_overlay_filesystem_persistence', 'File persistence', true)),
    submit('SAVE'));
  sync();
  return () => {
    const inTag = value(form, 'input_tag') || 'latest';
    const outTag = value(form, 'output_tag') || inTag;
    const output = { name: `${app.output_image_name}:${outTag}` };
    if (!value(form, 'use_saved') && value(form, 'request.output_image.auth_config.username')) {
      output.auth_config = { username: value(form, 'request.output_image.auth_config.username'),
        password: value(form, 'request.output_image.auth_config.password') };
    }
    return {
      request: { app_id: app.app_id, input_image: { name: `${app.input_image_name}:${inTag}` }, output_image: output, converter_options: {} },
      nitro_enclaves_options: { mem_size: Number(value(form, 'mem_size')), cpu_count: Number(value(form, 'threads')),
        enable_overlay_filesystem_persistence: value(form, 'enable_overlay_filesystem_persistence') },
    };
  };
}

async function aciForm(form, app, submit) {
  const saved = await registries(app);
  const inHost = saved.input_image_registry && saved.input_image_registry.url;
  const useSaved = checkbox('use_saved', 'Use saved credentials', !!inHost, { disabled: !inHost });
  const inline = h('div', { class: 'row', id: 'inline-credentials' },
    field('User name', input('input_image.auth_config.username', { autocomplete: 'off' })),
    field('Password or token', input('input_image.auth_config.password', { type: 'password', autocomplete: 'new-password' })));
  const sync = () => { inline.hidden = form.querySelector('[name=use_saved]').checked; };
  useSaved.querySelector('input').addEventListener('change', sync);
  form.append(
    h('div', { class: 'row' },
      field('Image name', input('input_image.name', { value: app.input_image_name, readonly: true })),
      field('Tag', input('docker_info.docker_version', { placeholder: 'latest' }),
        { hint: 'Each image of an ACI application has its own tag.' })),
    h('fieldset', {}, h('legend', {}, 'Registry credentials'),
      useSaved,
      h('p', { class: 'muted' }, inHost ? `Saved credentials for ${inHost} (user ${saved.input_image_registry.username}).`
        : 'No saved credentials for this registry: a public image needs none; otherwise enter them (the image name must then name its registry, e.g. docker.io/…).'),
      inline),
    h('fieldset', {}, h('legend', {}, 'Advanced settings'),
      checkbox('aci_options.wait_for_agent', 'Wait for node registration to begin', true),
      h('div', { class: 'row' },
        field('CPU count', input('aci_options.cpu_count', { type: 'number', min: 1, value: 1 })),
        field('Memory in GB', input('aci_options.gb_mem', { type: 'number', min: 0.1, step: 0.1, value: 1 })))),
    submit('GENERATE SECURE POLICY'));
  sync();
  return () => {
    const tag = value(form, 'docker_info.docker_version') || 'latest';
    const body = {
      input_image: { name: `${app.input_image_name}:${tag}` },
      aci_options: { cpu_count: Number(value(form, 'aci_options.cpu_count')), gb_mem: Number(value(form, 'aci_options.gb_mem')),
        wait_for_agent: value(form, 'aci_options.wait_for_agent') },
    };
    if (!value(form, 'use_saved') && value(form, 'input_image.auth_config.username')) {
      body.input_image.auth_config = { username: value(form, 'input_image.auth_config.username'), password: value(form, 'input_image.auth_config.password') };
    }
    return body;
  };
}

function cvmForm(form, app, submit) {
  const pcrs = [];
  for (let i = 0; i <= 22; i++) {
    const el = input(`attributes.azure_cvm.pcrs.pcr${i}`, { class: 'mono', maxlength: 66, placeholder: '64 hex characters' });
    // Values copied from a VM's console carry a 0x prefix: it is not part of the value.
    el.addEventListener('input', () => { if (/^0x/i.test(el.value)) el.value = el.value.slice(2); });
    pcrs.push(field(`PCR${i}`, el));
  }
  form.append(versionField(), h('fieldset', {}, h('legend', {}, 'TPM PCRs (SHA-256)'),
    h('p', { class: 'muted' }, 'Fill the PCRs this image is identified by; leave the others empty.'), ...pcrs),
  coprocessorField('attributes.azure_cvm'), submit('SAVE'));
  return () => {
    const bank = { hash_alg: 'SHA256' };
    for (let i = 0; i <= 22; i++) {
      const v = value(form, `attributes.azure_cvm.pcrs.pcr${i}`);
      if (v) bank[`pcr${i}`] = v;
    }
    return { docker_info: dockerInfo(form, app), attributes: { azure_cvm: { pcrs: bank, coprocessors: coprocessors(form) } } };
  };
}

export async function imagePage(main, buildId, tab = 'details', ctx) {
  const b = await api.get(`/v1/builds/${buildId}`);
  const isAci = b.platform === 'ACI';
  const tabs = isAci ? h('nav', { class: 'tabs' },
    h('a', { href: `#/images/${buildId}/details`, class: tab === 'details' ? 'active' : null }, 'Details'),
    h('a', { href: `#/images/${buildId}/policy`, class: tab === 'policy' ? 'active' : null, id: 'tab-policy' }, 'Policy')) : null;
  const body = h('div', { id: 'image-body' });
  const version = (b.docker_info && b.docker_info.docker_version) || buildId.slice(0, 8);
  clear(main,
    h('div', { class: 'toolbar' }, h('h1', {}, `${b.app_name} · ${version}`), h('span', { class: 'pill' }, PLATFORM_LABEL[b.platform] || b.platform),
      h('span', { class: 'spacer' }), h('a', { class: 'button', href: `#/apps/${b.app_id}/images` }, 'Back to images')),
    tabs, body);
  if (tab === 'policy' && isAci) {
    return policyTab(body, b);
  }
  const kv = [];
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') kv.push(h('dt', {}, k), h('dd', {}, String(v))); };
  add('Image ID', b.build_id);
  if (b.docker_info) {
    add('Image', b.docker_info.docker_image_name);
    add('Tag / version', b.docker_info.docker_version);
    add('Image digest', b.docker_info.docker_image_sha);
    if (b.docker_info.docker_image_size !== undefined) add('Image size', `${b.docker_info.docker_image_size} MiB`);
  }
  const ei = b.enclave_info || {};
  add('MRENCLAVE', ei.mrenclave);
  add('MRSIGNER', ei.mrsigner);
  add('ISVPRODID', ei.isvprodid);
  add('ISVSVN', ei.isvsvn);
  const a = imageAttributes(b);
  if (a.nitro_enclave) ['pcr0', 'pcr1', 'pcr2', 'pcr8'].forEach((k) => add(k.toUpperCase(), a.nitro_enclave[k]));
  if (a.baremetal_amd_sev_snp) { add('Measurement', a.baremetal_amd_sev_snp.measurement); add('VMPL', a.baremetal_amd_sev_snp.vmpl); }
  if (a.baremetal_tdx) ['mrtd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'].forEach((k) => add(k.toUpperCase(), a.baremetal_tdx[k]));
  if (a.azure_cvm) Object.entries(a.azure_cvm.pcrs).filter(([k]) => k.startsWith('pcr')).forEach(([k, v]) => add(k.toUpperCase(), v));
  const cop = (a.baremetal_amd_sev_snp || a.baremetal_tdx || a.azure_cvm || {}).coprocessors;
  if (cop && cop.length) add('Coprocessors', cop.map((c) => `${c.gpu_vendor} GPU, attestation ${c.attestation}`).join('; '));
  if (a.aci) add('Policy (base64)', `${a.aci.policy.slice(0, 60)}… (${a.aci.policy.length} characters)`);
  add('Memory', b.mem_size ? `${b.mem_size} MB` : undefined);
  add('CPU count', b.threads);
  if (b.platform === 'NITRO' && b.enable_overlay_filesystem_persistence !== undefined) add('File persistence', b.enable_overlay_filesystem_persistence ? 'on' : 'off');
  add('Created', when(b.created_at));
  const statusCell = h('div', { class: 'approval' }, approvalStatus(b.status && b.status.status));
  clear(body,
    h('div', { class: 'card' }, h('h2', {}, 'Approval'), statusCell,
      b.pending_task_id ? h('p', {}, h('a', { href: '#/tasks' }, 'Open the approval task')) : null,
      h('p', { class: 'muted' }, `Deployment: ${b.deployment_status && b.deployment_status.status === 'DEPLOYED' ? 'deployed' : 'not deployed'}`)),
    h('div', { class: 'card' }, h('h2', {}, 'Identity'), h('dl', { class: 'kv', id: 'identity' }, kv)));
  conversionCell(b, statusCell, ctx, () => { if (ctx.isCurrent()) imagePage(main, buildId, tab, ctx); });
}

// An image's one set of attributes: the server answers them as Fortanix's map, under one name ("default").
function imageAttributes(b) {
  return (b.attributes && Object.values(b.attributes)[0]) || {};
}

async function policyTab(body, b) {
  let text;
  try {
    // Shown and downloaded exactly as the server wrote it.
    text = await (await api.raw(`/v1/builds/${b.build_id}/aci/arm-template`)).text();
  } catch (e) {
    clear(body, h('div', { class: 'banner info' }, e.status === 409 || e.status === 404 ? `No policy yet: ${e.message}` : e.message));
    return;
  }
  let hostData = '';
  const aci = imageAttributes(b).aci;
  const policy = aci && aci.policy;
  if (policy && crypto.subtle) {
    const bytes = Uint8Array.from(atob(policy), (c) => c.charCodeAt(0));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    hostData = Array.from(digest, (x) => x.toString(16).padStart(2, '0')).join('');
  }
  const download = h('button', { class: 'primary', id: 'download-template', onclick: () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = h('a', { href: url, download: `aci-${b.build_id}-template.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } }, 'DOWNLOAD');
  clear(body,
    h('div', { class: 'toolbar' }, h('h2', {}, 'ARM template'), h('span', { class: 'spacer' }), download),
    hostData ? h('p', {}, 'HOST_DATA of this policy: ', h('code', { id: 'host-data' }, hostData)) : null,
    h('pre', { id: 'arm-template' }, text));
}
