// Search across every project the caller is a member of: ranked task hits with where they were
// found and an excerpt. Reads go where the caller's other reads go (a replica that holds their
// writes, db/read-routing.ts).
import type { AuthContext } from '../../access/caller.js';
import { isStatementTimeout } from '../../db/errors.js';
import type { Reader } from '../../db/read-routing.js';
import { ValidationFailed } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination.js';
import { toTask } from '../tasks/tasks.service.js';
import type { Task } from '../tasks/tasks.service.js';
import * as repo from './search.repository.js';
import { SEARCH_DEPTH_MAX } from './search.schemas.js';
import { excerpt, searchTerms } from './search.terms.js';

export interface SearchInput {
  q: string;
  limit?: number;
  cursor?: string;
}

export interface SearchHit {
  task: Task;
  project: { id: string; name: string };
  match: 'task' | 'comment';
  excerpt: string | null;
}

export class SearchService {
  constructor(
    private readonly reader: Reader,
    /** SEARCH_TIMEOUT_MS: MySQL/MariaDB stop a search after this long (docs/search.md). */
    private readonly timeoutMs = 3_000,
  ) {}

  async search(
    auth: AuthContext,
    input: SearchInput,
  ): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
    const terms = searchTerms(input.q);
    if (terms.length === 0)
      throw ValidationFailed('Type a word to search for', [
        { field: 'q', message: 'holds no letter or digit' },
      ]);
    const limit = input.limit ?? 20;
    // Ranked results page by offset: the cursor carries where the next page starts.
    const cursor = decodeCursor(input.cursor);
    const offset = cursor === undefined ? 0 : Number(cursor.k);
    if (!Number.isInteger(offset) || offset < 0 || offset > SEARCH_DEPTH_MAX)
      throw ValidationFailed('The cursor is not valid', [
        { field: 'cursor', message: 'is not a cursor this API returned' },
      ]);
    let rows: repo.SearchRow[];
    try {
      rows = await repo.searchTasks(this.reader(auth.user.id), {
        userId: auth.user.id,
        terms,
        limit,
        offset,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      // Words in most tasks: ranking them all would hold a connection for seconds.
      if (isStatementTimeout(error))
        throw ValidationFailed(
          'These words are in too many tasks to rank in time: add a word, or more of one',
          [{ field: 'q', message: 'matches too many tasks' }],
        );
      throw error;
    }
    const hasMore = rows.length > limit && offset + limit < SEARCH_DEPTH_MAX;
    const items = rows.slice(0, limit).map((row): SearchHit => {
      const inTask = Number(row.in_task) === 1;
      const fromDescription = inTask ? excerpt(row.description, terms) : null;
      return {
        task: toTask(row),
        project: { id: row.project_id, name: row.project_name },
        match: inTask ? 'task' : 'comment',
        excerpt: fromDescription ?? (inTask ? null : excerpt(row.comment_body, terms)),
      };
    });
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        hasMore && last ? encodeCursor({ k: offset + items.length, id: last.task.id }) : null,
    };
  }
}
