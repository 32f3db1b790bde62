// The demo lab's quiz (`?fake`): the engine's own quizzes (engine/quiz), as electron/host/lab/quiz.ts
// serves them: a question without its answer; check and reveal redraw it from (topic, seed).
import type { QuizCheck, QuizQuestion, QuizReveal, QuizTopicInfo } from '../../../electron/contract';
import { checkAnswer, quiz, quizTopics, type Question } from '../../../engine/quiz/index';

/** The engine's question; an Error (not the engine's RangeError) naming the topics for an unknown one. */
function draw(topic: string, seed: number): Question {
  try {
    return quiz(topic, seed);
  } catch (error) {
    throw error instanceof RangeError ? new Error(error.message) : error;
  }
}

export const demoQuizTopics = (): QuizTopicInfo[] => Object.entries(quizTopics).map(([topic, entry]) => ({ topic, describe: entry.describe }));

export function demoQuiz(topic: string, seed: number): QuizQuestion {
  const { prompt, outcomes } = draw(topic, seed);
  return { topic, seed, prompt, outcomes: [...outcomes] };
}

export function demoCheckQuiz(topic: string, seed: number, answer: string): QuizCheck {
  const { correct, feedback } = checkAnswer(draw(topic, seed), answer);
  return { correct, feedback };
}

export function demoRevealQuiz(topic: string, seed: number): QuizReveal {
  const { answer, explanation } = draw(topic, seed);
  return { answer, explanation };
}
