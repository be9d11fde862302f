import { describe, expect, it } from 'vitest';
import { holds, parseGtidSet } from './read-routing.js';

describe('replication positions', () => {
  it('MariaDB: a replica holds a position when every domain has reached its sequence', () => {
    expect(holds('mariadb', '0-1-42', '0-1-42')).toBe(true);
    expect(holds('mariadb', '0-1-43', '0-1-42')).toBe(true);
    expect(holds('mariadb', '0-1-41', '0-1-42')).toBe(false);
    // Sequences grow per domain whichever server wrote them (after a switch-over too).
    expect(holds('mariadb', '0-2-50,1-1-7', '0-1-42,1-1-7')).toBe(true);
    expect(holds('mariadb', '0-1-50', '0-1-42,1-1-7')).toBe(false);
    expect(holds('mariadb', '0-1-9', '')).toBe(true);
    expect(holds('mariadb', '', '0-1-1')).toBe(false);
  });

  it('MySQL: a replica holds a GTID set that is a subset of its executed set', () => {
    const a = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    const b = '4d22fb58-82db-22f2-af44-d91bb0530673';
    expect(holds('mysql', `${a}:1-100`, `${a}:1-57`)).toBe(true);
    expect(holds('mysql', `${a}:1-50`, `${a}:1-57`)).toBe(false);
    expect(holds('mysql', `${a}:1-10:12-20,\n${b}:1-5`, `${a}:12-15,${b}:3`)).toBe(true);
    expect(holds('mysql', `${a}:1-10:12-20`, `${a}:1-11`)).toBe(false);
    expect(holds('mysql', `${a}:1-100`, `${a}:1-5,${b}:1`)).toBe(false);
    expect(holds('mysql', `${a.toUpperCase()}:1-9`, `${a}:1-9`)).toBe(true);
  });

  it('MySQL: reads tagged GTIDs (8.3+) per source and tag', () => {
    const a = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    expect([...parseGtidSet(`${a}:1-5:app:1-3`)]).toEqual([
      [a, [[1n, 5n]]],
      [`${a}:app`, [[1n, 3n]]],
    ]);
    expect(holds('mysql', `${a}:1-5:app:1-3`, `${a}:app:2`)).toBe(true);
    expect(holds('mysql', `${a}:1-5`, `${a}:app:2`)).toBe(false);
  });
});
