// Tasks from a CSV file into an existing project (issue 15): the file's columns are mapped to task
// fields (suggested from the header names, chosen by the user), and every row is checked before
// anything is written, with a message per row and column (a spreadsheet's row number: the header
// is row 1). Pure functions: the service reads the project's labels and members and writes.
import { parse } from 'csv-parse/sync';
import { ValidationFailed } from '../../platform/errors.js';
import { normalizeEmail, normalizeName } from '../../platform/text.js';
import { parseTimestamp } from '../../platform/timestamps.js';
import { PRIORITIES, STATUSES } from '../tasks/tasks.domain.js';
import type { Priority, Status } from '../tasks/tasks.domain.js';

export const CSV_FIELDS = [
  'title',
  'description',
  'status',
  'priority',
  'dueAt',
  'labels',
  'assignee',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];
/** The file's column (its header text) read for each field; null or absent: not imported. */
export type CsvMapping = Partial<Record<CsvField, string | null>>;

/** Rows one file may hold: what one request checks and writes in one transaction. */
export const MAX_CSV_ROWS = 10_000;
const TITLE_MAX = 200;
const DESCRIPTION_MAX = 20_000;

/** Header names recognised for each field, compared without case, spaces, dashes or underscores. */
const NAMES: Record<CsvField, string[]> = {
  title: ['title', 'name', 'task', 'summary', 'subject', 'cardname'],
  description: ['description', 'notes', 'details', 'body', 'carddescription'],
  status: ['status', 'state', 'stage', 'list', 'column', 'listname'],
  priority: ['priority', 'importance'],
  dueAt: ['dueat', 'due', 'duedate', 'deadline'],
  labels: ['labels', 'label', 'tags', 'tag'],
  assignee: ['assignee', 'assignedto', 'owner', 'assigneeemail'],
};
/** A header, status or column name as compared: case, spaces, `_` and `-` aside. */
export const nameKey = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

const STATUS_NAMES: Record<string, Status> = {
  todo: 'todo',
  inprogress: 'in_progress',
  doing: 'in_progress',
  done: 'done',
  // Spanish, as the web UI names them.
  porhacer: 'todo',
  pendiente: 'todo',
  enprogreso: 'in_progress',
  hecho: 'done',
  hecha: 'done',
};

export interface CsvTable {
  headers: string[];
  /** Data rows, each as long as the header (missing cells are empty). */
  rows: string[][];
}

/** Parses RFC 4180 text (a byte-order mark, CRLF or LF); blank lines are skipped. */
export function parseCsv(text: string): CsvTable {
  let records: string[][];
  try {
    const parsed: string[][] = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 1_048_576,
    });
    records = parsed;
  } catch (error) {
    throw ValidationFailed(`The file is not valid CSV: ${(error as Error).message}`, [
      { field: 'csv', message: 'is not valid CSV' },
    ]);
  }
  const [header, ...rows] = records;
  if (!header || header.every((h) => h.trim() === ''))
    throw ValidationFailed('The file has no header row', [
      { field: 'csv', message: 'needs a header row naming its columns' },
    ]);
  if (rows.length > MAX_CSV_ROWS)
    throw ValidationFailed(`The file has ${rows.length} rows; at most ${MAX_CSV_ROWS} at once`, [
      { field: 'csv', message: `has more than ${MAX_CSV_ROWS} rows` },
    ]);
  const headers = header.map((h) => h.trim());
  return { headers, rows: rows.map((r) => headers.map((_, i) => r[i] ?? '')) };
}

/** For each field, the first column whose header names it (our own export's names included). */
export function suggestMapping(headers: string[]): Record<CsvField, string | null> {
  const out = {} as Record<CsvField, string | null>;
  const taken = new Set<string>();
  for (const field of CSV_FIELDS) {
    const found = headers.find((h) => !taken.has(h) && NAMES[field].includes(nameKey(h)));
    out[field] = found ?? null;
    if (found) taken.add(found);
  }
  return out;
}

/** The mapping given, checked against the file: every column named exists, the title is mapped. */
export function checkMapping(headers: string[], mapping: CsvMapping): Record<CsvField, number> {
  const issues: { field: string; message: string }[] = [];
  const index = {} as Record<CsvField, number>;
  for (const field of CSV_FIELDS) {
    const column = mapping[field];
    index[field] = column == null ? -1 : headers.indexOf(column);
    if (column != null && index[field] === -1)
      issues.push({ field: `mapping.${field}`, message: `names no column of the file: ${column}` });
  }
  if (mapping.title == null)
    issues.push({ field: 'mapping.title', message: 'is required: which column holds the titles' });
  if (issues.length > 0) throw ValidationFailed('The column mapping does not fit the file', issues);
  return index;
}

