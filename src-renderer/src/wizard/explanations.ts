// The send choices in plain words, shared by the preflight and the job steps.
export const RECURSIVE_WORDS = 'Every dataset below the chosen one is copied too, and new ones made later are picked up by the next copy.'
export const RAW_WORDS =
  'Encrypted datasets are sent exactly as stored: they stay encrypted on the off-site box, which never sees your key. Without it, the NAS decrypts the data and the off-site box sees your files in plain form.'
export const INTERMEDIATES_WORDS =
  'Every snapshot taken since the last copy is sent, so the off-site box keeps the same history as the NAS. Without it, only the newest snapshot is sent each time.'
export const RATE_WORDS = 'Optional. Keeps your internet usable while a copy runs; empty sends as fast as the line allows (needs pv or mbuffer on the NAS).'
