// The renderer's only door to the app: window.api, typed by the contract.
import type { Api } from '../../src-main/shared/contract'

declare global {
  interface Window {
    readonly api: Api
  }
}

export function api(): Api {
  return window.api
}
