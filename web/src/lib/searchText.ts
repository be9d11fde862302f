// Text matching as the search service does it: words are runs of letters, digits and combining
// marks; case and accents are ignored; a query word matches a word that starts with it. Used to
// filter the command palette's projects and to highlight the words a search found.

/** Lower case without accents ("Canción" → "cancion"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The folded words of a query, de-duplicated. */
export function queryWords(query: string): string[] {
  return [...new Set(fold(query).match(/[\p{L}\p{N}]+/gu) ?? [])];
}

/** Whether `text` contains `query`, ignoring case and accents (the palette's project filter). */
export function includesFolded(text: string, query: string): boolean {
  return fold(text).includes(fold(query).trim());
}

export interface TextPart {
  text: string;
  /** A word that starts with one of the query's words. */
  match: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Splits `text` into parts, marking each whole word that starts with one of `words` (folded, as
 * queryWords returns them). Concatenating the parts gives `text` back unchanged.
 */
export function highlightParts(text: string, words: readonly string[]): TextPart[] {
  if (words.length === 0 || !text) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let last = 0;
  for (const found of text.matchAll(WORD)) {
    const word = found[0];
    const folded = fold(word);
    if (!words.some((w) => folded.startsWith(w))) continue;
    const at = found.index;
    if (at > last) parts.push({ text: text.slice(last, at), match: false });
    parts.push({ text: word, match: true });
    last = at + word.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/** The search page's address for a query (the header's box and the palette open it). */
export const searchPath = (q: string) => `/search?${new URLSearchParams({ q }).toString()}`;
