// @vitest-environment happy-dom
// The editor shell with Monaco replaced by a stand-in (monaco/setup.ts mocked): the status line
// under the code says what Tab does and how to leave the editor, follows the editor's tab mode
// (Escape armed, Ctrl+M on), and is one element whose text changes while it stays in place.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { EditorOptions, TabMode } from '../../../renderer/src/monaco/setup';
import CodeEditor from '../../../renderer/src/components/CodeEditor.vue';

const created: EditorOptions[] = [];
vi.mock('../../../renderer/src/monaco/setup', () => ({
  TAB_FOCUS_KEY: 'Ctrl+M',
  createLabEditor: (_element: HTMLElement, options: EditorOptions) => {
    created.push(options);
    options.onTabMode?.('indent');
    return { setValue() {}, setMarkers() {}, setDark() {}, reveal() {}, focus() {}, dispose() {}, ready: Promise.resolve() };
  },
}));

describe('CodeEditor', () => {
  it('says how Tab works and how to leave, and shows the mode the editor reports', async () => {
    const wrapper = mount(CodeEditor, { props: { exercise: '07-malloc', modelValue: 'x', typings: '', problems: [], dark: false }, attachTo: document.body });
    await flushPromises();
    expect(created).toHaveLength(1);
    const status = () => wrapper.find('[data-testid=editor-keys]');
    const element = status().element;
    expect(status().attributes('role')).toBe('status');
    expect(status().attributes('data-tab-mode')).toBe('indent');
    expect(status().text().replace(/\s+/g, ' ')).toBe('Tab indents · Esc then Tab leaves the editor · Ctrl+M Tab moves focus');

    const report = async (mode: TabMode) => {
      created[0]!.onTabMode!(mode);
      await flushPromises();
    };
    await report('leave');
    expect(status().attributes('data-tab-mode')).toBe('leave');
    expect(status().text().replace(/\s+/g, ' ')).toBe('Tab leaves the editor now (Shift+Tab: back to the run bar) · any other key stays');
    await report('moves-focus');
    expect(status().classes()).toContain('moves-focus');
    expect(status().text().replace(/\s+/g, ' ')).toBe('Tab moves focus · Ctrl+M to indent with Tab again');
    await report('indent');
    expect(status().text()).toContain('Esc then Tab leaves the editor');
    // The same element all along: its text changes, nothing is added above or below the code.
    expect(status().element).toBe(element);
    expect(wrapper.findAll('.code-editor > *').map((e) => e.classes()[0])).toEqual(['code-editor__frame', 'code-editor__status']);
    wrapper.unmount();
  });
});
