// The Jobs screen against the real services and config file: making a job through the
// form, refusals that name the field, what Check plan and Start say when the hosts are
// not confirmed yet, editing, and removing after a confirmation. The tests share one
// app and run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Job } from '../../src-main/shared/model'
import { goTo, launchBrowser, openApp, screenshotPath, type OpenedApp } from './support/browser'
import { readTextOrNull, startTestApp, type TestApp } from './support/test-app'

const MIB = 1024 * 1024

let testApp: TestApp
let browser: Browser
let app: OpenedApp
let page: Page
let nasId: string
let offsiteId: string

beforeAll(async () => {
  testApp = await startTestApp()
  const { services } = testApp.context
  // Hosts need no connection to be chosen for a job.
  nasId = (await services.addHost({ label: 'Home NAS', role: 'nas', address: '192.168.1.20', port: 22, user: 'backup', auth: 'app-key', reachedThroughNas: false })).id
  offsiteId = (await services.addHost({ label: 'Friend’s box', role: 'offsite', address: 'friend.example.net', port: 22, user: 'zfsreceive', auth: 'app-key', reachedThroughNas: true })).id
  browser = await launchBrowser()
  app = await openApp(browser, testApp.url)
  page = app.page
})
afterAll(async () => {
  await app?.close()
  await browser?.close()
  await testApp?.close()
})

function storedJobs(): Job[] {
  const text = readTextOrNull(testApp.configFile)
  return text === null ? [] : (JSON.parse(text) as { jobs: Job[] }).jobs
}

const newJobForm = () => page.getByRole('form', { name: 'New job' })
const jobItem = (name: string) => page.getByRole('list', { name: 'Jobs' }).getByRole('listitem', { name, exact: true })

