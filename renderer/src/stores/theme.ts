// Theme store: light or dark. Follows the system's prefers-color-scheme until the student picks
// one; the pick is remembered in localStorage ('lab.theme'). Applied as <html data-theme="…">.
import { defineStore } from 'pinia';
import { computed, ref, watchEffect } from 'vue';

export type Theme = 'light' | 'dark';
const KEY = 'lab.theme';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

export const useThemeStore = defineStore('theme', () => {
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const systemDark = ref(media?.matches ?? false);
  media?.addEventListener?.('change', (e) => { systemDark.value = e.matches; });

  /** The student's pick, or null to follow the system. */
  const choice = ref<Theme | null>(stored());
  const theme = computed<Theme>(() => choice.value ?? (systemDark.value ? 'dark' : 'light'));

  function set(value: Theme | null): void {
    choice.value = value;
    try {
      if (value) localStorage.setItem(KEY, value);
      else localStorage.removeItem(KEY);
    } catch { /* storage may be disabled: the pick lasts for this page */ }
  }
  const toggle = () => set(theme.value === 'dark' ? 'light' : 'dark');

  watchEffect(() => {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme.value;
  });

  return { choice, systemDark, theme, set, toggle };
});
