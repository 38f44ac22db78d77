import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { urqlClient } from './bettermode';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Provider value={urqlClient}>
      <App />
    </Provider>
  </StrictMode>,
);