export interface CsvTask {
  /** The row's number in the file (the header is row 1). */
  row: number;
  title: string;
  description: string | null;
  status: Status;
  /** A column the status cell named; null: the first column of the status. */
  columnId: string | null;
  priority: Priority;
  dueAt: number | null;
  labelIds: string[];
  assigneeId: string | null;
}

export interface CsvIssue {
  row: number;
  field: CsvField;
  message: string;
}

/** What the project holds that rows may name: labels by name, members by email. */
export interface CsvContext {
  labels: Map<string, string>;
  members: Map<string, string>;
  /** The project's columns by name (compared as headers are: case, spaces, _ and - aside). */
  columns: Map<string, { id: string; name: string; category: Status }>;
}

/** A cell as typed: our export's guard against spreadsheet formulas ('=…) taken off again. */
const cell = (value: string) => value.replace(/^'(?='*[=+\-@\t\r])/, '');

/** A date alone is the end of that day in UTC; anything else must be an RFC 3339 time. */
function dueOf(value: string): number | null | undefined {
  const text = value.trim();
  if (text === '') return null;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return parseTimestamp(date ? `${text}T23:59:59Z` : text) ?? undefined;
}

export function readRows(
  table: CsvTable,
  index: Record<CsvField, number>,
  context: CsvContext,
): { tasks: CsvTask[]; issues: CsvIssue[] } {
  const tasks: CsvTask[] = [];
  const issues: CsvIssue[] = [];
  table.rows.forEach((cells, i) => {
    const row = i + 2;
    const at = (field: CsvField) => (index[field] === -1 ? '' : cell(cells[index[field]] ?? ''));
    const problems: CsvIssue[] = [];
    const problem = (field: CsvField, message: string) => problems.push({ row, field, message });

    const title = at('title').trim();
    if (title === '') problem('title', 'is empty');
    else if ([...title].length > TITLE_MAX)
      problem('title', `is longer than ${TITLE_MAX} characters`);
    const description = at('description');
    if ([...description].length > DESCRIPTION_MAX)
      problem('description', `is longer than ${DESCRIPTION_MAX} characters`);

    // A column of the project by its name first (the board's own words), else a status.
    const statusText = at('status').trim();
    const column = statusText === '' ? undefined : context.columns.get(nameKey(statusText));
    const status: Status | undefined =
      column?.category ??
      (statusText === ''
        ? 'todo'
        : (STATUSES as readonly string[]).includes(statusText)
          ? (statusText as Status)
          : Object.hasOwn(STATUS_NAMES, nameKey(statusText))
            ? STATUS_NAMES[nameKey(statusText)]
            : undefined); // not "constructor" and its kin
    if (!status)
      problem(
        'status',
        `is neither a column of the project nor a status (to do, in progress, done): ${statusText}`,
      );

    const priorityText = at('priority').trim().toLowerCase();
    const priority = priorityText === '' ? 'medium' : PRIORITIES.find((p) => p === priorityText);
    if (!priority)
      problem(
        'priority',
        `is not a priority (low, medium, high, urgent): ${at('priority').trim()}`,
      );

    const dueAt = dueOf(at('dueAt'));
    if (dueAt === undefined)
      problem(
        'dueAt',
        `is not a date (2026-12-31, or 2026-12-31T17:00:00Z): ${at('dueAt').trim()}`,
      );

    const labelIds: string[] = [];
    for (const name of at('labels').split(/[;,]/)) {
      const normalized = normalizeName(name);
      if (normalized === '') continue;
      const id = context.labels.get(normalized);
      if (!id) problem('labels', `names no label of the project: ${normalized}`);
      else if (!labelIds.includes(id)) labelIds.push(id);
    }

    const email = at('assignee').trim();
    const assigneeId = email === '' ? null : (context.members.get(normalizeEmail(email)) ?? null);
    if (email !== '' && !assigneeId)
      problem('assignee', `is not a member of the project: ${email}`);

    if (problems.length > 0) {
      issues.push(...problems);
      return;
    }
    tasks.push({
      row,
      title,
      description: description.trim() === '' ? null : description,
      status: status!,
      columnId: column?.id ?? null,
      priority: priority!,
      dueAt: dueAt!,
      labelIds,
      assigneeId,
    });
  });
  return { tasks, issues };
}
