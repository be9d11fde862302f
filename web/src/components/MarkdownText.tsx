// Markdown text, rendered once the Markdown module has loaded (its own chunk, kept out of the
// initial bundle); until then the plain text shows.
import { Suspense } from 'react';
import { lazyWithPreload } from '../lib/lazy';

const Markdown = lazyWithPreload(() => import('./Markdown'));

export function MarkdownText({ text, className }: { text: string; className?: string }) {
  return (
    <Suspense fallback={<p className={className ? `prewrap ${className}` : 'prewrap'}>{text}</p>}>
      <Markdown text={text} className={className} />
    </Suspense>
  );
}
