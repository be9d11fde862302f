// iCalendar (RFC 5545) text for a feed of due tasks: TEXT values escaped (§3.3.11), content lines
// folded at 75 octets without splitting a UTF-8 character (§3.1), CRLF line ends, times in UTC.

export interface CalendarEvent {
  uid: string;
  summary: string;
  description: string | null;
  /** The due instant (ms): DTSTART without DTEND, a point in time (§3.6.1). */
  at: number;
  /** The task's last change (ms): DTSTAMP and LAST-MODIFIED. */
  changed: number;
  categories: string[];
  url: string | null;
}

/** A TEXT value: backslash, semicolon, comma and line breaks escaped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** 20261203T142500Z */
export function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** One content line, folded into lines of at most 75 octets (continuations start with a space). */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // The first line holds 75 octets; a continuation 74 after its leading space.
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function renderCalendar(name: string, events: CalendarEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//CloudEdu//TaskManager//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
  ];
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${utcStamp(event.changed)}`,
      `LAST-MODIFIED:${utcStamp(event.changed)}`,
      `DTSTART:${utcStamp(event.at)}`,
      `SUMMARY:${escapeText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    if (event.categories.length > 0)
      lines.push(`CATEGORIES:${event.categories.map(escapeText).join(',')}`);
    if (event.url) lines.push(`URL:${event.url}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
