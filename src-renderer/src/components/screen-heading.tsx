// A screen's <h1>. When the person switched screens, focus lands here so keyboard and
// screen-reader users start at the top of the new screen.
import { useEffect, useRef } from 'react'

export interface ScreenHeadingProps {
  readonly children: string
  readonly focusOnMount: boolean
}

export function ScreenHeading({ children, focusOnMount }: ScreenHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (focusOnMount) ref.current?.focus()
  }, [focusOnMount])
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-heading">
      {children}
    </h1>
  )
}
