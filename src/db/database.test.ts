import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './database.js';

describe('withStatementCache', () => {
  it('prepares a statement once and reuses it for the same SQL', () => {
    const sqlite = new SqliteDatabase(':memory:');
    const db = withStatementCache(sqlite);
    const first = db.prepare('select ? as n');
    expect(db.prepare('select ? as n')).toBe(first);
    expect(db.prepare('select ? + 1 as n')).not.toBe(first);
    expect(first.all([41])).toEqual([{ n: 41 }]);
    expect(db.prepare('select ? as n').all([42])).toEqual([{ n: 42 }]);
    db.close();
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const sqlite = new SqliteDatabase(':memory:');
    const db = withStatementCache(sqlite, 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a); // now b is the least recently used
    db.prepare('select 3'); // evicts b
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    db.close();
  });

  it('still sees schema changes made after a statement was prepared', () => {
    const sqlite = new SqliteDatabase(':memory:');
    const db = withStatementCache(sqlite);
    db.prepare('create table t (a integer)').run([]);
    db.prepare('insert into t (a) values (?)').run([1]);
    expect(db.prepare('select * from t').all([])).toEqual([{ a: 1 }]);
    db.prepare('alter table t add column b integer').run([]);
    expect(db.prepare('select * from t').all([])).toEqual([{ a: 1, b: null }]);
    db.close();
  });
});
