import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { LabelRow } from '../../db/types.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { toIso } from '../../platform/schemas.js';
import { normalizeName } from '../../platform/text.js';
import * as repo from './labels.repository.js';
import type { Label } from './labels.schemas.js';

export const toLabel = (row: LabelRow): Static<typeof Label> => ({
  id: row.id,
  projectId: row.project_id,
  name: row.name,
  color: row.color,
  createdAt: toIso(row.created_at),
});

export class LabelsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async list(auth: AuthContext, projectId: string) {
    await requireRole(this.db, auth.user.id, projectId, 'viewer');
    return (await repo.listLabels(this.db, projectId)).map(toLabel);
  }

  async create(auth: AuthContext, projectId: string, input: { name: string; color?: string }) {
    await requireRole(this.db, auth.user.id, projectId, 'editor');
    const name = normalizeName(input.name);
    const duplicate = () => Conflict(`The project already has a label named "${name}"`);
    if (await repo.findLabelByName(this.db, projectId, name)) throw duplicate();
    const row: LabelRow = {
      id: newId(),
      project_id: projectId,
      name,
      color: (input.color ?? '#6b7280').toLowerCase(),
      created_at: this.now(),
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await repo.insertLabel(trx, row);
        await recordActivity(trx, {
          projectId,
          actorId: auth.user.id,
          action: 'label.created',
          details: { name },
          at: row.created_at,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate();
      throw error;
    }
    return toLabel(row);
  }

  async remove(auth: AuthContext, labelId: string): Promise<void> {
    const label = await repo.findLabel(this.db, labelId);
    if (!label) throw NotFound('Label');
    await requireRole(this.db, auth.user.id, label.project_id, 'editor', 'Label');
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteLabel(trx, labelId);
      await recordActivity(trx, {
        projectId: label.project_id,
        actorId: auth.user.id,
        action: 'label.deleted',
        details: { name: label.name },
        at: this.now(),
      });
    });
  }
}
