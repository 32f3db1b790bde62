// The timeline's subject choices and the route's subject segment, both ways.
import { describe, expect, it } from 'vitest';
import { choiceOfRoute, routeOfChoice, subjectChoices, subjectOf, fits, type SubjectChoice } from '../../../renderer/src/replay/subject';

describe('timeline subjects', () => {
  it('offers the engine allocator only for malloc and tune exercises', () => {
    expect(subjectChoices('malloc').map((c) => c.value)).toEqual(['submission', 'reference', 'starter', 'engine']);
    expect(subjectChoices('api').map((c) => c.value)).toEqual(['submission', 'reference', 'starter']);
  });

  it('turns a choice into the replay API subject', () => {
    expect(subjectOf('submission', 'best', 'code')).toEqual({ code: 'submission', source: 'code' });
    expect(subjectOf('engine', 'next', 'code')).toEqual({ code: 'engine', config: { fit: 'next' } });
  });

  it('reads and writes the route segment, your code being the default', () => {
    for (const choice of ['submission', 'reference', 'starter', 'engine'] as SubjectChoice[]) {
      for (const fit of fits) {
        const back = choiceOfRoute(routeOfChoice(choice, fit));
        expect(back.choice).toBe(choice);
        if (choice === 'engine') expect(back.fit).toBe(fit);
      }
    }
    expect(routeOfChoice('submission', 'first')).toBeNull();
    expect(choiceOfRoute('engine-worst')).toEqual({ choice: 'submission', fit: 'best' });
    expect(choiceOfRoute(null).choice).toBe('submission');
  });
});
