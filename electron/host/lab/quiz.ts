// The lab's quizzes (engine/quiz) for the contract's quizTopics, quiz, checkQuiz and revealQuiz:
// a question goes to the renderer without its answer or explanation; checkQuiz and revealQuiz
// redraw it from (topic, seed), which gives the same question on every call. An unknown topic is
// an Error naming the topics (the engine's RangeError text). Arguments are checked by LabHost.
import type { QuizCheck, QuizQuestion, QuizReveal, QuizTopicInfo } from '../../contract';
import { checkAnswer, type Question, quiz, quizTopics } from '../../../engine/quiz';

/** The last few questions drawn (a check and a reveal usually follow the question). */
const recent = new Map<string, Question>();
const RECENT = 32;

/** The engine's question for `topic` and `seed`; Error naming the topics for an unknown one. */
function draw(topic: string, seed: number): Question {
  const key = `${topic}/${seed}`;
  const cached = recent.get(key);
  if (cached) return cached;
  let question: Question;
  try {
    question = quiz(topic, seed);
  } catch (error) {
    throw error instanceof RangeError ? new Error(error.message) : error;
  }
  recent.set(key, question);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return question;
}

export function listQuizTopics(): QuizTopicInfo[] {
  return Object.entries(quizTopics).map(([topic, entry]) => ({ topic, describe: entry.describe }));
}

/** The question without its answer, expected value or explanation. */
export function quizQuestion(topic: string, seed: number): QuizQuestion {
  const { prompt, outcomes } = draw(topic, seed);
  return { topic, seed, prompt, outcomes: [...outcomes] };
}

export function checkQuiz(topic: string, seed: number, answer: string): QuizCheck {
  const { correct, feedback } = checkAnswer(draw(topic, seed), answer);
  return { correct, feedback };
}

export function revealQuiz(topic: string, seed: number): QuizReveal {
  const { answer, explanation } = draw(topic, seed);
  return { answer, explanation };
}
