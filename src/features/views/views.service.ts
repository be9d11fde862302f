// Saved views (issue 14): a user's named filters of a project's board or list. Each view is its
// owner's alone (another user's answers 404, as an unknown one), and only while they are a member
// of the project. The filters are checked and normalized here, so that a view never opens a URL
// the web UI would not have made.
import type { Static } from 'typebox';
import type { AuthContext } from '../../access/caller.js';
import { requireRole, roleIn } from '../../access/roles.js';
import type { Db } from '../../db/database.js';
import type { SavedViewsTable } from '../../db/types.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso } from '../../platform/schemas.js';
import { FILTER_KEYS } from './views.schemas.js';
import type { SavedView } from './views.schemas.js';

/** Views one user may keep per project: enough for every way of looking, few enough to list. */
export const MAX_VIEWS = 50;
const MAX_VALUE = 200;

type View = Static<typeof SavedView>;

const toView = (row: SavedViewsTable): View => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  view: row.view,
  query: row.query,
  createdAt: toIso(Number(row.created_at)),
  updatedAt: toIso(Number(row.updated_at)),
});

/** The filters in a fixed order, empty ones left out; 400 for an unknown or repeated name. */
export function normalizeQuery(text: string): string {
  const params = new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
  const unknown = [...new Set(params.keys())].filter(
    (key) => !(FILTER_KEYS as readonly string[]).includes(key),
  );
  const repeated = FILTER_KEYS.filter((key) => params.getAll(key).length > 1);
  const tooLong = FILTER_KEYS.filter((key) => (params.get(key) ?? '').length > MAX_VALUE);
  if (unknown.length > 0 || repeated.length > 0 || tooLong.length > 0) {
    const problems = [
      unknown.length > 0 && `unknown filters: ${unknown.join(', ')}`,
      repeated.length > 0 && `given more than once: ${repeated.join(', ')}`,
      tooLong.length > 0 && `longer than ${MAX_VALUE} characters: ${tooLong.join(', ')}`,
    ].filter((p): p is string => typeof p === 'string');
    throw ValidationFailed('The view holds filters the board and the list do not have', [
      { field: 'query', message: problems.join('; ') },
    ]);
  }
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) out.set(key, value);
  }
  return out.toString();
}

const sameName = (a: string, b: string) =>
  a.trim().toLocaleLowerCase('en') === b.trim().toLocaleLowerCase('en');

export class ViewsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private mine(userId: string, projectId: string) {
    return this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('user_id', '=', userId)
      .where('project_id', '=', projectId);
  }

  async list(auth: AuthContext, projectId: string) {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
    const rows = await this.mine(auth.user.id, projectId).orderBy('name').orderBy('id').execute();
    return { items: rows.map(toView) };
  }

  private async checkName(userId: string, projectId: string, name: string, except?: string) {
    const rows = await this.mine(userId, projectId).execute();
    if (rows.some((row) => row.id !== except && sameName(row.name, name)))
      throw Conflict('You already have a view with this name in this project', [
        { field: 'name', message: 'is taken by another of your views' },
      ]);
    return rows.length;
  }

  async create(
    auth: AuthContext,
    projectId: string,
    input: { name: string; view: View['view']; query: string },
  ): Promise<View> {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
    const query = normalizeQuery(input.query);
    const name = input.name.trim();
    const count = await this.checkName(auth.user.id, projectId, name);
    if (count >= MAX_VIEWS)
      throw Conflict(`A project holds at most ${MAX_VIEWS} views of yours; delete one first`);
    const now = this.now();
    const row: SavedViewsTable = {
      id: newId(),
      user_id: auth.user.id,
      project_id: projectId,
      name,
      view: input.view,
      query,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('saved_views').values(row).execute();
    return toView(row);
  }

  /** The caller's own view, while they may still see its project; 404 otherwise. */
  private async own(auth: AuthContext, viewId: string): Promise<SavedViewsTable> {
    const row = await this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('id', '=', viewId)
      .where('user_id', '=', auth.user.id)
      .executeTakeFirst();
    if (!row || !(await roleIn(this.db, row.project_id, auth.user.id))) throw NotFound('View');
    return row;
  }

  async update(
    auth: AuthContext,
    viewId: string,
    input: { name?: string; view?: View['view']; query?: string },
  ): Promise<View> {
    const row = await this.own(auth, viewId);
    const changes: Partial<SavedViewsTable> = { updated_at: this.now() };
    if (input.query !== undefined) changes.query = normalizeQuery(input.query);
    if (input.view !== undefined) changes.view = input.view;
    if (input.name !== undefined) {
      changes.name = input.name.trim();
      await this.checkName(auth.user.id, row.project_id, changes.name, row.id);
    }
    await this.db.updateTable('saved_views').set(changes).where('id', '=', viewId).execute();
    return toView({ ...row, ...changes });
  }

  async remove(auth: AuthContext, viewId: string): Promise<void> {
    await this.own(auth, viewId);
    await this.db.deleteFrom('saved_views').where('id', '=', viewId).execute();
  }
}
