// What a search box's text means, the same on both databases: its words (runs of letters, digits
// and combining marks; everything else separates), each matched as a word prefix, all of them
// required. "deplo helm" finds "Deployment with Helm charts". Case and accents are ignored.

/** At most this many words are searched for; the rest of a long paste is ignored. */
export const MAX_TERMS = 8;

/**
 * InnoDB's full-text parser skips words shorter than innodb_ft_min_token_size (3) and the words
 * of its default stopword list; a required term it skipped would match nothing. On MySQL such
 * words are matched as substrings instead (LIKE), next to the indexed words.
 */
export const MYSQL_MIN_TOKEN = 3;
export const MYSQL_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about an are as at be by com de en for from how i in is it la of on or that the this to ' +
    'was what when where who will with und www'
  ).split(' '),
);

/** Lower case, Unicode NFC, de-duplicated, at most MAX_TERMS; [] when no word is left. */
export function searchTerms(text: string): string[] {
  const words =
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** An FTS5 query: every word a quoted prefix (a word holds no quote, so none needs escaping). */
export const fts5Query = (terms: readonly string[]) => terms.map((t) => `"${t}"*`).join(' ');

/** The words InnoDB indexes, as a boolean-mode query (`+word*` each), and the ones it does not. */
export function mysqlQuery(terms: readonly string[]): { match: string | null; like: string[] } {
  const indexed = terms.filter((t) => [...t].length >= MYSQL_MIN_TOKEN && !MYSQL_STOPWORDS.has(t));
  const like = terms.filter((t) => !indexed.includes(t));
  return { match: indexed.length > 0 ? indexed.map((t) => `+${t}*`).join(' ') : null, like };
}

/** Folds case and accents, as both databases compare words. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Up to `width` characters of `text` around the first word that starts with a term (whitespace
 * collapsed, an ellipsis where it was cut); null when no term occurs. Plain text: the client
 * highlights it, never as HTML.
 */
export function excerpt(text: string | null, terms: readonly string[], width = 160): string | null {
  if (!text) return null;
  const flat = text.replace(/\s+/g, ' ').trim();
  // Folding may change the length of a character (NFD splits "é"): find the match on the folded
  // text character by character, so that its offset maps back to `flat`.
  const chars = [...flat];
  const folded = chars.map(fold);
  const foldedTerms = terms.map(fold);
  let at = -1;
  for (let i = 0; i < chars.length && at < 0; i++) {
    const startsWord = i === 0 || !/[\p{L}\p{N}]/u.test(chars[i - 1]!);
    if (!startsWord) continue;
    const rest = folded.slice(i, i + 64).join('');
    if (foldedTerms.some((t) => t.length > 0 && rest.startsWith(t))) at = i;
  }
  if (at < 0) return null;
  const start = Math.max(0, at - Math.floor(width / 3));
  const end = Math.min(chars.length, start + width);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('').trim()}${end < chars.length ? '…' : ''}`;
}
