import { describe, expect, it } from 'vitest';
import { archiveName, expired, newest } from './retention.js';

describe('backup retention', () => {
  it('names archives by UTC time, sortable', () => {
    expect(archiveName(new Date('2026-12-01T02:17:05.123Z'))).toBe(
      'taskmanager-20261201T021705Z.ndjson.gz',
    );
  });

  it('keeps the newest of each of the last N days and M weeks, and never touches other files', () => {
    // Two runs a day from Mon 2026-11-02 to Tue 2026-12-01.
    const names: string[] = ['notes.txt', 'taskmanager-latest.ndjson.gz'];
    for (let day = 0; day < 30; day++) {
      for (const hour of [2, 14]) {
        const at = new Date(Date.UTC(2026, 10, 2 + day, hour, 17));
        names.push(archiveName(at));
      }
    }
    const doomed = new Set(expired(names, { daily: 3, weekly: 2 }));
    const kept = names.filter((n) => !doomed.has(n));
    expect(kept).toEqual(
      [
        'notes.txt',
        'taskmanager-latest.ndjson.gz',
        // Newest of the week of Mon 2026-11-23 (Sun 29th, 14:17).
        'taskmanager-20261129T141700Z.ndjson.gz',
        // The last three days (newest of each); Tue 1 Dec is also the newest of its week.
        'taskmanager-20261129T141700Z.ndjson.gz',
        'taskmanager-20261130T141700Z.ndjson.gz',
        'taskmanager-20261201T141700Z.ndjson.gz',
      ].filter((n, i, all) => all.indexOf(n) === i),
    );
  });

  it('finds the newest archive by the time in its name, ignoring other files', () => {
    expect(
      newest([
        'taskmanager-20261130T021700Z.ndjson.gz',
        'taskmanager-20261201T021700Z.ndjson.gz.sha256',
        'taskmanager-20261201T021700Z.ndjson.gz',
        'taskmanager-20261129T235959Z.ndjson.gz',
        'zz-notes.txt',
      ]),
    ).toBe('taskmanager-20261201T021700Z.ndjson.gz');
    expect(newest(['notes.txt'])).toBeUndefined();
  });
});
