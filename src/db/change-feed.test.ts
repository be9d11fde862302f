import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeFeed } from './change-feed.js';
import { openDatabase } from './database.js';
import type { DatabaseHandle } from './database.js';
import { migrateToLatest } from './migrate.js';

describe('ChangeFeed', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** Two processes' handles on one SQLite file. */
  async function twoHandles(): Promise<[DatabaseHandle, DatabaseHandle]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'change-feed-'));
    const config = { dialect: 'sqlite' as const, file: path.join(dir, 'db.sqlite') };
    const first = openDatabase(config);
    await migrateToLatest(first.db);
    const second = openDatabase(config);
    cleanups.push(async () => {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return [first, second];
  }

  it('delivers another process’s changes once, and its own at once', async () => {
    const [one, two] = await twoHandles();
    let clock = 1_000;
    const writer = new ChangeFeed(one.db, { now: () => clock });
    const reader = new ChangeFeed(two.db, { now: () => clock });
    const seen: string[] = [];
    const own: string[] = [];
    reader.on('credentials', (subject) => seen.push(subject));
    writer.on('credentials', (subject) => own.push(subject));
    await writer.publish(one.db, 'credentials', 'before-start');
    await reader.poll(); // the first poll starts from the newest row
    await writer.publish(one.db, 'credentials', 'user-1');
    await writer.publish(one.db, 'other', 'ignored');
    expect(own).toEqual(['before-start', 'user-1']);
    await reader.poll();
    clock += 1_000;
    await reader.poll(); // not settled yet: read again, not dispatched again
    clock += 10_000;
    await reader.poll();
    await reader.poll();
    expect(seen).toEqual(['user-1']);
  });

  it('a row committed late with a smaller id is still delivered', async () => {
    const [one, two] = await twoHandles();
    const clock = 5_000;
    const reader = new ChangeFeed(two.db, { now: () => clock });
    const seen: string[] = [];
    reader.on('t', (subject) => seen.push(subject));
    await reader.poll();
    // Simulate an id handed out earlier but visible later: insert id 10 first, then id 5.
    await one.db
      .insertInto('changes')
      .values({ id: 10, topic: 't', subject: 'b', created_at: clock })
      .execute();
    await reader.poll();
    await one.db
      .insertInto('changes')
      .values({ id: 5, topic: 't', subject: 'a', created_at: clock })
      .execute();
    await reader.poll();
    expect(seen).toEqual(['b', 'a']);
  });

  it('is caught up only while polls succeed recently', async () => {
    const [one] = await twoHandles();
    let clock = 0;
    const feed = new ChangeFeed(one.db, { now: () => clock, intervalMs: 60_000 });
    expect(feed.caughtUpWithin(1_500)).toBe(false);
    feed.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(feed.caughtUpWithin(1_500)).toBe(true);
    clock += 2_000; // no poll since: a cache must read through
    expect(feed.caughtUpWithin(1_500)).toBe(false);
    feed.stop();
  });
});
