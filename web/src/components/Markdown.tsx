// Markdown of descriptions and comments as React elements (react-markdown: CommonMark parsed to a
// syntax tree, then elements; never HTML strings, so no innerHTML and nothing for the CSP to
// allow). HTML written in the text stays text; links go through react-markdown's URL filter
// (http, https, mailto and relative only: no javascript:) and open in a new tab without access
// to this one; images become links, since the CSP loads no image from elsewhere. Loaded on demand
// (MarkdownText): the parser is larger than the rest of a task page.
import ReactMarkdown from 'react-markdown';
import type { Components } from 'react-markdown';

const components: Components = {
  // Text headings sit below the page's own (h1 page, h2 sections).
  h1: 'h3',
  h2: 'h4',
  h3: 'h5',
  h4: 'h6',
  h5: 'h6',
  h6: 'h6',
  // A refused address (react-markdown empties it) leaves the text without a link.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <>{children}</>
    ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : (
      <>{alt}</>
    ),
};

export default function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      <ReactMarkdown components={components}>{text}</ReactMarkdown>
    </div>
  );
}
