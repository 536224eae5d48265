// Fixed channel names. The preload only ever uses these; nothing builds a channel from
// a string the renderer chose.
import type { EventName, MethodName } from './contract'

export const CHANNEL_PREFIX = 'zfs-offsite:'

export function invokeChannel(method: MethodName): string {
  return `${CHANNEL_PREFIX}invoke:${method}`
}

export function eventChannel(event: EventName): string {
  return `${CHANNEL_PREFIX}event:${event}`
}
