// What the last change on a screen did ("Removed …", "Saved …"), read out once it is done.
export function DoneNotice({ message }: { readonly message: string | null }) {
  return message ? (
    <p className="notice notice-ok" role="status">
      {message}
    </p>
  ) : null
}
