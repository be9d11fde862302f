// The search query: the caller's projects only, title/description and comment hits from the
// full-text index of each database (migration 20261202T1500), one row per task, best first.
import { CompiledQuery, sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { isMysql } from '../../db/database.js';
import type { Db } from '../../db/database.js';
import { flavourOf } from '../../db/read-routing.js';
import type { Flavour } from '../../db/read-routing.js';
import { taskRowExtras, labelsJson, likePattern } from '../tasks/tasks.repository.js';
import type { TaskListRow } from '../tasks/tasks.repository.js';
import { fts5Query, mysqlQuery } from './search.terms.js';

export interface SearchFilter {
  userId: string;
  terms: string[];
  limit: number;
  offset: number;
  /**
   * MySQL/MariaDB only: the server stops the query after this long (a word in most tasks costs
   * seconds to rank there); SQLite's driver cannot interrupt a statement.
   */
  timeoutMs: number;
}

export type SearchRow = TaskListRow & {
  project_name: string;
  score: number | string;
  /** 1 when the task's own text matched (else only a comment did). */
  in_task: number | string;
  /** A matching comment, when one did. */
  comment_body: string | null;
};

interface Hit {
  task_id: string;
  score: number;
  in_task: number;
  comment_id: string | null;
}

/**
 * SQLite: the FTS5 tables, ranked by bm25 (a title hit weighs ten times a description hit, a
 * comment hit half a task's), negated so that higher is better as on MySQL.
 */
function sqliteHits(filter: SearchFilter): RawBuilder<Hit> {
  const match = fts5Query(filter.terms);
  return sql<Hit>`select task_id, max(score) as score, max(in_task) as in_task,
      max(comment_id) as comment_id
    from (
      select t.id as task_id, -bm25(tasks_fts, 10.0, 1.0) as score, 1 as in_task,
        null as comment_id
      from tasks_fts
      inner join tasks t on t.rowid = tasks_fts.rowid
      inner join project_members pm on pm.project_id = t.project_id and pm.user_id = ${filter.userId}
      where tasks_fts match ${match}
      union all
      select c.task_id, -bm25(comments_fts) * 0.5, 0, c.id
      from comments_fts
      inner join comments c on c.rowid = comments_fts.rowid
      inner join tasks t on t.id = c.task_id
      inner join project_members pm on pm.project_id = t.project_id and pm.user_id = ${filter.userId}
      where comments_fts match ${match}
    ) x
    group by task_id`;
}

/**
 * MySQL/MariaDB: boolean-mode MATCH over the FULLTEXT indexes (title twice: once alone, once with
 * the description); words InnoDB does not index are required as substrings. With no indexed word
 * at all the query falls back to substrings alone: a scan of the caller's projects (docs/search.md).
 */
function mysqlHits(filter: SearchFilter): RawBuilder<Hit> {
  const { match, like } = mysqlQuery(filter.terms);
  const taskLike = like.map(
    (term) =>
      sql`and (t.title like ${likePattern(term)} escape '!' or t.description like ${likePattern(term)} escape '!')`,
  );
  const commentLike = like.map((term) => sql`and c.body like ${likePattern(term)} escape '!'`);
  const taskScore = match
    ? sql`match (t.title) against (${match} in boolean mode) * 2
        + match (t.title, t.description) against (${match} in boolean mode)`
    : sql`1`;
  const taskMatch = match
    ? sql`match (t.title, t.description) against (${match} in boolean mode)`
    : sql`1 = 1`;
  const commentScore = match
    ? sql`match (c.body) against (${match} in boolean mode) * 0.5`
    : sql`0.5`;
  const commentMatch = match ? sql`match (c.body) against (${match} in boolean mode)` : sql`1 = 1`;
  return sql<Hit>`select task_id, max(score) as score, max(in_task) as in_task,
      max(comment_id) as comment_id
    from (
      select t.id as task_id, ${taskScore} as score, 1 as in_task, null as comment_id
      from tasks t
      inner join project_members pm on pm.project_id = t.project_id and pm.user_id = ${filter.userId}
      where ${taskMatch} ${sql.join(taskLike, sql` `)}
      union all
      select c.task_id, ${commentScore}, 0, c.id
      from comments c
      inner join tasks t on t.id = c.task_id
      inner join project_members pm on pm.project_id = t.project_id and pm.user_id = ${filter.userId}
      where ${commentMatch} ${sql.join(commentLike, sql` `)}
    ) x
    group by task_id`;
}

const flavours = new WeakMap<Db, Promise<Flavour>>();

/**
 * One page of hits (limit + 1 rows, to tell whether there is a next page). On MySQL/MariaDB the
 * statement carries its time limit; past it the server fails it (db/errors isStatementTimeout).
 */
export async function searchTasks(db: Db, filter: SearchFilter): Promise<SearchRow[]> {
  // A derived table: the raw query in parentheses, under an alias.
  const hits = sql<Hit>`(${isMysql(db) ? mysqlHits(filter) : sqliteHits(filter)})`.as('h');
  const query = db
    .selectFrom(hits)
    .innerJoin('tasks as t', 't.id', 'h.task_id')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .leftJoin('users as a', 'a.id', 't.assignee_id')
    .leftJoin('comments as c', 'c.id', 'h.comment_id')
    .selectAll('t')
    .select([
      'a.name as assignee_name',
      labelsJson(db),
      ...taskRowExtras,
      'p.name as project_name',
      'h.score',
      'h.in_task',
      'c.body as comment_body',
    ])
    .orderBy('h.score', 'desc')
    .orderBy('t.id')
    .limit(filter.limit + 1)
    .offset(filter.offset);
  if (!isMysql(db)) return query.execute();
  let flavour = flavours.get(db);
  if (!flavour) flavours.set(db, (flavour = flavourOf(db)));
  const compiled = query.compile();
  const limited =
    (await flavour) === 'mariadb'
      ? `set statement max_statement_time = ${filter.timeoutMs / 1000} for ${compiled.sql}`
      : compiled.sql.replace(/^select /, `select /*+ MAX_EXECUTION_TIME(${filter.timeoutMs}) */ `);
  const result = await db.executeQuery<SearchRow>(
    CompiledQuery.raw(limited, [...compiled.parameters]),
  );
  return result.rows;
}
