import { describe, expect, it } from 'vitest';
import { fold, highlightParts, includesFolded, queryWords } from './searchText';

describe('search text', () => {
  it('folds case and accents, and reads the words of a query', () => {
    expect(fold('Canción ÉXITO')).toBe('cancion exito');
    expect(queryWords('  Deplo, helm-CHART deplo ')).toEqual(['deplo', 'helm', 'chart']);
    expect(queryWords('  ¿? ')).toEqual([]);
  });

  it('filters names ignoring case and accents', () => {
    expect(includesFolded('Migración de datos', 'MIGRACION')).toBe(true);
    expect(includesFolded('Migración de datos', 'de d')).toBe(true);
    expect(includesFolded('Launch', 'lunch')).toBe(false);
  });

  it('marks whole words that start with a query word, keeping the text as it was', () => {
    const text = '…the Deployment of Helm charts, redeploy (déploiement) later';
    const parts = highlightParts(text, queryWords('deplo helm'));
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual([
      'Deployment',
      'Helm',
      'déploiement',
    ]);
    expect(highlightParts('no words', [])).toEqual([{ text: 'no words', match: false }]);
    expect(highlightParts('<b>deploy</b>', ['deploy'])).toEqual([
      { text: '<b>', match: false },
      { text: 'deploy', match: true },
      { text: '</b>', match: false },
    ]);
  });
});
