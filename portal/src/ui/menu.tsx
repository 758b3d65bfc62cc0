// A row's actions behind one button: a menu (WAI-ARIA menu button pattern) keeps table rows one
// line tall however many actions the caller may take.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

export function ActionMenu({ label, items }: { label: string; items: (MenuItem | false | null | undefined)[] }) {
  const [at, setAt] = useState<{ top: number; right: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const shown = items.filter(Boolean) as MenuItem[];

  useEffect(() => {
    if (!at) return;
    menu.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const away = (e: Event) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setAt(null);
    };
    // fixed below its button: a scroll would leave it behind
    const scrolled = () => setAt(null);
    document.addEventListener('mousedown', away);
    window.addEventListener('scroll', scrolled, true);
    return () => {
      document.removeEventListener('mousedown', away);
      window.removeEventListener('scroll', scrolled, true);
    };
  }, [at]);

  if (!shown.length) return null;
  const open = () => {
    const r = button.current!.getBoundingClientRect();
    setAt({ top: r.bottom + 2, right: Math.max(0, window.innerWidth - r.right) });
  };
  const close = () => {
    setAt(null);
    button.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const all = [...menu.current!.querySelectorAll<HTMLElement>('[role=menuitem]')];
    const i = all.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => {
      e.preventDefault();
      all[(n + all.length) % all.length]?.focus();
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(all.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') setAt(null);
  };
  return (
    <span class="menu-wrap">
      <button
        ref={button}
        type="button"
        class="small menu-button"
        aria-haspopup="menu"
        aria-expanded={at ? 'true' : 'false'}
        aria-label={label}
        title={label}
        onClick={() => (at ? setAt(null) : open())}
      >
        ⋯
      </button>
      {at && (
        <ul role="menu" class="menu" aria-label={label} ref={menu} onKeyDown={onKey} style={{ top: `${at.top}px`, right: `${at.right}px` }}>
          {shown.map((item) => (
            <li role="none" key={item.label}>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                class={item.danger ? 'danger' : undefined}
                onClick={() => {
                  // the focus goes back to the menu's button first, so a dialog the item opens returns it there
                  close();
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
