// @vitest-environment happy-dom
// The quiz view through the App's routes: #/quiz/<topic>/<seed> loads that question, a topic
// picked draws a seed into the URL, a wrong answer gets the engine's feedback, a right one (Enter)
// is marked right with its working, Reveal shows the answer and counts the question as revealed,
// the session's score line; the header and an exercise with the quiz view link here.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../renderer/src/App.vue';
import { hrefOf, navigate, parseHash } from '../../../renderer/src/router';
import { topicFor } from '../../../renderer/src/stores/quiz';
import { quiz } from '../../../engine/quiz/index';
import { FakeLab, exercise, installFakeLab } from '../fakeLab';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  navigate({ name: 'home' });
});

async function at(topic: string | null, seed: number | null, fake = new FakeLab()) {
  installFakeLab(fake);
  navigate({ name: 'home' });
  wrapper = mount(App, { global: { plugins: [createPinia()], stubs: { CodeEditor: true } }, attachTo: document.body });
  navigate({ name: 'quiz', topic, seed });
  await flushPromises();
  return { fake, w: wrapper };
}

async function answer(w: VueWrapper, text: string) {
  await w.find('#quiz-answer').setValue(text);
  await w.find('#quiz-answer').trigger('keydown', { key: 'Enter' });
  await w.find('form').trigger('submit');
  await flushPromises();
}

