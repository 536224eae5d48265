// One entry point for both transports: look the method up in the contract (own keys
// only), parse the input, run the service, check the output, answer with a Result.
import { contract, type MethodName } from '../shared/contract'
import { AppFailure, appError, describeIssues } from '../shared/errors'
import { fail, ok, type Result } from '../shared/result'
import type { Logger } from '../core/logging/logger'
import type { Services } from './app-services'

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

export async function dispatch(services: Services, logger: Logger, method: unknown, rawInput: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return fail(appError('UNKNOWN_METHOD', 'The app asked for something it does not offer.', 'Restart the app; if it happens again, report it.', String(method)))
  }
  const spec = contract[method]
  const input = spec.input.safeParse(rawInput ?? {})
  if (!input.success) {
    const first = input.error.issues[0]
    return fail(
      appError(
        'INVALID_INPUT',
        first ? first.message : 'Some of the values given are not valid.',
        'Correct the highlighted value and try again. Nothing was changed.',
        describeIssues(input.error),
      ),
    )
  }
  const started = Date.now()
  try {
    // The cast is safe: `method` selects both the schema that parsed `input` and the service.
    const impl = services[method] as (i: unknown) => Promise<unknown>
    const value = await impl(input.data)
    const output = spec.output.safeParse(value)
    if (!output.success) {
      logger.error('service returned a value outside the contract', { method, issues: output.error.issues.map((i) => i.message) })
      return fail(appError('INTERNAL', 'The app produced an answer it could not check.', 'Please report this with the log file.', method))
    }
    logger.debug('api call', { method, ms: Date.now() - started })
    return ok(output.data)
  } catch (err) {
    if (err instanceof AppFailure) {
      logger.warn('api call failed', { method, code: err.appError.code, cause: err.appError.cause })
      return fail(err.appError)
    }
    logger.error('api call crashed', { method, error: err })
    return fail(
      appError('INTERNAL', 'Something unexpected went wrong inside the app.', 'Try again; if it keeps happening, report it with the log file.', err instanceof Error ? err.message : String(err)),
    )
  }
}
