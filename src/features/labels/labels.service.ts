import type { AuthContext } from '../../access/caller.js';
import { requireRole } from '../../access/roles.js';
import { recordActivity } from '../../activity-log/record.js';
import type { Static } from 'typebox';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { LabelRow } from '../../db/types.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
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
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async list(auth: AuthContext, projectId: string) {
    const db = this.reader(auth.user.id);
    await requireRole(db, auth.user.id, projectId, 'viewer');
    return (await repo.listLabels(db, projectId)).map(toLabel);
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
    const label = await this.writable(this.db, auth, labelId);
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

  /** The label, for a caller who may change it: 404 for strangers, 403 for viewers. */
  private async writable(db: Db, auth: AuthContext, labelId: string) {
    const label = await repo.findLabel(db, labelId);
    if (!label) throw NotFound('Label');
    await requireRole(db, auth.user.id, label.project_id, 'editor', 'Label');
    return label;
  }

  /** Renames and/or recolours; a name another label of the project has is a 409. */
  async update(auth: AuthContext, labelId: string, input: { name?: string; color?: string }) {
    const label = await this.writable(this.db, auth, labelId);
    const changes: { name?: string; color?: string } = {};
    if (input.name !== undefined) changes.name = normalizeName(input.name);
    if (input.color !== undefined) changes.color = input.color.toLowerCase();
    const duplicate = () =>
      Conflict(`The project already has a label named "${changes.name}"`, [
        { field: 'name', message: 'is taken by another label of this project' },
      ]);
    if (changes.name !== undefined && changes.name !== label.name) {
      const other = await repo.findLabelByName(this.db, label.project_id, changes.name);
      if (other && other.id !== labelId) throw duplicate();
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        await repo.updateLabel(trx, labelId, changes);
        await recordActivity(trx, {
          projectId: label.project_id,
          actorId: auth.user.id,
          action: 'label.updated',
          details: {
            name: changes.name ?? label.name,
            ...(changes.name !== undefined && changes.name !== label.name
              ? { from: label.name }
              : {}),
            ...(changes.color !== undefined ? { color: changes.color } : {}),
          },
          at: this.now(),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate();
      throw error;
    }
    return toLabel({ ...label, ...changes });
  }

  /** Every task with this label gets `intoId` instead; this label is deleted. Returns the target. */
  async merge(auth: AuthContext, labelId: string, intoId: string) {
    const label = await this.writable(this.db, auth, labelId);
    const into = await repo.findLabel(this.db, intoId);
    if (!into || into.project_id !== label.project_id || into.id === label.id) {
      throw ValidationFailed('A label merges into another label of the same project', [
        {
          field: 'into',
          message:
            into?.id === label.id ? 'is the label being merged' : 'is not a label of this project',
        },
      ]);
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        const tasks = await repo.addLabelWhereLabelled(trx, labelId, intoId);
        await repo.deleteLabel(trx, labelId);
        await recordActivity(trx, {
          projectId: label.project_id,
          actorId: auth.user.id,
          action: 'label.merged',
          details: { name: label.name, into: into.name, tasks },
          at: this.now(),
        });
      });
    } catch (error) {
      // A task edit gave a task the target label meanwhile: nothing was changed, try again.
      if (isUniqueViolation(error)) throw Conflict('The labels changed meanwhile; try again');
      throw error;
    }
    return toLabel(into);
  }
}