describe('QuizView', () => {
  it('loads the question of #/quiz/<topic>/<seed>, in monospace, with the topics and the seed', async () => {
    const { fake, w } = await at('translate', 42);
    expect(fake.callsOf('quiz')).toEqual([['translate', 42]]);
    expect(w.find('pre.prompt').text()).toBe(quiz('translate', 42).prompt.trim());
    expect(w.find('[data-testid=quiz-question]').attributes('aria-label')).toBe('Question: translate, seed 42');
    expect((w.find('#quiz-seed').element as HTMLInputElement).value).toBe('42');
    expect(w.findAll('[data-topic]').map((t) => t.attributes('data-topic'))).toEqual(['next-fit', 'available', 'translate', 'pool']);
    expect(w.find('[data-topic=translate]').text()).toContain('Intel two-level page tables');
    expect((w.find('[data-topic=translate] input').element as HTMLInputElement).checked).toBe(true);
    expect(w.find('[data-testid=quiz-solution]').exists()).toBe(false);
    expect(w.find('[data-testid=nav-quiz]').attributes('aria-current')).toBe('page');
  });

  it('says wrong with the engine\'s feedback, then right (with the working) and scores it', async () => {
    const { fake, w } = await at('pool', 7);
    const { answer: right, explanation } = quiz('pool', 7);
    await answer(w, '3');
    expect(fake.callsOf('checkQuiz')).toEqual([['pool', 7, '3']]);
    expect(w.find('[data-testid=quiz-feedback]').text()).toBe('Wrong.');
    expect(w.find('[data-testid=quiz-feedback]').classes()).toContain('bad');
    expect(w.find('[data-testid=quiz-status]').text()).toBe('1 wrong try so far');
    await answer(w, 'banana');
    expect(w.find('[data-testid=quiz-feedback]').text()).toMatch(/'banana' is not an answer I can read/);
    await answer(w, right);
    expect(w.find('[data-testid=quiz-feedback]').text()).toBe(`Right: ${right}.`);
    expect(w.find('[data-testid=quiz-feedback]').classes()).toContain('good');
    expect(w.find('[data-testid=quiz-status]').text()).toBe('Right after 2 wrong tries');
    expect(w.find('[data-testid=quiz-solution] pre').text()).toBe(explanation.trim());
    expect(w.find('[data-testid=quiz-score]').text()).toMatch(/0 right at the first try · 1 right later · 0 revealed · 1 question done/);
  });

  it('counts a right first answer, and a reveal as revealed', async () => {
    const { fake, w } = await at('next-fit', 3);
    await answer(w, quiz('next-fit', 3).answer);
    expect(w.find('[data-testid=quiz-status]').text()).toBe('Right at the first try');
    navigate({ name: 'quiz', topic: 'translate', seed: 42 });
    await flushPromises();
    expect(w.find('[data-testid=quiz-feedback]').text()).toBe('');
    expect((w.find('#quiz-answer').element as HTMLInputElement).value).toBe('');
    await w.find('[data-testid=quiz-reveal]').trigger('click');
    await flushPromises();
    expect(fake.callsOf('revealQuiz')).toContainEqual(['translate', 42]);
    const { answer: right, explanation } = quiz('translate', 42);
    expect(w.find('[data-testid=quiz-solution] h3').text()).toBe(`Answer: ${right}`);
    expect(w.find('[data-testid=quiz-solution]').text()).toContain(explanation.split('\n')[0]);
    expect(w.find('[data-testid=quiz-status]').text()).toBe('Revealed: not counted as answered');
    expect(w.find('[data-testid=quiz-reveal]').attributes('disabled')).toBeDefined();
    await answer(w, right);
    expect(w.find('[data-testid=quiz-status]').text()).toBe('Revealed: not counted as answered');
    expect(w.find('[data-testid=quiz-score]').text()).toMatch(/1 right at the first try · 1 revealed · 2 questions done/);
  });

  it('draws a seed into the URL for a picked topic, a bare #/quiz/<topic> and "New question"', async () => {
    const { fake, w } = await at(null, null);
    expect(w.text()).toContain('Pick a topic');
    await w.find('[data-topic=pool] input').setValue(true);
    await flushPromises();
    const first = parseHash(location.hash);
    expect(first).toMatchObject({ name: 'quiz', topic: 'pool' });
    expect(fake.callsOf('quiz')).toEqual([['pool', (first as { seed: number }).seed]]);
    expect(w.find('pre.prompt').text()).toContain('malloc(');
    await w.find('#quiz-seed').setValue('12');
    await w.find('#quiz-seed').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(location.hash).toBe('#/quiz/pool/12');
    expect(w.find('pre.prompt').text()).toBe(quiz('pool', 12).prompt.trim());
    await w.find('[data-testid=quiz-new]').trigger('click');
    await flushPromises();
    expect(parseHash(location.hash)).toMatchObject({ name: 'quiz', topic: 'pool', seed: expect.any(Number) });
    navigate({ name: 'quiz', topic: 'available', seed: null });
    await flushPromises();
    expect(location.hash).toMatch(/^#\/quiz\/available\/\d+$/);
  });

  it('names an unknown topic with the topics', async () => {
    const { w } = await at('fifo', 1);
    expect(w.find('[role=alert]').text()).toContain("unknown quiz topic 'fifo'; topics: next-fit, available, translate, pool");
  });

  it('is linked from the header and from an exercise whose views include the quiz', async () => {
    const fake = new FakeLab();
    fake.exercises = [exercise('01-bit-allocator', { views: ['heap-map', 'quiz'] }), exercise('07-malloc', { views: ['charts'] })];
    const { w } = await at(null, null, fake);
    expect(w.find('[data-testid=nav-quiz]').attributes('href')).toBe('#/quiz');
    navigate({ name: 'exercise', id: '01-bit-allocator' });
    await flushPromises();
    expect(w.find('[data-testid=quiz-link]').attributes('href')).toBe('#/quiz/next-fit');
    navigate({ name: 'exercise', id: '07-malloc' });
    await flushPromises();
    expect(w.find('[data-testid=quiz-link]').exists()).toBe(false);
  });
});

describe('quiz routes', () => {
  it('parses and builds #/quiz, #/quiz/<topic> and #/quiz/<topic>/<seed>', () => {
    expect(parseHash('#/quiz')).toEqual({ name: 'quiz', topic: null, seed: null });
    expect(parseHash('#/quiz/pool')).toEqual({ name: 'quiz', topic: 'pool', seed: null });
    expect(parseHash('#/quiz/pool/-12')).toEqual({ name: 'quiz', topic: 'pool', seed: -12 });
    expect(parseHash('#/quiz/pool/1.5')).toEqual({ name: 'missing', path: '/quiz/pool/1.5' });
    expect(parseHash('#/quiz/pool/99999999999999999')).toMatchObject({ name: 'missing' });
    expect(hrefOf({ name: 'quiz', topic: 'next-fit', seed: 42 })).toBe('#/quiz/next-fit/42');
    expect(hrefOf({ name: 'quiz', topic: null, seed: null })).toBe('#/quiz');
    expect(topicFor('05-page-tables')).toBe('translate');
    expect(topicFor('03-pool-allocator')).toBe('pool');
    expect(topicFor('08-fragmentation')).toBe('available');
  });
});
