// The floor's SQL, written out by hand: the same statements the service's repository sends for
// the list scenario (first page and a page after a cursor) and for the labels of a page. The
// bench compares them with the repository's compiled SQL before every run, so they cannot drift.
export type FloorDialect = 'sqlite' | 'mysql';

export interface FloorSql {
  firstPage: string;
  pageAfter: string;
  labels: (count: number) => string;
}

export function floorSql(dialect: FloorDialect): FloorSql {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const col = (table: string, name: string) => `${q(table)}.${q(name)}`;
  const select =
    `select ${q('t')}.*, ${col('a', 'name')} as ${q('assignee_name')} ` +
    `from ${q('tasks')} as ${q('t')} left join ${q('users')} as ${q('a')} ` +
    `on ${col('a', 'id')} = ${col('t', 'assignee_id')} where ${col('t', 'project_id')} = ?`;
  const order = ` order by ${col('t', 'position')} asc, ${col('t', 'id')} asc limit ?`;
  const position = col('t', 'position');
  return {
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
