// The left navigation: one button per screen, the current one marked for assistive tech.
import { screens, type ScreenId } from '../navigation/screens'

export interface MainNavProps {
  readonly current: ScreenId
  onSelect(screen: ScreenId): void
}

export function MainNav({ current, onSelect }: MainNavProps) {
  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {screens.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="nav-item"
              aria-current={s.id === current ? 'page' : undefined}
              onClick={() => onSelect(s.id)}
            >
              {s.name}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
