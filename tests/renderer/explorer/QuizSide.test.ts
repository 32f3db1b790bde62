// @vitest-environment happy-dom
// The Machine Explorer's quiz side panel (renderer/src/components/explorer/QuizSide.vue) on its own:
// its toggle's arrow points where the panel goes (folded at the right edge: ◀ opens it leftwards;
// open: ▶ folds it away), a glyph kept horizontal in the folded toggle's vertical text; opening
// draws a translate question, whose revealed working is all there, line by line.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { quiz } from '../../../engine/quiz/index';
import QuizSide from '../../../renderer/src/components/explorer/QuizSide.vue';
import { FakeLab, installFakeLab } from '../fakeLab';

describe('QuizSide', () => {
  it('points its arrow where the panel goes: ◀ to open it from the right edge, ▶ to fold it away', async () => {
    const fake = new FakeLab();
    installFakeLab(fake);
    const w = mount(QuizSide, { props: { open: false, 'onUpdate:open': (v: boolean) => w.setProps({ open: v }) }, global: { plugins: [createPinia()] } });
    const arrow = () => w.find('[data-testid=explorer-quiz-arrow]');
    expect(arrow().text()).toBe('◀');
    expect(arrow().classes()).toContain('arrow');
    expect(arrow().attributes('aria-hidden')).toBe('true');
    await w.find('[data-testid=explorer-quiz-toggle]').trigger('click');
    await flushPromises();
    expect(w.props('open')).toBe(true);
    expect(arrow().text()).toBe('▶');
    expect(w.find('[data-testid=explorer-quiz-toggle]').attributes('aria-expanded')).toBe('true');
    expect(fake.callsOf('quiz').map(([topic]) => topic)).toEqual(['translate']);

    // Reveal: every line of the engine's working is in the explanation (it wraps; nothing is cut off).
    await w.find('[data-testid=quiz-reveal]').trigger('click');
    await flushPromises();
    const [, seed] = fake.callsOf('quiz')[0]! as [string, number];
    const explanation = w.find('[data-testid=quiz-solution] .explanation');
    expect(explanation.text()).toBe(quiz('translate', seed).explanation.trim());
    w.unmount();
  });
});
