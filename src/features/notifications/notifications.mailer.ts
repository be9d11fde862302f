// Sends the notification emails queued with the notifications (activity-log/notifications.ts),
// through nodemailer to SMTP_URL. Every replica runs one; each email is claimed in the database
// first (a compare-and-set on its row), so one replica sends it. A failed send is tried again
// after the claim expires; one still unsent a day after its notification is given up ('failed').
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { SmtpConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import { newId } from '../../platform/ids.js';
import { Poller } from '../../platform/poller.js';
import { renderEmail } from './notifications.email.js';

const BATCH = 10;
/** Longer than a send can take (nodemailer's own timeouts are shorter). */
const CLAIM_MS = 60_000;
const GIVE_UP_MS = 86_400_000;

export class NotificationMailer extends Poller {
  readonly claimant = newId();
  private readonly transport: Transporter;

  constructor(
    private readonly db: Db,
    private readonly config: SmtpConfig,
    log?: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    super(config.pollIntervalMs, 'notification email pass failed', log);
    this.transport = nodemailer.createTransport(config.url, { from: config.from });
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.transport.close();
  }

  /** One pass: claims the pending emails and sends them; the number sent. */
  async runOnce(): Promise<number> {
    const now = this.now();
    await this.db
      .updateTable('notifications')
      .set({ email_state: 'failed' })
      .where('email_state', '=', 'pending')
      .where('created_at', '<', now - GIVE_UP_MS)
      .execute();
    const due = await this.db
      .selectFrom('notifications')
      .select('id')
      .where('email_state', '=', 'pending')
      .where('email_claimed_until', '<', now)
      .limit(BATCH)
      .execute();
    let sent = 0;
    for (const { id } of due) {
      const claimed = await this.db
        .updateTable('notifications')
        .set({ email_claimed_until: now + CLAIM_MS, email_claimed_by: this.claimant })
        .where('id', '=', id)
        .where('email_state', '=', 'pending')
        .where('email_claimed_until', '<', now)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue; // another replica has it
      if (await this.send(id)) sent++;
    }
    return sent;
  }

  private async send(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .innerJoin('projects as p', 'p.id', 'n.project_id')
      .leftJoin('tasks as t', 't.id', 'n.task_id')
      .leftJoin('users as a', 'a.id', 'n.actor_id')
      .leftJoin('notification_settings as s', 's.user_id', 'n.user_id')
      .select([
        'n.kind',
        'n.task_id',
        'n.project_id',
        'u.email',
        'p.name as project',
        't.title as task',
        't.due_at',
        'a.name as actor',
        's.language',
      ])
      .where('n.id', '=', id)
      .executeTakeFirst();
    if (!row || !row.task_id || row.task === null) {
      await this.finish(id, 'failed');
      return false;
    }
    const link = `${this.config.publicUrl}/projects/${row.project_id}/tasks/${row.task_id}`;
    const email = renderEmail({
      kind: row.kind,
      language: row.language ?? 'en',
      actor: row.actor ?? 'TaskManager',
      task: row.task,
      project: row.project,
      link,
      dueAt: row.due_at,
    });
    try {
      await this.transport.sendMail({ to: row.email, ...email });
    } catch (error) {
      // Left pending: tried again once the claim has expired.
      this.log?.warn({ err: (error as Error).message }, 'notification email not sent');
      return false;
    }
    await this.finish(id, 'sent');
    return true;
  }

  private finish(id: string, state: 'sent' | 'failed') {
    return this.db
      .updateTable('notifications')
      .set({ email_state: state })
      .where('id', '=', id)
      .where('email_claimed_by', '=', this.claimant)
      .execute();
  }
}
