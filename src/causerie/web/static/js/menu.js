// A small keyboard-friendly popup menu (Escape closes, arrows move, focus returns to the button).
import { h } from './dom.js';

let openMenu = null;

export function closeMenu({ restoreFocus = true } = {}) {
  if (!openMenu) return;
  const { el, anchor } = openMenu;
  openMenu = null;
  el.remove();
  anchor.setAttribute('aria-expanded', 'false');
  if (restoreFocus && anchor.isConnected) anchor.focus();
}

// items: [{label, action}]
export function toggleMenu(anchor, items, label) {
  if (openMenu && openMenu.anchor === anchor) {
    closeMenu();
    return;
  }
  closeMenu({ restoreFocus: false });
  if (!items.length) return;
  const buttons = items.map((item) => h('button', {
    type: 'button', role: 'menuitem', class: 'menu-item', tabindex: '-1',
    onclick: () => { closeMenu(); item.action(); },
  }, item.label));
  const el = h('div', { class: 'menu', role: 'menu', 'aria-label': label }, buttons);
  el.addEventListener('keydown', (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (event.key === 'Escape') { event.preventDefault(); closeMenu(); }
    else if (event.key === 'ArrowDown') { event.preventDefault(); buttons[(index + 1) % buttons.length].focus(); }
    else if (event.key === 'ArrowUp') {
      event.preventDefault();
      buttons[(index - 1 + buttons.length) % buttons.length].focus();
    } else if (event.key === 'Tab') closeMenu({ restoreFocus: false });
  });
  const landmark = anchor.closest('main, aside, nav') || document.body;
  landmark.append(el);
  const rect = anchor.getBoundingClientRect();
  el.style.top = `${Math.min(rect.bottom + 2, window.innerHeight - el.offsetHeight - 4)}px`;
  el.style.left = `${Math.max(4, Math.min(rect.right - el.offsetWidth, window.innerWidth - el.offsetWidth - 4))}px`;
  anchor.setAttribute('aria-expanded', 'true');
  openMenu = { el, anchor };
  buttons[0].focus();
}

document.addEventListener('mousedown', (event) => {
  if (openMenu && !openMenu.el.contains(event.target) && event.target !== openMenu.anchor) {
    closeMenu({ restoreFocus: false });
  }
});
