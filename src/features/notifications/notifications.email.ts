// The text of a notification email, in English or Spanish: a subject, a plain-text body and an
// HTML body (every value escaped), each with the link to the task.
import type { NotificationKind } from '../../activity-log/notifications.js';

export interface EmailFacts {
  kind: NotificationKind;
  language: string;
  actor: string;
  task: string;
  project: string;
  link: string;
  /** The task's due date (ms), told in due reminders. */
  dueAt?: number | null;
}

const TEXT = {
  en: {
    assigned: (a: string) => `${a} assigned you a task`,
    mentioned: (a: string) => `${a} mentioned you`,
    taskChanged: (a: string) => `${a} changed a task you watch`,
    commented: (a: string) => `${a} commented on a task you watch`,
    dueSoon: () => 'A task is due soon',
    overdue: () => 'A task is overdue',
    inProject: 'in the project',
    due: 'due',
    open: 'Open the task',
    why: 'You get this email because of your notification settings in TaskManager (Account page).',
  },
  es: {
    assigned: (a: string) => `${a} te ha asignado una tarea`,
    mentioned: (a: string) => `${a} te ha mencionado`,
    taskChanged: (a: string) => `${a} ha cambiado una tarea que sigues`,
    commented: (a: string) => `${a} ha comentado en una tarea que sigues`,
    dueSoon: () => 'Una tarea vence pronto',
    overdue: () => 'Una tarea está vencida',
    inProject: 'en el proyecto',
    due: 'vence el',
    open: 'Abrir la tarea',
    why: 'Recibes este correo por tus preferencias de notificación en TaskManager (página Cuenta).',
  },
} as const;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A due date as UTC, the one zone every reader can place: 2026-12-03 14:00 UTC. */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function renderEmail(facts: EmailFacts) {
  const t = facts.language === 'es' ? TEXT.es : TEXT.en;
  const headline = t[facts.kind](facts.actor);
  const subject = `${headline}: ${facts.task}`;
  const due =
    (facts.kind === 'dueSoon' || facts.kind === 'overdue') && facts.dueAt != null
      ? `${t.due} ${utc(facts.dueAt)}`
      : undefined;
  const text = [
    `${headline}:`,
    '',
    `  ${facts.task}`,
    `  (${t.inProject} ${facts.project}${due ? `; ${due}` : ''})`,
    '',
    `${t.open}: ${facts.link}`,
    '',
    '--',
    t.why,
    '',
  ].join('\n');
  const html = `<!doctype html><html lang="${facts.language === 'es' ? 'es' : 'en'}"><body>
<p>${escapeHtml(headline)}:</p>
<p><strong>${escapeHtml(facts.task)}</strong><br>${escapeHtml(t.inProject)} ${escapeHtml(facts.project)}${due ? `<br>${escapeHtml(due)}` : ''}</p>
<p><a href="${escapeHtml(facts.link)}">${escapeHtml(t.open)}</a></p>
<hr><p style="color:#666;font-size:12px">${escapeHtml(t.why)}</p>
</body></html>`;
  return { subject, text, html };
}
