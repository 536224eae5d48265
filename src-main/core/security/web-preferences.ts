// The web preferences of every app window, as the Electron security checklist asks:
// the page gets no Node, runs sandboxed and isolated from the preload, cannot load
// insecure content, embed webviews or navigate by drag and drop.

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const
