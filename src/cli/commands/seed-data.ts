// Realistic demo and benchmark data, written in large batches inside transactions: 100k tasks
// take seconds on SQLite. Every user shares one password (hashed once) so seeding stays fast.
import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database, TasksTable } from '../../db/types.js';
import { hashPassword } from '../../features/auth/passwords.js';
import { defaultColumnRows } from '../../features/columns/columns.service.js';
import { newId, randomToken, sha256 } from '../../platform/ids.js';

export interface SeedOptions {
  users: number;
  projects: number;
  tasks: number;
  password: string;
  /** Deterministic pseudo-random data for the same seed. */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  users: { email: string }[];
  projectIds: string[];
  tasks: number;
  /** An API token of the first user (for scripts and benchmarks). */
  apiToken: string;
}

const BATCH = 1000;

const verbs = [
  'Write',
  'Review',
  'Fix',
  'Design',
  'Plan',
  'Test',
  'Deploy',
  'Document',
  'Refactor',
  'Measure',
];
const things = [
  'login page',
  'billing export',
  'search index',
  'onboarding email',
  'API rate limits',
  'release notes',
  'dashboard',
  'mobile layout',
  'backup job',
  'database migration',
  'kanban board',
  'audit log',
];
const firstNames = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Alan',
  'Barbara',
  'Ken',
  'Radia',
  'Dennis',
  'Frances',
  'Edsger',
  'Katherine',
];
const lastNames = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Turing',
  'Liskov',
  'Thompson',
  'Perlman',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Johnson',
];
const labelNames: [string, string][] = [
  ['bug', '#dc2626'],
  ['feature', '#2563eb'],
  ['docs', '#059669'],
  ['ops', '#d97706'],
  ['design', '#7c3aed'],
];
const statuses = ['todo', 'in_progress', 'done'] as const;

/** mulberry32: small, fast, seedable. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function insertBatches<T extends keyof Database>(
  db: Db,
  table: T,
  rows: Insertable<Database[T]>[],
) {
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + BATCH))
      .execute();
  }
}

export async function seed(db: Db, options: SeedOptions): Promise<SeedResult> {
  const rnd = random(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const now = Date.now();
  const passwordHash = await hashPassword(options.password);
  const runTag = randomToken(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x');

  const users = Array.from({ length: Math.max(1, options.users) }, (_, i) => ({
    id: newId(),
    email: `user${i + 1}.${runTag}@example.com`,
    name: `${pick(firstNames)} ${pick(lastNames)}`,
    password_hash: passwordHash,
    role: 'user' as const,
    created_at: now,
    updated_at: now,
  }));
  const projects = Array.from({ length: Math.max(1, options.projects) }, (_, i) => ({
    id: newId(),
    name: `${pick(things).replace(/^./, (c) => c.toUpperCase())} ${i + 1}`,
    description: 'Seeded demo project',
    created_by: users[i % users.length]!.id,
    created_at: now,
    updated_at: now,
  }));

  // Each project: its creator owns it; up to four more users edit or view it.
  const members: Insertable<Database['project_members']>[] = [];
  const membersOf = new Map<string, string[]>();
  for (const [i, project] of projects.entries()) {
    const ids = new Set([project.created_by]);
    members.push({
      project_id: project.id,
      user_id: project.created_by,
      role: 'owner',
      created_at: now,
    });
    for (let k = 1; k <= Math.min(4, users.length - 1); k++) {
      const user = users[(i + k) % users.length]!;
      if (ids.has(user.id)) continue;
      ids.add(user.id);
      members.push({
        project_id: project.id,
        user_id: user.id,
        role: k === 4 ? 'viewer' : 'editor',
        created_at: now,
      });
    }
    membersOf.set(project.id, [...ids]);
  }
  const labels = projects.flatMap((project) =>
    labelNames.map(([name, color]) => ({
      id: newId(),
      project_id: project.id,
      name,
      color,
      created_at: now,
    })),
  );

  // Each project's board columns; each task names its status' column.
  const columns = projects.flatMap((project) => defaultColumnRows(project.id, now));
  const columnOf = new Map(columns.map((c) => [`${c.project_id}:${c.category}`, c.id]));

  await db.transaction().execute(async (trx) => {
    await insertBatches(trx, 'users', users);
    await insertBatches(trx, 'projects', projects);
    await insertBatches(trx, 'project_members', members);
    await insertBatches(trx, 'project_columns', columns);
    await insertBatches(trx, 'labels', labels);
  });

  const positions = new Map<string, number>();
  let written = 0;
  while (written < options.tasks) {
    const count = Math.min(BATCH * 10, options.tasks - written);
    const tasks: Insertable<TasksTable>[] = [];
    const taskLabels: Insertable<Database['task_labels']>[] = [];
    for (let i = 0; i < count; i++) {
      const project = projects[(written + i) % projects.length]!;
      const status = pick(statuses);
      const key = `${project.id}:${status}`;
      const position = (positions.get(key) ?? 0) + 1024;
      positions.set(key, position);
      const people = membersOf.get(project.id)!;
      const created = now - Math.floor(rnd() * 90 * 86_400_000);
      const id = newId();
      tasks.push({
        id,
        project_id: project.id,
        title: `${pick(verbs)} ${pick(things)}`,
        description:
          rnd() < 0.6
            ? `Details for task ${written + i + 1}: ${pick(verbs).toLowerCase()} the ${pick(things)}.`
            : null,
        status,
        column_id: columnOf.get(key)!,
        priority: Math.floor(rnd() * 4),
        position,
        due_at: rnd() < 0.5 ? now + Math.floor((rnd() - 0.3) * 30 * 86_400_000) : null,
        assignee_id: rnd() < 0.7 ? pick(people) : null,
        created_by: pick(people),
        version: 1,
        created_at: created,
        updated_at: created,
      });
      if (rnd() < 0.4) {
        const projectLabels = labels.filter((l) => l.project_id === project.id);
        taskLabels.push({ task_id: id, label_id: pick(projectLabels).id });
      }
    }
    await db.transaction().execute(async (trx) => {
      await insertBatches(trx, 'tasks', tasks);
      await insertBatches(trx, 'task_labels', taskLabels);
    });
    written += count;
    options.onProgress?.(written, options.tasks);
  }

  const apiToken = `tm_${randomToken(32)}`;
  await db
    .insertInto('api_tokens')
    .values({
      id: newId(),
      user_id: users[0]!.id,
      name: 'seed',
      token_hash: sha256(apiToken),
      prefix: apiToken.slice(0, 8),
      created_at: now,
      last_used_at: null,
    })
    .execute();

  return {
    users: users.map((u) => ({ email: u.email })),
    projectIds: projects.map((p) => p.id),
    tasks: written,
    apiToken,
  };
}
