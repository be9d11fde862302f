// Text with the words a search found in <mark>: built from the plain text, never as HTML.
import { highlightParts } from '../lib/searchText';

export function Highlight({ text, words }: { text: string; words: readonly string[] }) {
  return (
    <>
      {highlightParts(text, words).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : part.text,
      )}
    </>
  );
}
