// A quiet "loading" line for the moment between opening a screen and the first answer.
export function LoadingNotice({ what }: { readonly what: string }) {
  return (
    <p className="hint" role="status">
      Loading {what}…
    </p>
  )
}
