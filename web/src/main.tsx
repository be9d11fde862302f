import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { i18nReady } from './i18n';
import { applyTheme, storedTheme } from './lib/preferences';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

// This browser's theme before the first paint; the account's follows once signed in.
applyTheme(storedTheme());

void i18nReady.then(() => {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
