// SPDX-License-Identifier: Apache-2.0
// Tasks: what each pending task would approve, the votes so far against the quorum, approve or deny with a comment.
import { api } from './api.js';
import { h, clear, showError, when } from './dom.js';

const TYPE = { BUILD_WHITELIST: 'Image', DOMAIN_WHITELIST: 'Domain name' };

export async function tasksPage(main) {
  const showAll = new URLSearchParams(location.hash.split('?')[1] || '').get('all') === '1';
  const tasks = (await api.get(`/v1/tasks?limit=500${showAll ? '' : '&status=INPROGRESS'}`)).items;
  clear(main,
    h('div', { class: 'toolbar' }, h('h1', {}, 'Tasks'), h('span', { class: 'spacer' }),
      h('a', { class: 'button', href: showAll ? '#/tasks' : '#/tasks?all=1' }, showAll ? 'Pending only' : 'Show resolved too')),
    tasks.length === 0 ? h('div', { class: 'empty', id: 'no-tasks' }, 'No task waits for a decision.') :
      h('div', { id: 'tasks' }, tasks.map((t) => taskCard(t, main))));
}

function taskCard(t, main) {
  const comment = h('input', { type: 'text', name: 'comment', placeholder: 'Comment (recorded with your vote)' });
  const card = h('form', { class: 'card task', 'data-task': t.task_id, 'data-entity': t.entity_id },
    h('div', { class: 'toolbar' },
      h('h2', {}, t.description),
      h('span', { class: 'pill' }, TYPE[t.task_type] || t.task_type),
      h('span', { class: 'spacer' }),
      h('span', { class: `status ${t.status.status.toLowerCase()}` }, t.status.status)),
    h('p', { class: 'votes' },
      `Approvals: ${t.approval_count} of ${t.required_approvals} required`,
      t.separation_of_duties ? ' · the requester cannot approve' : '',
      (t.approver_roles || []).length ? ` · approvers: ${t.approver_roles.join(', ')}` : '',
      ` · opened ${when(t.status.created_at)}`),
    (t.approvals || []).length ? h('ul', { class: 'votes' }, t.approvals.map((v) =>
      h('li', {}, `${v.status === 'APPROVED' ? '✓' : '✗'} ${v.user_name} (${v.role}) ${when(v.voted_at)}${v.comment ? ` — “${v.comment}”` : ''}`))) : null,
    h('details', { open: t.status.status === 'INPROGRESS' }, h('summary', {}, 'What this approves'), h('pre', {}, t.subject),
      h('p', { class: 'muted' }, `SHA-256 of these values: ${t.subject_sha256}`)),
    t.status.status === 'INPROGRESS' ? h('div', { class: 'task-actions' },
      comment,
      h('button', { class: 'primary', type: 'button', 'data-action': 'approve', onclick: () => decide('APPROVED') }, 'APPROVE'),
      h('button', { class: 'danger', type: 'button', 'data-action': 'deny', onclick: () => decide('DENIED') }, 'DENY')) : null);
  async function decide(status) {
    card.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      const body = { status };
      if (comment.value.trim()) body.comment = comment.value.trim();
      await api.patch(`/v1/tasks/${t.task_id}`, body);
      await tasksPage(main);
    } catch (e) {
      showError(card, e);
      card.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  }
  return card;
}
