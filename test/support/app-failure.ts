// The AppFailure a promise rejects with; any other rejection, or none, fails the test.
import { AppFailure } from '../../src-main/shared/errors'

export async function failureOf(p: Promise<unknown>): Promise<AppFailure> {
  try {
    await p
  } catch (err) {
    if (err instanceof AppFailure) return err
    throw err
  }
  throw new Error('expected a failure')
}
