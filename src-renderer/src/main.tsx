// Renderer entry: the stylesheet, the remembered theme for the first paint, the app.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { applyTheme, rememberedTheme } from './theme/apply-theme'
import './styles/app.css'

applyTheme(rememberedTheme())

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    {'api' in window ? (
      <App />
    ) : (
      <p className="content">
        This page is the ZFS Offsite window. Open it from the desktop app, or with <code>npm run dev:web</code>.
      </p>
    )}
  </StrictMode>,
)
