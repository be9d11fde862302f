// What the activity log records about a change (record.ts), and what the webhook outbox
// announces from it (webhook-outbox.ts).
export interface ActivityEntry {
  projectId: string;
  taskId?: string | null;
  actorId: string;
  action: string;
  details?: Record<string, unknown>;
  at: number;
}
