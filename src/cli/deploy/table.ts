// Plain-text tables like kubectl's: left-aligned columns, two spaces apart, no box drawing.

/** Renders rows under headers; cells longer than `maxWidth` are cut with an ellipsis. */
export function renderTable(headers: string[], rows: string[][], maxWidth = 80): string {
  const cut = (cell: string): string =>
    cell.length > maxWidth ? `${cell.slice(0, maxWidth - 3)}...` : cell;
  const all = [headers, ...rows].map((row) => row.map((c) => cut(c.replace(/\s+/g, ' ').trim())));
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "3m", "2h", "5d" like kubectl's AGE column. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(from).getTime()) / 1000));
  if (Number.isNaN(seconds)) return '<unknown>';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