describe('jobs', () => {
  it('with both hosts and no job yet, offers the New job form; a job made with it is stored with the fields typed', async () => {
    await goTo(page, 'Jobs')
    await page.getByRole('region', { name: 'No jobs yet' }).getByText('Both hosts are in place.', { exact: false }).waitFor()
    const form = newJobForm()
    expect(await form.getByLabel('NAS (copy from)').inputValue()).toBe(nasId)
    expect(await form.getByLabel('Off-site box (copy to)').inputValue()).toBe(offsiteId)
    // Without a probe of the NAS the app does not know its datasets: it asks for a name.
    const raw = form.getByRole('checkbox', { name: 'Keep encrypted data encrypted off-site (raw)' })
    expect(await raw.isChecked()).toBe(false)
    expect(await form.getByRole('checkbox', { name: 'Include child datasets' }).isChecked()).toBe(true)
    expect(await form.getByRole('checkbox', { name: 'Send every snapshot, not only the newest' }).isChecked()).toBe(true)

    await form.getByLabel('Name', { exact: true }).fill('Photos')
    await form.getByLabel('Dataset to copy').fill('tank/photos')
    await form.getByLabel('Leave out').fill('tank/photos/cache\n\ntank/photos/tmp\n')
    await form.getByLabel('Parent dataset on the off-site box').fill('backup/nas')
    await raw.check()
    await form.getByRole('checkbox', { name: 'Send every snapshot, not only the newest' }).uncheck()
    await form.getByLabel('Rate limit (MiB/s)').fill('10')
    await form.getByLabel('Buffer (MiB)').fill('64')
    await form.getByLabel('Address the NAS uses').fill('10.99.0.2')
    await form.getByLabel('Port').fill('2222')
    await form.getByLabel('Receive user').fill('zfsreceive')
    await form.getByLabel('Key file on the NAS').fill('/root/.ssh/offsite_ed25519')
    await page.screenshot({ path: screenshotPath('jobs-new-job-form'), fullPage: true })
    await form.getByRole('button', { name: 'Add job' }).click()

    await jobItem('Photos').waitFor()
    await page.getByRole('status').getByText('Added the job “Photos”.', { exact: false }).waitFor()
    const jobs = storedJobs()
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({
      name: 'Photos',
      sourceHostId: nasId,
      targetHostId: offsiteId,
      sources: [{ dataset: 'tank/photos', recursive: true }],
      exclusions: ['tank/photos/cache', 'tank/photos/tmp'],
      targetParent: 'backup/nas',
      intermediates: false,
      rateLimitBytesPerSecond: 10 * MIB,
      bufferBytes: 64 * MIB,
      receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 2222, identityFile: '/root/.ssh/offsite_ed25519' },
      send: { raw: true, intermediates: false },
    })
    expect(jobs[0]?.receiver).not.toHaveProperty('knownHostsFile')
    const card = await jobItem('Photos').textContent()
    expect(card).toContain('From Home NAS tank/photos to Friend’s box under backup/nas')
    expect(card).toContain('encrypted data stays encrypted off-site (raw)')
    expect(card).toContain('at most 10 MiB/s')
    expect(card).toContain('zfsreceive@10.99.0.2:2222')
    // The form is empty again for the next job.
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('')
    expect(await form.getByLabel('Dataset to copy').inputValue()).toBe('')
  })

  it('a dataset name the services refuse is named by its field, keeps what was typed, and stores nothing', async () => {
    const before = readTextOrNull(testApp.configFile)
    const form = newJobForm()
    await form.getByLabel('Name', { exact: true }).fill('Broken')
    await form.getByLabel('Parent dataset on the off-site box').fill('backup/nas')
    const datasetField = form.getByLabel('Dataset to copy')
    const cases = [
      // Refused by the contract's schema: a space.
      { typed: 'tank/my photos', message: 'A dataset name holds letters, digits and _ . : - / only, for example tank/photos.' },
      // Passes the schema, refused by OpenZFS's own naming rules in the services.
      { typed: 'c0/photos', message: 'A pool name cannot begin with “c” and a digit' },
    ]
    for (const { typed, message } of cases) {
      await datasetField.fill(typed)
      // Editing clears the last answer, so the alert below answers this name.
      await form.getByRole('alert').waitFor({ state: 'detached' })
      await form.getByRole('button', { name: 'Add job' }).click()
      const alert = form.getByRole('alert')
      await alert.getByText(message, { exact: false }).first().waitFor()
      expect(await alert.getByRole('list', { name: /^Fields? to correct:$/ }).textContent()).toContain('Dataset to copy')
      expect(await datasetField.getAttribute('aria-invalid')).toBe('true')
      // The field's own message is read with it, in words (no schema path).
      const described = await datasetField.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? ''),
      )
      expect(described[0]).toContain(message)
      expect(described[0]).not.toContain('sources.0')
      expect(await datasetField.inputValue()).toBe(typed)
      expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBeNull()
    }
    await page.screenshot({ path: screenshotPath('jobs-invalid-dataset'), fullPage: true })

    // A second job under a name already taken: the Name field is the one marked.
    await datasetField.fill('tank/docs')
    await form.getByLabel('Name', { exact: true }).fill('Photos')
    await form.getByRole('button', { name: 'Add job' }).click()
    await form.getByRole('alert').getByText('A job named “Photos” already exists.', { exact: true }).waitFor()
    expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    expect(await datasetField.getAttribute('aria-invalid')).toBeNull()

    expect(readTextOrNull(testApp.configFile)).toBe(before)
    await expect.poll(() => page.getByRole('list', { name: 'Jobs' }).getByRole('listitem').count()).toBe(1)
  })

  it('Check plan and Start say in plain words what stops them, and Start stays on Jobs', async () => {
    const card = jobItem('Photos')
    await card.getByRole('button', { name: 'Check plan for Photos' }).click()
    const alert = card.getByRole('alert')
    await alert.getByText('The identity of Home NAS has not been confirmed yet.', { exact: true }).waitFor()
    await alert.getByText('Open Hosts, connect to it and confirm its fingerprint.', { exact: true }).waitFor()
    expect(await card.getByRole('region', { name: 'Plan for Photos' }).count()).toBe(0)

    // A job that does not say how the NAS reaches the off-site box cannot start.
    const form = newJobForm()
    await form.getByLabel('Name', { exact: true }).fill('Documents')
    await form.getByLabel('Dataset to copy').fill('tank/docs')
    await form.getByLabel('Parent dataset on the off-site box').fill('backup/nas')
    await form.getByRole('button', { name: 'Add job' }).click()
    const docs = jobItem('Documents')
    await docs.getByText('Not ready to start:', { exact: true }).waitFor()
    expect(storedJobs().find((j) => j.name === 'Documents')).toMatchObject({ send: { raw: false, intermediates: true } })
    await docs.getByRole('button', { name: 'Start Documents' }).click()
    await docs.getByRole('alert').getByText('The NAS does not know yet how to reach the off-site box for “Documents”.', { exact: true }).waitFor()
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor()
    expect(storedJobs()).toHaveLength(2)
    expect(JSON.parse(readTextOrNull(testApp.configFile) ?? '{}').runs).toEqual([])
  })

  it('Edit sets how the NAS reaches the off-site box and clears an emptied rate limit', async () => {
    const docs = jobItem('Documents')
    await docs.getByRole('button', { name: 'Edit Documents' }).click()
    const form = docs.getByRole('form', { name: 'Change “Documents”' })
    await form.getByLabel('Rate limit (MiB/s)').fill('2.5')
    await form.getByLabel('Address the NAS uses').fill('10.99.0.2')
    await form.getByLabel('Receive user').fill('zfsreceive')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved the changes to “Documents”.', { exact: true }).waitFor()
    await form.waitFor({ state: 'detached' })
    expect(await docs.getByText('Not ready to start:', { exact: true }).count()).toBe(0)
    expect(storedJobs().find((j) => j.name === 'Documents')).toMatchObject({
      receiver: { user: 'zfsreceive', address: '10.99.0.2', port: 22 },
      rateLimitBytesPerSecond: 2.5 * MIB,
    })

    await docs.getByRole('button', { name: 'Edit Documents' }).click()
    await form.getByLabel('Rate limit (MiB/s)').fill('')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await form.waitFor({ state: 'detached' })
    expect(storedJobs().find((j) => j.name === 'Documents')).not.toHaveProperty('rateLimitBytesPerSecond')
  })

  it('removing asks for confirmation naming the job; Cancel keeps it, confirming removes it from the list and the config file', async () => {
    const remove = page.getByRole('button', { name: 'Remove Documents' })
    const dialog = page.getByRole('dialog', { name: 'Remove “Documents”?' })
    await remove.click()
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Nothing is deleted on the NAS or on the off-site box')
    expect(await dialog.textContent()).toContain('hold on its newest copied snapshot on the NAS is released')
    await page.screenshot({ path: screenshotPath('jobs-remove-dialog') })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(storedJobs().map((j) => j.name)).toEqual(['Photos', 'Documents'])

    await remove.click()
    await dialog.getByRole('button', { name: 'Remove job' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByRole('status').getByText('Removed the job “Documents”.', { exact: false }).waitFor()
    await jobItem('Documents').waitFor({ state: 'detached' })
    expect(storedJobs().map((j) => j.name)).toEqual(['Photos'])
    expect(app.problems).toEqual([])
  })
})
