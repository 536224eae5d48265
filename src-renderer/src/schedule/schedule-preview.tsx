// "What this runs" for a schedule: the exact commands setJobSchedule would run on which
// host, and the schedule in words, from the services' own preview (nothing is changed).
import { api } from '../api'
import { CommandList } from '../components/command-list'
import { PreviewPanel } from '../components/preview-panel'
import type { AppError } from '../../../src-main/shared/errors'
import type { MethodOutput } from '../../../src-main/shared/contract'
import type { JobSchedule } from '../../../src-main/shared/schedule'

type Preview = MethodOutput<'previewJobSchedule'>

const HOST_WORDS = { nas: 'the NAS', offsite: 'the off-site box' } as const

export interface SchedulePreviewProps {
  readonly jobId: string
  /** What would be saved; null while the form cannot be sent. */
  readonly schedule: JobSchedule | null
  /** A refusal goes to the form too, so it can mark the fields. */
  onRefused(error: AppError): void
}

export function SchedulePreview({ jobId, schedule, onRefused }: SchedulePreviewProps) {
  return (
    <PreviewPanel<Preview>
      input={schedule}
      load={() => api().previewJobSchedule({ jobId, schedule: schedule! })}
      incomplete="Correct the marked entries to see the exact commands."
      onRefused={onRefused}
      render={(preview) => (
        <>
          <p>
            <strong>{preview.words.summary}</strong> {preview.words.detail}
          </p>
          <CommandList commands={preview.commands} hosts={HOST_WORDS} />
        </>
      )}
    />
  )
}
