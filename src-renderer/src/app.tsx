import { useEffect, useState } from 'react'
import { api } from './api'

export function App() {
  const [version, setVersion] = useState('')
  useEffect(() => {
    void api()
      .getAppInfo()
      .then((r) => r.ok && setVersion(r.value.version))
  }, [])
  return <h1>ZFS Offsite {version}</h1>
}
