import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { applyStoredTheme } from './components/theme-toggle.tsx';

applyStoredTheme();
createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
