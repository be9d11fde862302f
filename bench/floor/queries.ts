// The floor's SQL, written out by hand and frozen: the statements the service's repository sent
// for the list scenario before issue 12 (first page, a page after a cursor, the labels of a page),
// and for the four-query floor also the API token with its user and the caller's membership (the
// rest of what a list request cost the service then). Frozen so that floor figures stay
// comparable between runs; the bench checks that the floor answers the service's JSON. Changed
// only when that JSON grows: issue 14's checklist progress added its two counts to the page query,
// and its attachments, covers and archive the attachment count, the cover's id and "active only";
// its board columns the task's column (its own, else the first of its status).
export type FloorDialect = 'sqlite' | 'mysql';

export interface FloorSql {
  /** The API token by hash with its user (the whole row, password hash included, as before). */
  token: string;
  /** The caller's role in the project. */
  membership: string;
  firstPage: string;
  pageAfter: string;
  labels: (count: number) => string;
}

export function floorSql(dialect: FloorDialect): FloorSql {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const col = (table: string, name: string) => `${q(table)}.${q(name)}`;
  const checklist = (aggregate: string, alias: string) =>
    `(select ${aggregate} from ${q('checklist_items')} as ${q('ci')} ` +
    `where ${col('ci', 'task_id')} = ${col('t', 'id')}) as ${q(alias)}`;
  const select =
    `select ${q('t')}.*, ${col('a', 'name')} as ${q('assignee_name')}, ` +
    `${checklist('count(*)', 'checklist_total')}, ` +
    `${checklist(`coalesce(sum(${col('ci', 'done')}), 0)`, 'checklist_done')}, ` +
    `(select count(*) from ${q('attachments')} as ${q('af')} ` +
    `where ${col('af', 'task_id')} = ${col('t', 'id')}) as ${q('attachment_count')}, ` +
    `(select ${col('tc', 'attachment_id')} from ${q('task_covers')} as ${q('tc')} ` +
    `where ${col('tc', 'task_id')} = ${col('t', 'id')}) as ${q('cover_attachment_id')}, ` +
    `coalesce(${col('t', 'column_id')}, (select ${col('pc', 'id')} from ${q('project_columns')} ` +
    `as ${q('pc')} where ${col('pc', 'project_id')} = ${col('t', 'project_id')} and ` +
    `${col('pc', 'category')} = ${col('t', 'status')} order by ${col('pc', 'position')} ` +
    `limit 1)) as ${q('column_ref')} ` +
    `from ${q('tasks')} as ${q('t')} left join ${q('users')} as ${q('a')} ` +
    `on ${col('a', 'id')} = ${col('t', 'assignee_id')} where ${col('t', 'project_id')} = ? ` +
    `and ${col('t', 'archived_at')} is null`;
  const order = ` order by ${col('t', 'position')} asc, ${col('t', 'id')} asc limit ?`;
  const position = col('t', 'position');
  const user = ['id', 'email', 'name', 'password_hash', 'role', 'created_at', 'updated_at']
    .map((c) => `${col('u', c)} as ${q(`user_${c}_`)}`)
    .join(', ');
  return {
    token:
      `select ${q('t')}.*, ${user} from ${q('api_tokens')} as ${q('t')} ` +
      `inner join ${q('users')} as ${q('u')} on ${col('u', 'id')} = ${col('t', 'user_id')} ` +
      `where ${col('t', 'token_hash')} = ?`,
    membership:
      `select ${q('role')} from ${q('project_members')} ` +
      `where ${q('project_id')} = ? and ${q('user_id')} = ?`,
    firstPage: select + order,
    pageAfter:
      select + ` and (${position} >= ? and (${position} > ? or ${col('t', 'id')} > ?))` + order,
    labels: (count) =>
      `select ${col('tl', 'task_id')}, ${col('l', 'id')}, ${col('l', 'project_id')}, ` +
      `${col('l', 'name')}, ${col('l', 'color')}, ${col('l', 'created_at')} ` +
      `from ${q('task_labels')} as ${q('tl')} inner join ${q('labels')} as ${q('l')} ` +
      `on ${col('l', 'id')} = ${col('tl', 'label_id')} ` +
      `where ${col('tl', 'task_id')} in (${Array.from({ length: count }, () => '?').join(', ')}) ` +
      `order by ${col('l', 'name')}`,
  };
}
