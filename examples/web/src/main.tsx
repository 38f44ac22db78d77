import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BettermodeProvider } from '@bettermode-kit/react';
import { App } from './App';
import { bm } from './bettermode';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BettermodeProvider client={bm}>
      <App />
    </BettermodeProvider>
  </StrictMode>,
);
