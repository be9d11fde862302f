// Frozen: never edit once released; add a new migration instead. Runs on SQLite and MySQL.
//
// Issue 13: search across projects (features/search), index-backed on both databases.
// - MySQL/MariaDB: InnoDB FULLTEXT indexes on the task's title and description (and the title
//   alone, which weighs a title hit above a description hit) and on comment bodies; the server
//   keeps them as rows change.
// - SQLite: FTS5 tables over the same text, external content (the text is not stored twice; the
//   FTS rowid is the row's rowid), kept by triggers, so every write path (the API, the CSV import,
//   a restore, a cascade from a deleted project) updates them. Words are folded the way the
//   MySQL collation compares them: case and accents ignored (`unicode61 remove_diacritics 2`).
//   Rowids of tables without an INTEGER PRIMARY KEY may change under a manual VACUUM: after one,
//   rebuild the index (docs/search.md).
import { MysqlAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed against no app code */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof MysqlAdapter) {
    await sql`alter table tasks add fulltext index tasks_text_ft (title, description)`.execute(db);
    await sql`alter table tasks add fulltext index tasks_title_ft (title)`.execute(db);
    await sql`alter table comments add fulltext index comments_body_ft (body)`.execute(db);
    return;
  }
  const tokenize = sql.lit('unicode61 remove_diacritics 2');
  await sql`create virtual table tasks_fts using fts5(title, description,
    content='tasks', content_rowid='rowid', tokenize=${tokenize})`.execute(db);
  await sql`create virtual table comments_fts using fts5(body,
    content='comments', content_rowid='rowid', tokenize=${tokenize})`.execute(db);
  // Moves and status changes touch neither title nor description: they leave the index alone.
  await sql`create trigger tasks_fts_insert after insert on tasks begin
    insert into tasks_fts (rowid, title, description) values (new.rowid, new.title, new.description);
  end`.execute(db);
  await sql`create trigger tasks_fts_delete after delete on tasks begin
    insert into tasks_fts (tasks_fts, rowid, title, description)
      values ('delete', old.rowid, old.title, old.description);
  end`.execute(db);
  await sql`create trigger tasks_fts_update after update of title, description on tasks begin
    insert into tasks_fts (tasks_fts, rowid, title, description)
      values ('delete', old.rowid, old.title, old.description);
    insert into tasks_fts (rowid, title, description) values (new.rowid, new.title, new.description);
  end`.execute(db);
  await sql`create trigger comments_fts_insert after insert on comments begin
    insert into comments_fts (rowid, body) values (new.rowid, new.body);
  end`.execute(db);
  await sql`create trigger comments_fts_delete after delete on comments begin
    insert into comments_fts (comments_fts, rowid, body) values ('delete', old.rowid, old.body);
  end`.execute(db);
  await sql`create trigger comments_fts_update after update of body on comments begin
    insert into comments_fts (comments_fts, rowid, body) values ('delete', old.rowid, old.body);
    insert into comments_fts (rowid, body) values (new.rowid, new.body);
  end`.execute(db);
  // The rows already there.
  await sql`insert into tasks_fts (tasks_fts) values ('rebuild')`.execute(db);
  await sql`insert into comments_fts (comments_fts) values ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof MysqlAdapter) {
    await sql`alter table comments drop index comments_body_ft`.execute(db);
    await sql`alter table tasks drop index tasks_title_ft`.execute(db);
    await sql`alter table tasks drop index tasks_text_ft`.execute(db);
    return;
  }
  for (const trigger of [
    'comments_fts_update',
    'comments_fts_delete',
    'comments_fts_insert',
    'tasks_fts_update',
    'tasks_fts_delete',
    'tasks_fts_insert',
  ])
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  await sql`drop table if exists comments_fts`.execute(db);
  await sql`drop table if exists tasks_fts`.execute(db);
}
