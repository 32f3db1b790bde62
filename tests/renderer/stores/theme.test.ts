// @vitest-environment happy-dom
// The theme store: follows prefers-color-scheme until a pick, remembers the pick, sets data-theme.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { useThemeStore } from '../../../renderer/src/stores/theme';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('theme store', () => {
  it('follows the system until the student picks, then remembers the pick', async () => {
    const theme = useThemeStore();
    theme.systemDark = true;
    expect(theme.theme).toBe('dark');
    theme.toggle();
    await nextTick();
    expect(theme.theme).toBe('light');
    expect(localStorage.getItem('lab.theme')).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    setActivePinia(createPinia());
    expect(useThemeStore().theme).toBe('light');
    useThemeStore().set(null);
    expect(localStorage.getItem('lab.theme')).toBeNull();
  });
});
