// What a recovery step runs, asked of the services (they build it from the commands they
// run), so "What this runs" shows exactly that. Asks again when the step's input changes;
// an input the services refuse (a half-typed name) shows nothing yet.
import { useEffect, useState } from 'react'
import { api } from '../api'
import type { RecoveryStepPreview } from '../../../src-main/shared/recovery'
import type { ShownCommand } from '../../../src-main/shared/wizard'

export function useStepCommands(input: RecoveryStepPreview | null): readonly ShownCommand[] {
  const [commands, setCommands] = useState<readonly ShownCommand[]>([])
  const key = input === null ? '' : JSON.stringify(input)
  useEffect(() => {
    if (key === '') {
      setCommands([])
      return
    }
    let current = true
    api()
      .previewRecoveryStep(JSON.parse(key) as RecoveryStepPreview)
      .then(
        (result) => {
          if (current) setCommands(result.ok ? result.value.commands : [])
        },
        () => {
          if (current) setCommands([])
        },
      )
    return () => {
      current = false
    }
  }, [key])
  return commands
}
