// `zfs get` of one property for named datasets, parsable: "name<TAB>value" per line.
// Used where a whole tree listing would be too much (a job's sources' encryption).
import type { CommandSpec } from './command'
import type { DatasetName } from './names'

export function getPropertyCommand(property: string, datasets: readonly DatasetName[]): CommandSpec {
  if (!/^[a-z_:.]+$/.test(property)) throw new Error(`not a ZFS property name: ${JSON.stringify(property)}`)
  if (datasets.length === 0) throw new Error('get a property of at least one dataset')
  return { argv: ['zfs', 'get', '-H', '-p', '-o', 'name,value', property, ...datasets], successCodes: [0] }
}

export function parsePropertyValues(stdout: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const tab = line.indexOf('\t')
    if (tab <= 0) throw new Error(`zfs get: unexpected line ${JSON.stringify(line)}`)
    values.set(line.slice(0, tab), line.slice(tab + 1))
  }
  return values
}
