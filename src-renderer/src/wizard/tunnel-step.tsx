// Step 1, the tunnel: WireGuard between the NAS and the off-site box (keys made on each
// host, configs written, enabled, verified by a handshake and pings both ways) — or, when
// the NAS already reaches the off-site box, that path checked against the pinned host key.
import { useId, useState } from 'react'
import { api } from '../api'
import { TextField } from '../components/text-field'
import type { WizardStepInput } from '../../../src-main/shared/contract'
import type { Host } from '../../../src-main/shared/model'
import { ok } from '../../../src-main/shared/result'
import type { WizardState } from '../../../src-main/shared/wizard'
import { StepFrame } from './step-frame'
import type { HostLabels } from './step-words'

export interface TunnelStepProps {
  readonly wizard: WizardState
  readonly hosts: HostLabels
  readonly offsite: Host | undefined
  onState(state: WizardState): void
  onBack(): void
  onNext(): void
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim())

export function TunnelStep({ wizard, hosts, offsite, onState, onBack, onNext }: TunnelStepProps) {
  const ids = { mode: useId(), nat: useId() }
  const [reachable, setReachable] = useState(false)
  // The off-site box's own address is the best first guess, unless it is only reached through the NAS.
  const [offsiteEndpoint, setOffsiteEndpoint] = useState(offsite && !offsite.reachedThroughNas ? offsite.address : '')
  const [nasBehindNat, setNasBehindNat] = useState(true)
  const [nasEndpoint, setNasEndpoint] = useState('')
  const [port, setPort] = useState('')
  const [offsiteAddress, setOffsiteAddress] = useState('')
  const [nasAddress, setNasAddress] = useState('')

  const portNumber = port.trim() === '' ? null : Number(port)
  const portOk = portNumber === null || (Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535)
  const tunnelInput: WizardStepInput = {
    step: 'tunnel',
    offsiteEndpoint: orNull(offsiteEndpoint),
    nasEndpoint: nasBehindNat ? null : orNull(nasEndpoint),
    offsitePort: portOk ? portNumber : null,
  }
  const canRun = reachable ? offsiteAddress.trim() !== '' : portOk && (tunnelInput.offsiteEndpoint !== null || tunnelInput.nasEndpoint !== null)

  const result = wizard.steps.tunnel.status === 'succeeded' || wizard.steps.tunnel.status === 'skipped' ? wizard.steps.tunnel.result : null

  return (
    <StepFrame
      step="tunnel"
      wizard={wizard}
      hosts={hosts}
      onState={onState}
      onBack={onBack}
      onNext={onNext}
      undoLabel="Remove tunnel"
      intro={
        reachable ? (
          <p>
            Nothing is installed. On {hosts.nas}, the app checks that it reaches {hosts.offsite} at the address you give, and that the host key
            answering there is the one you confirmed for {hosts.offsite}.
          </p>
        ) : (
          <p>
            A private WireGuard tunnel so {hosts.nas} can send copies to {hosts.offsite}. On each host the app makes a WireGuard key (the private
            key never leaves that host), writes the tunnel’s configuration with addresses and a port that collide with nothing already there,
            and starts the tunnel at boot. Then it checks a fresh handshake and pings both ways.
          </p>
        )
      }
      previewInput={reachable ? null : tunnelInput}
      runLabel={reachable ? 'Check the connection' : 'Set up the tunnel'}
      busyLabel={reachable ? 'Checking the connection…' : 'Setting up the tunnel…'}
      canRun={canRun}
      onRun={async () => {
        if (!reachable) return api().runWizardStep(tunnelInput)
        const skipped = await api().skipWizardTunnel({ offsiteAddress: offsiteAddress.trim(), nasAddress: orNull(nasAddress) })
        return skipped.ok ? ok({ state: skipped.value, findings: [] }) : skipped
      }}
      verified={
        result?.kind === 'tunnel' ? (
          <p>
            Verified: a fresh WireGuard handshake and pings both ways over tunnel {result.interface} — {hosts.nas} is{' '}
            <span className="mono">{result.nasAddress}</span>, {hosts.offsite} is <span className="mono">{result.offsiteAddress}</span> (UDP port{' '}
            {result.offsitePort}).
          </p>
        ) : result?.kind === 'reachable' ? (
          <p>
            Verified: {hosts.nas} reaches {hosts.offsite} at <span className="mono">{result.offsiteAddress}</span> and it showed the host key you
            confirmed. {hosts.offsite} sees {hosts.nas} as <span className="mono">{result.nasAddress}</span>.
          </p>
        ) : null
      }
    >
      <fieldset>
        <legend id={ids.mode}>How do the two hosts reach each other?</legend>
        <div className="radio">
          <input type="radio" id={`${ids.mode}-tunnel`} name={ids.mode} checked={!reachable} onChange={() => setReachable(false)} />
          <label htmlFor={`${ids.mode}-tunnel`}>Set up a WireGuard tunnel between them</label>
        </div>
        <div className="radio">
          <input type="radio" id={`${ids.mode}-reach`} name={ids.mode} checked={reachable} onChange={() => setReachable(true)} />
          <label htmlFor={`${ids.mode}-reach`}>The NAS already reaches the off-site box (existing VPN, managed host)</label>
        </div>
      </fieldset>
      {reachable ? (
        <>
          <TextField
            label="Off-site box’s address as the NAS reaches it"
            value={offsiteAddress}
            onChange={setOffsiteAddress}
            hint="The address on your VPN or the managed host’s name, for example 10.8.0.2."
          />
          <TextField
            label="NAS’s address as the off-site box sees it (optional)"
            value={nasAddress}
            onChange={setNasAddress}
            hint="Empty: the app reads it from the NAS’s route to the off-site box."
          />
        </>
      ) : (
        <>
          <TextField
            label="Off-site box’s public address"
            value={offsiteEndpoint}
            onChange={setOffsiteEndpoint}
            hint="How the NAS reaches the off-site box over the internet: a name like friend.example.net or an IP address. Leave empty when it has none; then the NAS needs one."
          />
          <div className="checkbox">
            <input id={ids.nat} type="checkbox" checked={nasBehindNat} onChange={(e) => setNasBehindNat(e.target.checked)} />
            <label htmlFor={ids.nat}>The NAS is behind NAT / has no public address</label>
          </div>
          {nasBehindNat ? (
            <p className="hint">Then the NAS opens the tunnel and keeps it open; the off-site box never has to reach your home.</p>
          ) : (
            <TextField label="NAS’s public address" value={nasEndpoint} onChange={setNasEndpoint} hint="How the off-site box reaches your NAS over the internet." />
          )}
          <TextField
            label="UDP port on the off-site box (optional)"
            type="number"
            value={port}
            onChange={setPort}
            error={portOk ? undefined : 'A port is between 1 and 65535.'}
            inputProps={{ min: 1, max: 65535 }}
            hint="Only when its router forwards one fixed port to it. Empty: the app picks a free one near 51820."
          />
        </>
      )}
    </StepFrame>
  )
}
