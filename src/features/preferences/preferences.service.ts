// The signed-in user's own settings of the web UI (language, theme), kept with the account so
// they follow it to every browser. No row means the defaults; the first change writes one.
import type { AuthContext } from '../../access/caller.js';
import { isMysql } from '../../db/database.js';
import type { Db } from '../../db/database.js';
import type { Preferences } from './preferences.schemas.js';

const DEFAULTS: Preferences = { language: null, theme: 'system' };

const read = async (db: Db, userId: string): Promise<Preferences> => {
  const row = await db
    .selectFrom('user_preferences')
    .select(['language', 'theme'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { language: row.language as Preferences['language'], theme: row.theme } : DEFAULTS;
};

export class PreferencesService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  get(auth: AuthContext): Promise<Preferences> {
    return read(this.db, auth.user.id);
  }

  /** Changes the fields given, in one upsert (two tabs saving at once both land). */
  update(auth: AuthContext, change: Partial<Preferences>): Promise<Preferences> {
    const set = { ...change, updated_at: this.now() };
    return this.db.transaction().execute(async (trx) => {
      const insert = trx
        .insertInto('user_preferences')
        .values({ user_id: auth.user.id, ...DEFAULTS, ...set });
      await (
        isMysql(trx)
          ? insert.onDuplicateKeyUpdate(set)
          : insert.onConflict((conflict) => conflict.column('user_id').doUpdateSet(set))
      ).execute();
      return read(trx, auth.user.id);
    });
  }
}
