import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { bootServiceWorker } from './sw/register';
import { App } from './ui/App';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// The service worker first (built page only): on the first visit the page reloads once, under its
// control, before anything renders.
void bootServiceWorker().then((render) => {
  if (!render) return;
  root.textContent = '';
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
